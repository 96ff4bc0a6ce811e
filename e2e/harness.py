#!/usr/bin/env python3
"""rustfront end-to-end harness: builds every case with BuildKit's builtin Dockerfile frontend
("A") and with the frontend under test ("B") on real daemons, then compares the two images
(config, history, full file tree) and runs behavioural checks (target, build args, .dockerignore,
cache export/import, error locations, parallelism, layer caching).

Stdlib only. Normally started through e2e/run.sh; see `harness.py --help`.
Prints one PASS/FAIL/SKIP line per check and ends with exactly `N passed, M failed`.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
CASES_DIR = REPO / "e2e" / "cases"
HTTP_ROOT = REPO / "e2e" / "http-root"  # served on 127.0.0.1:HTTP_PORT for ADD <url> cases
HTTP_PORT = 8731
BK = Path(os.environ.get("BK_ROOT", "/var/lib/buildkit-env"))
REGISTRY = os.environ.get("E2E_REGISTRY", "localhost:5000")
OUT_REPO = "rustfront-e2e-out"  # local tag namespace for images built by the harness


# ----------------------------------------------------------------------------- daemons


@dataclass
class Daemon:
    name: str
    cli: str
    env: dict[str, str]
    build_cmd: list[str]
    cache_export: bool  # --cache-to works (containerd image store)
    log: Path | None = None

    def cmd(self, *args: str) -> list[str]:
        return [self.cli, *args]


def make_env(extra: dict[str, str], drop_config: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "BUILDX_", "BUILDKIT_"))}
    env.update(extra)
    if drop_config:
        env.pop("DOCKER_CONFIG", None)
    return env


def known_daemons() -> dict[str, Daemon]:
    trixie_sock = BK / "trixie-root" / "run" / "docker.sock"
    return {
        # Docker 26.1 + buildx 0.13 (BuildKit 0.13), containerd image store
        "trixie": Daemon(
            name="trixie",
            cli=str(BK / "trixie-root" / "usr" / "bin" / "docker"),
            env=make_env({"DOCKER_HOST": f"unix://{trixie_sock}", "DOCKER_CONFIG": str(BK / "docker-config")}, False),
            build_cmd=["buildx", "build"],
            cache_export=True,
            log=BK / "logs" / "trixie-dockerd.log",
        ),
        # Docker 20.10 with its embedded BuildKit 0.8, classic `docker build` with DOCKER_BUILDKIT=1
        "bookworm": Daemon(
            name="bookworm",
            cli="/usr/bin/docker",
            env=make_env({"DOCKER_HOST": "unix:///var/run/docker.sock", "DOCKER_BUILDKIT": "1"}, True),
            build_cmd=["build"],
            cache_export=False,
            log=BK / "logs" / "bookworm-dockerd.log",
        ),
    }


# ----------------------------------------------------------------------------- reporting


class Report:
    def __init__(self, verbose: bool) -> None:
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.verbose = verbose
        self.failures: list[str] = []

    def _line(self, status: str, daemon: str, check: str, detail: str) -> None:
        print(f"{status:<4}  {daemon:<9} {check:<42} {detail}".rstrip(), flush=True)

    def ok(self, daemon: str, check: str, detail: str = "") -> None:
        self.passed += 1
        self._line("PASS", daemon, check, detail)

    def fail(self, daemon: str, check: str, detail: str = "", explain: str = "") -> None:
        self.failed += 1
        self.failures.append(f"{daemon} {check}")
        self._line("FAIL", daemon, check, detail)
        if explain:
            for line in explain.rstrip().splitlines():
                print(f"        {line}", flush=True)

    def skip(self, daemon: str, check: str, why: str) -> None:
        self.skipped += 1
        self._line("SKIP", daemon, check, why)

    def check(self, cond: bool, daemon: str, check: str, detail: str = "", explain: str = "") -> bool:
        if cond:
            self.ok(daemon, check, detail)
        else:
            self.fail(daemon, check, detail, explain)
        return cond


def tail(text: str, n: int = 25) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-n:])


# ----------------------------------------------------------------------------- building


@dataclass
class BuildResult:
    rc: int
    output: str
    seconds: float
    tag: str
    frontend_stderr: str = ""  # new non-daemon lines of the daemon log (a gateway frontend's stderr)

    @property
    def ok(self) -> bool:
        return self.rc == 0

    def why(self, n: int = 25) -> str:
        text = tail(self.output, n)
        if self.frontend_stderr:
            text += "\n--- frontend stderr (from the daemon log) ---\n" + tail(self.frontend_stderr, 20)
        return text


def log_size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path else 0
    except OSError:
        return 0


# dockerd's own lines: logrus (`time="..." level=...`) and Go's log package (`2026/01/02 15:04:05 ...`)
DAEMON_LINE = re.compile(r'^(time="|\d{4}/\d\d/\d\d \d\d:\d\d:\d\d )')


def frontend_lines(path: Path | None, since: int) -> str:
    """Lines a gateway frontend wrote to stderr: they land in the daemon log without `time=`."""
    if path is None:
        return ""
    try:
        with open(path, "rb") as f:
            f.seek(since)
            data = f.read(4 << 20).decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(line for line in data.splitlines() if line.strip() and not DAEMON_LINE.match(line))


@dataclass
class Frontend:
    """How side B is built: builtin (no syntax) or a frontend image via BUILDKIT_SYNTAX."""

    image: str | None  # None = builtin
    via_arg: bool = True  # False: the Dockerfile itself names the image (`# syntax=`)

    @property
    def label(self) -> str:
        return "builtin" if self.image is None else self.image

    def args(self) -> list[str]:
        if self.image is None or not self.via_arg:
            return []
        return ["--build-arg", f"BUILDKIT_SYNTAX={self.image}"]


BUILTIN = Frontend(None)


def build(
    d: Daemon,
    ctx: Path,
    tag: str,
    frontend: Frontend,
    *,
    target: str | None = None,
    build_args: dict[str, str] | None = None,
    no_cache: bool = True,
    extra: list[str] | None = None,
    timeout: int = 900,
) -> BuildResult:
    cmd = d.cmd(*d.build_cmd, "--progress=plain", "--network=none", "-t", tag)
    if no_cache:
        cmd.append("--no-cache")
    if target:
        cmd += ["--target", target]
    for k, v in (build_args or {}).items():
        cmd += ["--build-arg", f"{k}={v}"]
    cmd += frontend.args()
    cmd += extra or []
    cmd.append(str(ctx))
    mark = log_size(d.log) if frontend.image is not None else 0
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, env=d.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
        rc, out = p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        rc, out = 124, (e.stdout or b"").decode(errors="replace") + f"\n[harness] timeout after {timeout}s"
    res = BuildResult(rc, out, time.monotonic() - t0, tag)
    if rc != 0 and frontend.image is not None:
        res.frontend_stderr = frontend_lines(d.log, mark)
    return res


def docker(d: Daemon, *args: str, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    p = subprocess.run(d.cmd(*args), env=d.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(d.cmd(*args))} failed: {p.stderr.strip()}")
    return p


def remove_images(d: Daemon, *tags: str) -> None:
    for t in tags:
        docker(d, "image", "rm", "-f", t, check=False)


# ----------------------------------------------------------------------------- progress parsing

STEP_RE = re.compile(r"^#(\d+) \[([^\]]+)\] (.*)$")
CACHED_RE = re.compile(r"^#(\d+) CACHED\s*$")
INSTRUCTION_STEPS = ("RUN", "COPY", "ADD", "WORKDIR")


@dataclass
class Step:
    vid: str
    stage: str
    text: str
    cached: bool = False

    @property
    def instruction(self) -> str:
        return self.text.split(" ", 1)[0].upper()


def parse_steps(output: str) -> list[Step]:
    """Dockerfile instruction vertices (`#N [stage i/n] RUN ...`) with their CACHED state."""
    steps: dict[str, Step] = {}
    cached: set[str] = set()
    for line in output.splitlines():
        if m := STEP_RE.match(line):
            vid, stage, text = m.groups()
            if stage in ("internal", "auth") or vid in steps:
                continue
            steps[vid] = Step(vid, stage, text)
        elif m := CACHED_RE.match(line):
            cached.add(m.group(1))
    for s in steps.values():
        s.cached = s.vid in cached
    return [s for s in steps.values() if s.instruction in INSTRUCTION_STEPS]


def describe_steps(steps: list[Step]) -> str:
    return "\n".join(f"{'CACHED' if s.cached else 'ran   '} [{s.stage}] {s.text[:100]}" for s in steps)


# ----------------------------------------------------------------------------- image inspection


def saved_files(d: Daemon, ref: str) -> dict[str, bytes]:
    """The small files (manifests, configs) of `docker save REF`, by archive path."""
    proc = subprocess.Popen(d.cmd("save", ref), env=d.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    small: dict[str, bytes] = {}
    assert proc.stdout is not None
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tf:
        for m in tf:
            if m.isfile() and m.size <= 8 << 20:
                f = tf.extractfile(m)
                if f is not None:
                    small[m.name] = f.read()
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.wait() != 0:
        raise RuntimeError(f"docker save {ref} failed: {err.strip()}")
    return small


def image_config(d: Daemon, ref: str) -> dict:
    """The image's raw config JSON, read from `docker save` (works for both image stores)."""
    small = saved_files(d, ref)
    manifest = json.loads(small["manifest.json"])
    return json.loads(small[manifest[0]["Config"]])


def platform_configs(d: Daemon, ref: str) -> list[dict]:
    """Per-platform summaries of a multi-platform image (its index), from `docker save`."""
    blobs = saved_files(d, ref)

    def blob(digest: str) -> dict:
        return json.loads(blobs["blobs/sha256/" + digest.split(":", 1)[1]])

    index = blob(json.loads(blobs["index.json"])["manifests"][0]["digest"])
    out = []
    for m in index.get("manifests", []):
        platform = m.get("platform", {})
        if platform.get("architecture") == "unknown":  # attestation manifests
            continue
        config = blob(blob(m["digest"])["config"]["digest"])
        out.append({
            "platform": f"{platform.get('os')}/{platform.get('architecture')}",
            "architecture": config.get("architecture"),
            "os": config.get("os"),
            "env": config.get("config", {}).get("Env"),
            "labels": config.get("config", {}).get("Labels"),
            "history": [h.get("created_by") for h in config.get("history", [])],
        })
    return sorted(out, key=lambda c: c["platform"])


TYPE_NAMES = {
    tarfile.REGTYPE: "file",
    tarfile.AREGTYPE: "file",
    tarfile.DIRTYPE: "dir",
    tarfile.SYMTYPE: "symlink",
    tarfile.LNKTYPE: "hardlink",
    tarfile.CHRTYPE: "char",
    tarfile.BLKTYPE: "block",
    tarfile.FIFOTYPE: "fifo",
}


def image_tree(d: Daemon, ref: str) -> dict[str, dict]:
    """Every entry of the image's flattened file system: `docker create` + `docker export`."""
    cid = docker(d, "create", "--network=none", ref, "/e2e-never-run").stdout.strip()
    try:
        proc = subprocess.Popen(d.cmd("export", cid), env=d.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        entries: dict[str, dict] = {}
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tf:
            for m in tf:
                name = m.name[2:] if m.name.startswith("./") else m.name
                path = "/" + name.strip("/")
                e: dict = {
                    "type": TYPE_NAMES.get(m.type, f"type-{m.type!r}"),
                    "mode": f"{m.mode & 0o7777:04o}",
                    "uid": m.uid,
                    "gid": m.gid,
                }
                if m.isreg():
                    h = hashlib.sha256()
                    f = tf.extractfile(m)
                    if f is not None:
                        while chunk := f.read(1 << 20):
                            h.update(chunk)
                    e["size"] = m.size
                    e["sha256"] = h.hexdigest()
                if m.issym() or m.islnk():
                    e["link"] = m.linkname
                if m.ischr() or m.isblk():
                    e["dev"] = f"{m.devmajor}:{m.devminor}"
                xattrs = {k: v for k, v in m.pax_headers.items() if k.startswith("SCHILY.xattr.")}
                if xattrs:
                    e["xattrs"] = xattrs
                entries[path] = e
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.wait() != 0:
            raise RuntimeError(f"docker export {ref} failed: {err.strip()}")
        return entries
    finally:
        docker(d, "rm", "-f", cid, check=False)


# ----------------------------------------------------------------------------- comparison

CONFIG_FIELDS = [
    "Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts", "Volumes", "Labels",
    "StopSignal", "Healthcheck", "Shell", "OnBuild",
]
TOP_FIELDS = ["architecture", "os", "variant", "os.version"]


def norm(v):
    """null, "", [] and {} all mean 'not set'."""
    return None if v in (None, "", [], {}) else v


def history_list(cfg: dict) -> list[str]:
    return [
        f"{'(empty) ' if h.get('empty_layer') else '(layer) '}{h.get('created_by', '')}" for h in cfg.get("history") or []
    ]


def compare_configs(a: dict, b: dict) -> list[str]:
    diffs = []
    ca, cb = a.get("config") or {}, b.get("config") or {}
    for f in CONFIG_FIELDS:
        va, vb = norm(ca.get(f)), norm(cb.get(f))
        if va != vb:
            diffs.append(f"config.{f}:\n    builtin: {json.dumps(va)}\n    ours:    {json.dumps(vb)}")
    for f in TOP_FIELDS:
        va, vb = norm(a.get(f)), norm(b.get(f))
        if va != vb:
            diffs.append(f"{f}: builtin={json.dumps(va)} ours={json.dumps(vb)}")
    ha, hb = history_list(a), history_list(b)
    if ha != hb:
        diff = difflib.unified_diff(ha, hb, "history (builtin)", "history (ours)", lineterm="", n=1)
        diffs.append("history:\n" + "\n".join("    " + line for line in diff))
    la, lb = len((a.get("rootfs") or {}).get("diff_ids") or []), len((b.get("rootfs") or {}).get("diff_ids") or [])
    if la != lb:
        diffs.append(f"rootfs layer count: builtin={la} ours={lb}")
    return diffs


def compare_trees(a: dict[str, dict], b: dict[str, dict], limit: int = 40) -> list[str]:
    diffs = []
    for path in sorted(set(a) | set(b)):
        ea, eb = a.get(path), b.get(path)
        if ea == eb:
            continue
        if ea is None:
            diffs.append(f"only in ours:    {path} {fmt_entry(eb)}")
        elif eb is None:
            diffs.append(f"only in builtin: {path} {fmt_entry(ea)}")
        else:
            keys = sorted(k for k in set(ea) | set(eb) if ea.get(k) != eb.get(k))
            parts = ", ".join(f"{k}: {ea.get(k)} -> {eb.get(k)}" for k in keys)
            diffs.append(f"differs:         {path} ({parts})")
    if len(diffs) > limit:
        diffs = diffs[:limit] + [f"... and {len(diffs) - limit} more"]
    return diffs


def fmt_entry(e: dict | None) -> str:
    if e is None:
        return ""
    s = f"[{e['type']} {e['mode']} {e['uid']}:{e['gid']}"
    if "size" in e:
        s += f" {e['size']}B"
    if "link" in e:
        s += f" -> {e['link']}"
    return s + "]"


# ----------------------------------------------------------------------------- cases


@dataclass
class Case:
    name: str
    ctx: Path
    build_args: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    present: dict[str, dict] = field(default_factory=dict)  # path -> expected attributes ({} = exists)
    absent: list[str] = field(default_factory=list)
    config: dict[str, object] = field(default_factory=dict)  # config field -> expected value
    run: tuple[list[str], str] | None = None  # (command or [] for default, expected output substring)
    check_name: str = ""  # name of the check (default: compare <name>)
    daemons: tuple[str, ...] = ()  # only these daemons (empty: all), for features old builtins lack
    why_only: str = ""


def cases() -> list[Case]:
    ex, ca = EXAMPLES, CASES_DIR
    return [
        Case(
            "java", ex / "java",
            present={"/app/app.jar": {"type": "file", "uid": 10001, "gid": 10001}},
            absent=["/usr/lib/jvm/java-17-openjdk-amd64/bin/javac", "/app/src", "/app/target"],
            config={"User": "app", "WorkingDir": "/app", "Cmd": ["java", "-jar", "app.jar"],
                    "ExposedPorts": {"8080/tcp": {}}},
            run=(["java", "-XshowSettings:properties", "-cp", "app.jar", "-version"], "java.class.path = app.jar"),
        ),
        Case(
            "java", ex / "java", target="build", check_name="--target build (java)",
            present={"/app/target/hello-1.0.jar": {"type": "file"},
                     "/usr/lib/jvm/java-17-openjdk-amd64/bin/javac": {}},
        ),
        Case(
            "go", ex / "go",
            present={"/usr/local/bin/hello": {"type": "file", "mode": "0555"}},
            absent=["/src", "/tmp/go-cache"],
            config={"Entrypoint": ["/usr/local/bin/hello"], "Cmd": ["world"], "User": "65534:65534"},
            run=([], "hello world (hello dev)"),
        ),
        Case(
            "go", ex / "go", build_args={"VERSION": "1.2.3", "RUNTIME_IMAGE": "scratch"},
            check_name="--build-arg (go, scratch runtime)",
            present={"/usr/local/bin/hello": {"type": "file"}},
            absent=["/bin/sh"],
            config={"Labels": {"org.opencontainers.image.title": "rustfront example: go",
                               "org.opencontainers.image.version": "1.2.3"}},
            run=(["e2e"], "hello e2e (hello 1.2.3)"),
        ),
        Case(
            "node-nginx", ex / "node-nginx",
            present={"/usr/share/nginx/html/index.html": {"type": "file"},
                     "/usr/share/nginx/html/style.css": {"type": "file"},
                     "/etc/nginx/sites-available/default": {"mode": "0644"}},
            absent=["/app", "/usr/bin/node"],
            config={"StopSignal": "SIGQUIT", "Cmd": ["nginx", "-g", "daemon off;"]},
            run=(["nginx", "-t"], "syntax is ok"),
        ),
        Case(
            "parallel", ex / "parallel",
            present={"/out/left.txt": {}, "/out/right.txt": {}},
            run=([], "left\nright"),
        ),
        Case(
            "layer-cache", ex / "layer-cache",
            present={"/usr/src/app/node_modules/left-pad/index.js": {}, "/usr/src/app/src/index.js": {}},
            absent=["/usr/src/app/Dockerfile", "/usr/src/app/.dockerignore"],
            run=([], "left-pad@1.3.0: layer cache example"),
        ),
        Case(
            "features", ca / "features", build_args={"FLAVOUR": "spicy"},
            present={"/ctx/data/keep.tmp": {}, "/data/a-0640.txt": {"mode": "0640"},
                     "/data/a.txt": {"uid": 1000, "gid": 1000}, "/home/usr/owned.txt": {"uid": 2000, "gid": 2000},
                     "/glob/a.txt": {}, "/glob/b.txt": {}, "/nested/c.txt": {}, "/added/b.txt": {},
                     "/onbuild.txt": {}},
            absent=["/ctx/secret.txt", "/ctx/data/drop.tmp", "/ctx/Dockerfile", "/ctx/.dockerignore"],
            config={"User": "usr:grp", "WorkingDir": "/work/sub", "StopSignal": "SIGINT"},
            run=([], "1|two words|-x|legacy form value|spicy"),
        ),
        Case(
            "add-url", ca / "add-url",
            present={"/downloads/payload.txt": {"type": "file"},
                     "/downloads/renamed.txt": {"uid": 1000, "gid": 1000},
                     "/multi/other.txt": {}, "/multi/payload.txt": {}},
            run=([], "downloaded over http\nsecond file"),
        ),
        Case(
            "add-url-checksum", ca / "add-url-checksum",
            present={"/checked.txt": {"type": "file"}},
            daemons=("trixie",), why_only="ADD --checksum needs dockerfile 1.6 (the builtin of BuildKit 0.8 rejects it)",
        ),
    ]


# ----------------------------------------------------------------------------- checks


class Harness:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.frontend = BUILTIN if args.frontend == "builtin" else Frontend(args.frontend)
        self.report = Report(args.verbose)
        self.tmp = Path(tempfile.mkdtemp(prefix="rustfront-e2e."))

    def wanted(self, check: str) -> bool:
        return not self.args.only or any(o in check for o in self.args.only)

    def tag(self, name: str, side: str) -> str:
        return f"{OUT_REPO}/{re.sub(r'[^a-z0-9._-]+', '-', name.lower()).strip('-')}:{side}"

    def frontend_used(self, d: Daemon, res: BuildResult) -> bool:
        """With a frontend image, the progress output names it (BuildKit resolves it first)."""
        if self.frontend.image is None:
            return True
        short = self.frontend.image.split("/")[-1]
        return any(short in line for line in res.output.splitlines() if not line.startswith("#0 building with"))

    # -- compare one case: builtin (A) vs frontend under test (B)
    def compare(self, d: Daemon, case: Case, check: str = "", b_ctx: Path | None = None,
                b_frontend: Frontend | None = None) -> None:
        """b_ctx/b_frontend: build side B from another context (e.g. with an injected syntax line)."""
        check = check or case.check_name or f"compare {case.name}"
        if not self.wanted(check):
            return
        if case.daemons and d.name not in case.daemons:
            self.report.skip(d.name, check, case.why_only)
            return
        t0 = time.monotonic()
        ta, tb = self.tag(check, "builtin"), self.tag(check, "test")
        kw = {"target": case.target, "build_args": case.build_args}
        a = build(d, case.ctx, ta, BUILTIN, **kw)
        if not a.ok:
            self.report.fail(d.name, check, "builtin build FAILED (environment/case problem)", tail(a.output))
            return
        b = build(d, b_ctx or case.ctx, tb, b_frontend or self.frontend, **kw)
        if not b.ok:
            self.report.fail(d.name, check, f"build with {self.frontend.label} FAILED", b.why())
            remove_images(d, ta)
            return
        if not self.frontend_used(d, b):
            self.report.fail(d.name, check, f"{self.frontend.label} does not appear in the build output", tail(b.output, 8))
            return
        try:
            # the daemon does the heavy lifting (export/save): run the four inspections 2 at a time
            with ThreadPoolExecutor(max_workers=2) as pool:
                jobs = [pool.submit(image_tree, d, ta), pool.submit(image_tree, d, tb),
                        pool.submit(image_config, d, ta), pool.submit(image_config, d, tb)]
                tree_a, tree_b, cfg_a, cfg_b = (j.result() for j in jobs)
        except (RuntimeError, KeyError, tarfile.TarError) as e:
            self.report.fail(d.name, check, "could not inspect images", str(e))
            return
        problems = compare_configs(cfg_a, cfg_b) + compare_trees(tree_a, tree_b)
        # expectations hold for both sides (A validates the case itself, B the frontend)
        for side, cfg, tree in (("builtin", cfg_a, tree_a), ("ours", cfg_b, tree_b)):
            problems += [f"[{side}] {p}" for p in expectations(case, cfg, tree)]
        size_a = sum(e.get("size", 0) for e in tree_a.values())
        detail = (f"{len(tree_a)} entries, {size_a / 1e6:.1f}MB, {len(history_list(cfg_a))} history; "
                  f"builds {a.seconds:.1f}s/{b.seconds:.1f}s, total {time.monotonic() - t0:.1f}s")
        if self.report.check(not problems, d.name, check, detail, "\n".join(problems)) and case.run:
            self.run_image(d, case, tb)
        if not self.args.keep:
            remove_images(d, ta, tb)

    def run_image(self, d: Daemon, case: Case, ref: str) -> None:
        assert case.run is not None
        argv, expect = case.run
        check = f"run {case.check_name or case.name}"
        p = docker(d, "run", "--rm", "--network=none", ref, *argv, check=False, timeout=120)
        out = p.stdout + p.stderr
        self.report.check(p.returncode == 0 and expect in out, d.name, check,
                          f"exit {p.returncode}", f"expected {expect!r} in:\n{tail(out, 10)}")

    # -- `# syntax=<image>` as the first line instead of BUILDKIT_SYNTAX
    def syntax_directive(self, d: Daemon) -> None:
        check = "# syntax= directive (features)"
        if not self.wanted(check):
            return
        if self.frontend.image is None:
            self.report.skip(d.name, check, "builtin mode: no frontend image to name")
            return
        case = next(c for c in cases() if c.name == "features")
        ctx = self.tmp / f"syntax-{d.name}"
        shutil.rmtree(ctx, ignore_errors=True)
        shutil.copytree(case.ctx, ctx)
        df = ctx / "Dockerfile"
        df.write_text(f"# syntax={self.frontend.image}\n" + df.read_text())
        self.compare(d, case, check=check, b_ctx=ctx, b_frontend=Frontend(self.frontend.image, via_arg=False))

    # -- the failing RUN names its Dockerfile line
    def error_location(self, d: Daemon) -> None:
        check = "failing RUN shows its Dockerfile line"
        if not self.wanted(check):
            return
        ctx = CASES_DIR / "failing"
        lines = (ctx / "Dockerfile").read_text().splitlines()
        lineno = next(i + 1 for i, line in enumerate(lines) if "exit 3" in line)
        instr = lines[lineno - 1].strip()
        a = build(d, ctx, self.tag("failing", "builtin"), BUILTIN)
        b = build(d, ctx, self.tag("failing", "test"), self.frontend)
        # what the builtin frontend shows on this daemon is the bar
        want = [instr, "exit code: 3"]
        if f"Dockerfile:{lineno}" in a.output:
            want += [f"Dockerfile:{lineno}", f">>> {instr}"]
        if a.ok or any(w not in a.output for w in want):
            self.report.fail(d.name, check, "builtin output lacks the expected markers", tail(a.output))
            return
        missing = [w for w in want if w not in b.output]
        self.report.check(not b.ok and not missing, d.name, check,
                          f"line {lineno}: {', '.join(repr(w) for w in want[2:]) or 'step name + exit code'}",
                          f"rc={b.rc}, missing {missing} in:\n{b.why()}")

    # -- parallel stages
    def parallel_time(self, d: Daemon) -> None:
        check = "parallel stages (2 x sleep 3)"
        if not self.wanted(check):
            return
        limit = self.args.parallel_max
        walls = []
        # sequential stages can never beat 6 s, so a retry only forgives a slow (loaded) machine
        for _ in range(3):
            b = build(d, EXAMPLES / "parallel", self.tag("parallel-time", "test"), self.frontend)
            walls.append(f"{b.seconds:.2f}s")
            if not b.ok or b.seconds < limit:
                break
        self.report.check(b.ok and b.seconds < limit, d.name, check,
                          f"wall {', '.join(walls)} (limit {limit:.1f}s; sequential would be >6s)",
                          b.why())
        remove_images(d, b.tag)

    # -- editing a source file keeps the install layer
    def layer_cache(self, d: Daemon) -> None:
        check = "layer cache: edit src/ -> install CACHED"
        if not self.wanted(check):
            return
        # a second attempt forgives a build-cache prune/GC by someone else between the two builds;
        # a frontend with unstable cache keys fails both
        for attempt in (1, 2):
            ok, detail, why = self._layer_cache_once(d)
            if ok or attempt == 2:
                break
        self.report.check(ok, d.name, check, detail + (f" (attempt {attempt})" if attempt > 1 else ""), why)

    def _layer_cache_once(self, d: Daemon) -> tuple[bool, str, str]:
        ctx = self.tmp / f"layer-cache-{d.name}"
        shutil.rmtree(ctx, ignore_errors=True)
        shutil.copytree(EXAMPLES / "layer-cache", ctx)
        tag = self.tag("layer-cache-edit", "test")
        first = build(d, ctx, tag, self.frontend, no_cache=False)
        if not first.ok:
            return False, "first build failed", first.why()
        with open(ctx / "src" / "index.js", "a") as f:
            f.write(f"// edited by the e2e harness at {time.time()}\n")
        second = build(d, ctx, tag, self.frontend, no_cache=False)
        remove_images(d, tag)
        steps = parse_steps(second.output)
        install = [s for s in steps if "install.js" in s.text and s.instruction == "RUN"]
        copy_all = [s for s in steps if s.instruction == "COPY" and s.text.split()[1:] == [".", "."]]
        ok = second.ok and len(install) == 1 and install[0].cached and len(copy_all) == 1 and not copy_all[0].cached
        return ok, f"rebuild {second.seconds:.1f}s", \
            f"rc={second.rc}; steps:\n{describe_steps(steps)}\n{second.why(8) if not second.ok else ''}"

    def all_cached(self, d: Daemon, check: str, res: BuildResult) -> None:
        steps = parse_steps(res.output)
        ran = [s for s in steps if not s.cached]
        self.report.check(res.ok and steps and not ran, d.name, check,
                          f"{len(steps) - len(ran)}/{len(steps)} steps CACHED, {res.seconds:.1f}s",
                          f"rc={res.rc}; steps:\n{describe_steps(steps)}\n{res.why(10) if not res.ok else ''}")

    # -- --cache-to type=local -> prune -> --cache-from type=local
    def cache_local(self, d: Daemon) -> None:
        check = "cache export/import type=local"
        if not self.wanted(check):
            return
        if not d.cache_export:
            self.report.skip(d.name, check, "cache export needs the containerd image store (Docker 20.10 has none)")
            return
        dest = self.tmp / f"cache-local-{d.name}"
        shutil.rmtree(dest, ignore_errors=True)
        tag = self.tag("cache-local", "test")
        first = build(d, EXAMPLES / "go", tag, self.frontend,
                      extra=["--cache-to", f"type=local,dest={dest},mode=max"])
        if not first.ok or not (dest / "index.json").exists():
            self.report.fail(d.name, check, "export build failed", first.why())
            return
        remove_images(d, tag)
        docker(d, "builder", "prune", "-af")
        second = build(d, EXAMPLES / "go", tag, self.frontend, no_cache=False,
                       extra=["--cache-from", f"type=local,src={dest}"])
        self.all_cached(d, check, second)
        remove_images(d, tag)

    # -- one build for two platforms
    def multi_platform(self, d: Daemon) -> None:
        check = "multi-platform (linux/amd64,linux/arm64)"
        if not self.wanted(check):
            return
        if not d.cache_export:
            self.report.skip(d.name, check, "exporting several platforms needs the containerd image store")
            return
        ctx = Path(__file__).resolve().parent / "multi-platform"
        summaries = {}
        for side, frontend in (("builtin", BUILTIN), ("test", self.frontend)):
            tag = self.tag("multi-platform", side)
            res = build(d, ctx, tag, frontend, extra=["--platform", "linux/amd64,linux/arm64"])
            if not res.ok:
                self.report.fail(d.name, check, f"{side} build failed", res.why())
                return
            summaries[side] = platform_configs(d, tag)
            remove_images(d, tag)
        a, b = summaries["builtin"], summaries["test"]
        platforms = [c["platform"] for c in b]
        self.report.check(a == b and platforms == ["linux/amd64", "linux/arm64"], d.name, check,
                          f"platforms {platforms}",
                          f"builtin: {json.dumps(a, indent=1)}\nours: {json.dumps(b, indent=1)}")

    # -- inline cache through the local registry
    def cache_inline(self, d: Daemon) -> None:
        """Docker 26: --cache-to type=inline --push. Docker 20.10 cannot export with --cache-to, but its
        classic builder honours --build-arg BUILDKIT_INLINE_CACHE=1 (+ docker push)."""
        check = "cache export/import inline via registry"
        if not self.wanted(check):
            return
        side = "builtin" if self.frontend.image is None else "rustfront"
        ref = f"{REGISTRY}/rustfront-e2e/layer-cache:inline-{side}-{d.name}"
        if d.cache_export:
            how = "--cache-to type=inline --push"
            first = build(d, EXAMPLES / "layer-cache", ref, self.frontend, extra=["--cache-to", "type=inline", "--push"])
        else:
            how = "BUILDKIT_INLINE_CACHE=1 + docker push"
            first = build(d, EXAMPLES / "layer-cache", ref, self.frontend, build_args={"BUILDKIT_INLINE_CACHE": "1"})
            if first.ok:
                p = docker(d, "push", ref, check=False)
                if p.returncode != 0:
                    first = BuildResult(p.returncode, first.output + p.stdout + p.stderr, first.seconds, ref)
        if not first.ok:
            self.report.fail(d.name, check, f"{how} failed", first.why())
            return
        remove_images(d, ref)
        docker(d, "builder", "prune", "-af")
        tag = self.tag("cache-inline", "test")
        second = build(d, EXAMPLES / "layer-cache", tag, self.frontend, no_cache=False,
                       extra=["--cache-from", ref])
        self.all_cached(d, f"{check} ({how.split()[0]})", second)
        remove_images(d, tag)

    def run_daemon(self, d: Daemon) -> None:
        try:
            ver = docker(d, "version", "-f", "{{.Server.Version}}", timeout=20).stdout.strip()
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            self.report.fail(d.name, "daemon reachable", str(e).splitlines()[0])
            return
        print(f"== {d.name}: docker {ver}; side A = builtin frontend, side B = {self.frontend.label}", flush=True)
        if self.frontend.image is not None:
            p = docker(d, "image", "inspect", self.frontend.image, check=False)
            if not self.report.check(p.returncode == 0, d.name, f"frontend image {self.frontend.image} present",
                                     "", "build it with scripts/build-image.sh"):
                return
        for case in cases():
            self.compare(d, case)
        self.syntax_directive(d)
        self.error_location(d)
        self.parallel_time(d)
        self.layer_cache(d)
        self.cache_local(d)
        self.cache_inline(d)
        self.multi_platform(d)

    def main(self) -> int:
        t0 = time.monotonic()
        daemons = known_daemons()
        # ADD <url> cases download from this loopback server (the daemons share the host's
        # loopback); it lives exactly as long as the run.
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(HTTP_ROOT),
             str(HTTP_PORT)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for name in self.args.daemons:
                self.run_daemon(daemons[name])
        finally:
            server.terminate()
            server.wait(timeout=10)
            shutil.rmtree(self.tmp, ignore_errors=True)
        r = self.report
        print(f"# frontend under test: {self.frontend.label}; {r.skipped} skipped; {time.monotonic() - t0:.0f}s")
        if r.failures:
            print("# failed: " + "; ".join(r.failures))
        print(f"{r.passed} passed, {r.failed} failed")
        return 1 if r.failed else 0


def expectations(case: Case, cfg: dict, tree: dict[str, dict]) -> list[str]:
    problems = []
    for path, attrs in case.present.items():
        e = tree.get(path)
        if e is None:
            problems.append(f"expected {path} in the image")
            continue
        for k, v in attrs.items():
            if e.get(k) != v:
                problems.append(f"{path}: {k} is {e.get(k)!r}, expected {v!r}")
    problems += [f"{p} must not be in the image" for p in case.absent if p in tree]
    conf = cfg.get("config") or {}
    for k, v in case.config.items():
        if k == "Labels":
            labels = conf.get("Labels") or {}
            problems += [f"label {lk}={labels.get(lk)!r}, expected {lv!r}" for lk, lv in v.items() if labels.get(lk) != lv]
        elif conf.get(k) != v:
            problems.append(f"config.{k} is {json.dumps(conf.get(k))}, expected {json.dumps(v)}")
    return problems


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--frontend", default=os.environ.get("FRONTEND_IMAGE", "rustfront:dev"),
                   help="frontend image for side B, or 'builtin' (builtin vs builtin validates the harness)")
    p.add_argument("--daemon", dest="daemons", action="append", choices=["trixie", "bookworm"],
                   help="daemon(s) to test (default: both)")
    p.add_argument("--only", action="append", default=[], help="run only checks whose name contains this text")
    p.add_argument("--parallel-max", type=float, default=float(os.environ.get("E2E_PARALLEL_MAX", "5.5")))
    p.add_argument("--keep", action="store_true", help="keep the built images")
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args(argv)
    a.daemons = a.daemons or ["trixie", "bookworm"]
    return a


if __name__ == "__main__":
    sys.exit(Harness(parse_args(sys.argv[1:])).main())
