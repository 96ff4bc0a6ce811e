#!/usr/bin/env python3
"""Regenerate the committed seed corpus under fuzz/corpus/ from the BuildKit conformance data
in tests/data/buildkit/ plus a few hand-written Dockerfiles. Run from the repository root."""

import glob
import hashlib
import os

ROOT = "fuzz/corpus"
DATA = "tests/data/buildkit"

EXTRA = {
    "multistage-heredoc-mount": b"""# syntax=docker/dockerfile:1
# check=skip=all
ARG BASE=alpine:3.19
ARG VERSION
FROM --platform=$BUILDPLATFORM ${BASE} AS build
ARG TARGETOS TARGETARCH
ENV GOOS=$TARGETOS GOARCH=${TARGETARCH:-amd64} CGO_ENABLED=0
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache,sharing=locked \\
    --mount=type=bind,source=.,target=/src,rw \\
    --mount=type=secret,id=token,env=TOKEN \\
    --network=none go build -o /out/app ./...
COPY --link --chmod=0755 <<EOF /usr/local/bin/hello
#!/bin/sh
echo "hello ${VERSION:-dev}"
EOF
RUN <<-'SCRIPT' bash -e
\techo $HOME
\tls /
SCRIPT

FROM scratch AS final
COPY --from=build --chown=1000:1000 /out/app /app
EXPOSE 8080/tcp 53/udp 9000-9010
HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ["/app", "health"]
USER 1000:1000
LABEL org.opencontainers.image.version=$VERSION a="b c"
VOLUME ["/data"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app"]
CMD --help
""",
    "escape-backtick-onbuild": b"""# escape=`
FROM mcr.microsoft.com/windows/servercore AS base
SHELL ["powershell", "-Command"]
RUN Write-Host `
    "hello"
ONBUILD RUN echo onbuild
ONBUILD COPY <<EOF /x
data
EOF
ADD --checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 https://example.com/a.tar.gz /tmp/
ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.12.0 /bk
MAINTAINER someone
""",
    "args-targets": b"""ARG A=1 B="two words" C
FROM busybox AS one
ARG A
RUN echo $A ${B:+set} ${C:?missing}
FROM one AS two
COPY --from=one /a /b
COPY --exclude=*.md --parents ./x/ /y/
FROM two
ADD a b c /dest/
WORKDIR $A/${B//o/0}
ENV X=${A%%1} Y=${A#*}
""",
    "heredocs-many": b"""FROM alpine
RUN <<A cat <<B > /file
first
A
second
B
COPY <<one <<"two" /dest/
$HOME
one
$HOME
two
RUN python3 <<EOT
print("x")
EOT
""",
    "run-options": b"""FROM alpine AS a
RUN --network=host --security=insecure --device=/dev/fuse echo hi
RUN --mount=type=tmpfs,target=/t,size=1m --mount=type=ssh,id=default,required \\
    --mount=from=a,source=/x,target=/y true
USER nobody
FROM a
COPY --from=a . .
""",
}


def dockerfile_seeds():
    seeds = {}
    dirs = sorted(glob.glob(f"{DATA}/parser/testfiles/*/"))
    dirs += sorted(glob.glob(f"{DATA}/parser/testfiles-negative/*/"))
    dirs.append(f"{DATA}/parser/testfile-line/")
    for d in dirs:
        path = os.path.join(d, "Dockerfile")
        if os.path.exists(path):
            with open(path, "rb") as f:
                seeds[os.path.basename(d.rstrip("/"))] = f.read()
    seeds.update(EXTRA)
    return seeds


def shell_words():
    words = set()
    with open(f"{DATA}/shell/envVarTest", "rb") as f:
        for line in f.read().split(b"\n"):
            if not line.strip() or line.startswith(b"#"):
                continue
            parts = line.split(b"|")
            if len(parts) >= 3:
                words.add(b"|".join(parts[1:-1]).strip())
    with open(f"{DATA}/shell/wordsTest", "rb") as f:
        for line in f.read().split(b"\n"):
            if not line.strip() or line.startswith((b"#", b"ENV ")):
                continue
            words.add(line.rsplit(b"|", 1)[0].strip())
    return sorted(words)


def main():
    for target in ["parse", "instructions", "convert"]:
        os.makedirs(f"{ROOT}/{target}", exist_ok=True)
        for name, data in dockerfile_seeds().items():
            with open(f"{ROOT}/{target}/{name}", "wb") as f:
                f.write(data)
    # expand: mode byte, word, then NUL-separated KEY=value env entries.
    env = b"\0PWD=/home\0SHELL=bash\0hi=hi\0space=abc  def\0leading=  ab c\0trailing=ab c   "
    os.makedirs(f"{ROOT}/expand", exist_ok=True)
    for i, word in enumerate(shell_words()):
        data = bytes([i % 4]) + word + env
        name = hashlib.sha1(data).hexdigest()[:16]
        with open(f"{ROOT}/expand/{name}", "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
