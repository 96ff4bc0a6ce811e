#!/usr/bin/env python3
"""bench/bench.py -- what a build costs through each frontend, on the real daemons (by hand, not CI).

Cases (each built once to warm the cache, then timed `--rounds` times, frontends interleaved
A B C A B C so drift hits all alike):
  a  three-stage     3 small stages, fully cached
  b  parallel-sleep  two independent `RUN sleep 2` stages, cold (--no-cache)
  c  thirty          30 independent stages + 1 that copies from all, cached
  d  chain200        a generated 200-stage / 5,000-instruction chain, cached
  e  examples        the seed examples (go, java, node-nginx, parallel, layer-cache), cached

Frontends: builtin (the daemon's own), rustfront (--rustfront IMAGE), noop (a gateway frontend
that reads nothing and returns an empty image: the floor BuildKit charges any frontend image;
--build-noop builds it from examples/noop-frontend) and any --frontend IMAGE[=ENTRYPOINT].

Per case and frontend it prints the median and range of the wall time, the median paired
difference against the builtin (same round), the frontend process's lifetime and its peak RSS
(VmHWM), found by polling /proc for the image's entrypoint. Every timed build is checked: it
went through the intended frontend (the progress output names the image), and for cached cases
every step was CACHED. Failed checks are printed and make the exit status 1.

  bench/bench.py --rustfront rustfront:e2e --build-noop [--rounds 5] [--daemons trixie,bookworm]
                 [--cases a,b,c,d,e] [--frontend dockerfile-upstream:1.20.0-local=dockerfile-frontend]
Needs root and the daemons of e2e/env/setup.sh.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "e2e"))
import harness as h  # noqa: E402  (the e2e harness: daemons, build, progress parsing)

CASES_DIR = REPO / "bench" / "cases"
NOOP_TAG = "rustfront-bench/noop:latest"
EXAMPLES = ("go", "java", "node-nginx", "parallel", "layer-cache")


# ----------------------------------------------------------------------------- generated cases

def thirty(n: int = 30) -> str:
    lines = ["# bench case (c): independent stages and one that copies from all"]
    for i in range(n):
        lines += [f"FROM busybox:local AS s{i}", f"RUN echo {i} > /f{i}"]
    lines.append("FROM busybox:local")
    lines += [f"COPY --from=s{i} /f{i} /f{i}" for i in range(n)]
    return "\n".join(lines) + "\n"


def chain(stages: int = 200, per_stage: int = 25) -> str:
    """A chain: each stage builds on the one before; per stage a WORKDIR (a file op: a RUN per
    stage would make the warm-up build take many minutes), then ENV/LABEL/ARG; one RUN at the end."""
    lines = ["# bench case (d): a generated chain of stages"]
    for i in range(stages):
        lines.append("FROM busybox:local AS s0" if i == 0 else f"FROM s{i - 1} AS s{i}")
        body = [f"WORKDIR /w{i}"]
        k = 0
        while len(body) < per_stage - 1:
            body.append((f"ENV E{i}_{k}=v{k}", f"LABEL l{i}.{k}=v{k}", f"ARG A{i}_{k}=v{k}")[k % 3])
            k += 1
        lines += body
    lines.append("RUN ls / > /listing")
    return "\n".join(lines) + "\n"


@dataclass
class Case:
    key: str
    name: str
    ctx: Path
    cached: bool = True


def cases(selected: set[str], tmp: Path) -> list[Case]:
    out = []
    if "a" in selected:
        out.append(Case("a", "three-stage", CASES_DIR / "three-stage"))
    if "b" in selected:
        out.append(Case("b", "parallel-sleep", CASES_DIR / "parallel-sleep", cached=False))
    for key, name, text in (("c", "thirty", thirty), ("d", "chain200", chain)):
        if key in selected:
            ctx = tmp / name
            ctx.mkdir()
            (ctx / "Dockerfile").write_text(text())
            out.append(Case(key, name, ctx))
    if "e" in selected:
        out += [Case("e", f"example {e}", REPO / "examples" / e) for e in EXAMPLES]
    return out


# ----------------------------------------------------------------------------- frontends

@dataclass
class Frontend:
    label: str
    image: str | None  # None: the builtin
    entry: str = ""  # basename of the image's entrypoint, to find its process

    @property
    def fe(self) -> h.Frontend:
        return h.Frontend(self.image)


class ProcWatch:
    """Polls /proc for processes whose argv[0] ends in /ENTRY: lifetime and peak RSS."""

    def __init__(self, entry: str) -> None:
        self.entry = "/" + entry
        self.seen: dict[int, list[float]] = {}  # pid -> [first, last]
        self.hwm_kib = 0
        self._stop = threading.Event()
        self._known: set[int] = set()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "ProcWatch":
        self._known = set(self._pids())
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _pids() -> list[int]:
        return [int(p) for p in os.listdir("/proc") if p.isdigit()]

    def _run(self) -> None:
        young: dict[int, float] = {}  # pid -> first sight: runc execs the entrypoint a moment later
        while not self._stop.is_set():
            now = time.monotonic()
            for pid in self._pids():
                if pid in self._known and pid not in self.seen and pid not in young:
                    continue
                if pid not in self._known:
                    self._known.add(pid)
                    young[pid] = now
                if pid not in self.seen:
                    if now - young.get(pid, now) > 0.5:
                        young.pop(pid, None)
                        continue
                    try:
                        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
                    except OSError:
                        continue
                    if not argv0.endswith(self.entry):
                        continue
                    young.pop(pid, None)
                    self.seen[pid] = [now, now]
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                if "\nState:\tZ" in status:
                    continue
                self.seen[pid][1] = now
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.hwm_kib = max(self.hwm_kib, int(line.split()[1]))
            time.sleep(0.001)

    def lifetime(self) -> float | None:
        if not self.seen:
            return None
        return max(last for _, last in self.seen.values()) - min(first for first, _ in self.seen.values())


# ----------------------------------------------------------------------------- measuring

@dataclass
class Sample:
    seconds: float
    lifetime: float | None
    hwm_kib: int


@dataclass
class Series:
    samples: list[Sample] = field(default_factory=list)


def used(fe: Frontend, output: str) -> bool:
    if fe.image is None:
        return True
    short = fe.image.split("/")[-1]
    return any(short in line for line in output.splitlines() if not line.startswith("#0 building with"))


def timed_build(d: h.Daemon, case: Case, fe: Frontend, problems: list[str], tag: str) -> Sample | None:
    with ProcWatch(fe.entry or "\0") as watch:
        res = h.build(d, case.ctx, tag, fe.fe, no_cache=not case.cached)
    where = f"{d.name} {case.name} {fe.label}"
    if not res.ok:
        problems.append(f"{where}: build failed (rc={res.rc}):\n{res.why(8)}")
        return None
    if not used(fe, res.output):
        problems.append(f"{where}: the progress output does not name {fe.image}")
    if case.cached and fe.label != "noop":
        ran = [s for s in h.parse_steps(res.output) if not s.cached]
        if ran:
            problems.append(f"{where}: {len(ran)} steps ran in a cached case: {h.describe_steps(ran[:5])}")
    return Sample(res.seconds, watch.lifetime(), watch.hwm_kib)


def fmt_ms(v: float | None) -> str:
    return "-" if v is None else f"{v * 1000:.0f}"


def report(d: h.Daemon, case: Case, frontends: list[Frontend], series: dict[str, Series]) -> None:
    base = series.get("builtin")
    print(f"\n{d.name} / ({case.key}) {case.name}")
    print(f"  {'frontend':<28} {'median ms':>9} {'range ms':>13} {'Δ builtin ms':>12} "
          f"{'lifetime ms':>11} {'peak RSS MiB':>12}")
    for fe in frontends:
        s = series[fe.label].samples
        if not s:
            print(f"  {fe.label:<28} (no successful build)")
            continue
        times = [x.seconds for x in s]
        diff = "-"
        if base and fe.label != "builtin" and len(base.samples) == len(s):
            diff = f"{statistics.median(a.seconds - b.seconds for a, b in zip(s, base.samples)) * 1000:+.0f}"
        lifes = [x.lifetime for x in s if x.lifetime is not None]
        life = statistics.median(lifes) if lifes else None
        hwm = max(x.hwm_kib for x in s) / 1024
        print(f"  {fe.label:<28} {fmt_ms(statistics.median(times)):>9} "
              f"{fmt_ms(min(times)) + '–' + fmt_ms(max(times)):>13} {diff:>12} {fmt_ms(life):>11} "
              f"{(f'{hwm:.1f}' if fe.image else '-'):>12}")


def build_noop(daemons: list[h.Daemon]) -> None:
    target = "x86_64-unknown-linux-gnu"
    env = dict(os.environ, RUSTFLAGS="-C target-feature=+crt-static")
    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "noop-frontend", "--target", target],
                   cwd=REPO, env=env, check=True)
    binary = REPO / "target" / target / "release" / "noop-frontend"
    with tempfile.TemporaryDirectory(prefix="rustfront-bench-noop.") as td:
        ctx = Path(td)
        (ctx / "noop-frontend").write_bytes(binary.read_bytes())
        (ctx / "noop-frontend").chmod(0o755)
        (ctx / "Dockerfile").write_text(
            "FROM scratch\nCOPY noop-frontend /noop-frontend\n"
            'LABEL moby.buildkit.frontend.network.none="true"\nENTRYPOINT ["/noop-frontend"]\n')
        for d in daemons:
            res = h.build(d, ctx, NOOP_TAG, h.BUILTIN, no_cache=False)
            if not res.ok:
                raise SystemExit(f"{d.name}: cannot build {NOOP_TAG}:\n{res.why()}")
            print(f"{d.name}: built {NOOP_TAG}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--daemons", default="trixie,bookworm")
    ap.add_argument("--cases", default="a,b,c,d,e")
    ap.add_argument("--rustfront", default="rustfront:e2e", help="rustfront image ('' to leave it out)")
    ap.add_argument("--noop", default=NOOP_TAG, help="no-op frontend image ('' to leave it out)")
    ap.add_argument("--build-noop", action="store_true", help="build the no-op image first")
    ap.add_argument("--frontend", action="append", default=[], metavar="IMAGE[=ENTRYPOINT]")
    args = ap.parse_args()

    known = h.known_daemons()
    daemons = [known[n] for n in args.daemons.split(",") if n]
    if args.build_noop:
        build_noop(daemons)
    frontends = [Frontend("builtin", None)]
    if args.rustfront:
        frontends.append(Frontend("rustfront", args.rustfront, "rustfront"))
    if args.noop:
        frontends.append(Frontend("noop", args.noop, "noop-frontend"))
    for spec in args.frontend:
        image, _, entry = spec.partition("=")
        frontends.append(Frontend(image, image, entry))

    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rustfront-bench.") as td:
        for d in daemons:
            for case in cases(set(args.cases.split(",")), Path(td)):
                tag = f"rustfront-bench/{case.name.replace(' ', '-')}:latest"
                if case.cached:  # warm the cache once per frontend (their LLB may differ)
                    for fe in frontends:
                        res = h.build(d, case.ctx, tag, fe.fe, no_cache=False)
                        if not res.ok:
                            problems.append(f"{d.name} {case.name} {fe.label}: warm-up failed:\n{res.why(8)}")
                series = {fe.label: Series() for fe in frontends}
                for _ in range(args.rounds):
                    for fe in frontends:
                        sample = timed_build(d, case, fe, problems, tag)
                        if sample:
                            series[fe.label].samples.append(sample)
                report(d, case, frontends, series)
                h.remove_images(d, tag)
    for p in problems:
        print(f"\nCHECK FAILED: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
