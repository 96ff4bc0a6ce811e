#!/usr/bin/env python3
"""Write a Dockerfile of more than 16 MiB, shaped like the one tests/big_dockerfile.rs
generates (ENV + RUN with 40 long continuation lines + COPY heredoc per block, then one 4 MiB
heredoc), for measuring peak memory:  make_big_dockerfile.py OUT"""

import sys

TARGET_SIZE = 16 << 20
BIG_HEREDOC_SIZE = 4 << 20


def main(path):
    filler = "x" * 200
    lines = ["# syntax=docker/dockerfile:1", "FROM alpine AS base"]
    size = sum(len(l) + 1 for l in lines)
    i = 0
    while size < TARGET_SIZE - BIG_HEREDOC_SIZE:
        block = [f"ENV K{i}=v{i}", f"RUN echo start{i} \\"]
        block += [f"    && echo {j}{filler} \\" for j in range(40)]
        block += [f"    && echo end{i}", f"COPY <<EOF{i} /f{i}"]
        block += [f'line {j} of block {i} $HOME "quoted" \\ {filler}' for j in range(20)]
        block.append(f"EOF{i}")
        lines += block
        size += sum(len(l) + 1 for l in block)
        i += 1
    lines.append("RUN <<BIG cat > /big")
    lines += ["y" * 99] * (BIG_HEREDOC_SIZE // 100 + 1)
    lines += ["BIG", 'CMD ["done"]']
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
