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
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
CASES_DIR = REPO / "e2e" / "cases"
HTTP_ROOT = REPO / "e2e" / "http-root"  # served on 127.0.0.1:HTTP_PORT for ADD <url> cases
HTTP_PORT = 8731
# Each directory here becomes a git repository (tag v1 = its files; branch main has one more commit
# changing README.txt), served by `git daemon` on 127.0.0.1:GIT_PORT as git://127.0.0.1:GIT_PORT/<name>.git;
# hello is also served as the tarball http://127.0.0.1:HTTP_PORT/generated/hello.tar.gz.
GIT_REPOS = REPO / "e2e" / "git-repos"
GIT_PORT = 9419
GIT_URL = f"git://127.0.0.1:{GIT_PORT}"
# The same repositories over smart HTTP (e2e/git_http.py), readable only with this token.
GIT_HTTP_PORT = 9420
# And over ssh: an sshd of the harness on 127.0.0.1:GIT_SSH_PORT, its key in an ssh-agent.
GIT_SSH_PORT = 2222
GIT_TOKEN = (REPO / "e2e" / "cases" / "add-git-auth" / "token.txt").read_text().strip()
BK = Path(os.environ.get("BK_ROOT", "/var/lib/buildkit-env"))
REGISTRY = os.environ.get("E2E_REGISTRY", "localhost:5000")
HEADER_IMAGE = "org/rustfront"  # what the examples' first line names: the image as users pull it
OUT_REPO = "rustfront-e2e-out"  # local tag namespace for images built by the harness
PLACEHOLDER_RE = re.compile(r"\{\{([A-Z_]+)\}\}")  # {{NAME}} in a case's Dockerfile, see Harness.placeholder


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
    """How a side is built: builtin (no syntax) or a frontend image via BUILDKIT_SYNTAX."""

    image: str | None  # None = builtin
    via_arg: bool = True  # False: the Dockerfile itself names the image (`# syntax=`)

    @property
    def label(self) -> str:
        return "builtin" if self.image is None else self.image

    @property
    def kind(self) -> str:
        """'builtin' (the daemon's own, possibly old, frontend) or 'dockerfile' (a frontend image
        that follows docker/dockerfile 1.20: rustfront, or upstream's image used as oracle)."""
        return "builtin" if self.image is None else "dockerfile"

    def args(self) -> list[str]:
        if self.image is None or not self.via_arg:
            return []
        return ["--build-arg", f"BUILDKIT_SYNTAX={self.image}"]


BUILTIN = Frontend(None)

DIRECTIVE_RE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=")


def without_syntax(dockerfile: Path) -> str | None:
    """The Dockerfile with its `# syntax=` directive blanked to `#` (line numbers kept), or None if
    it has none: the examples start with `# syntax=org/rustfront`, which the builtin side must not
    follow (it would forward to the image)."""
    lines = dockerfile.read_text().splitlines(keepends=True)
    for i, line in enumerate(lines):
        m = DIRECTIVE_RE.match(line)
        if not m:
            return None
        if m.group(1).lower() == "syntax":
            lines[i] = "#\n"
            return "".join(lines)
    return None


def build(
    d: Daemon,
    ctx: Path | str,
    tag: str,
    frontend: Frontend,
    *,
    target: str | None = None,
    build_args: dict[str, str] | None = None,
    no_cache: bool = True,
    extra: list[str] | None = None,
    timeout: int = 900,
) -> BuildResult:
    build_cmd = d.cmd(*d.build_cmd)
    if d.name == "bookworm" and extra and any(x.startswith("--build-context") for x in extra):
        # Docker 20.10's `docker build` has no --build-context: buildx 0.13 (from the trixie root,
        # standalone, docker driver) builds on the same daemon.
        build_cmd = [str(BK / "trixie-root" / "usr" / "libexec" / "docker" / "cli-plugins" / "docker-buildx"), "build"]
    cmd = [*build_cmd, "--progress=plain", "--network=none", "-t", tag]
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
    with tempfile.TemporaryDirectory(prefix="rustfront-e2e-df.") as td:
        local = isinstance(ctx, Path)
        stripped = without_syntax(ctx / "Dockerfile") if local and frontend.image is None and "-f" not in cmd else None
        if stripped is not None:  # same context, the Dockerfile from outside it
            (Path(td) / "Dockerfile").write_text(stripped)
            cmd[-1:-1] = ["-f", str(Path(td) / "Dockerfile")]
        try:
            p = subprocess.run(cmd, env=d.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=timeout)
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


def registry_digest(repo: str, tag: str) -> str:
    """The manifest digest of REGISTRY/repo:tag (loopback registry, plain HTTP, no proxy)."""
    req = urllib.request.Request(f"http://{REGISTRY}/v2/{repo}/manifests/{tag}", method="HEAD", headers={
        "Accept": ", ".join([
            "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json"])})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=10) as r:
            digest = r.headers.get("Docker-Content-Digest", "")
    except OSError as e:
        raise RuntimeError(f"cannot read {REGISTRY}/{repo}:{tag} from the registry ({e}); run e2e/env/setup.sh") from e
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
        raise RuntimeError(f"{REGISTRY}/{repo}:{tag}: no digest in the registry's answer ({digest!r})")
    return digest


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


def image_tree(d: Daemon, ref: str, needles: tuple[str, ...] = ()) -> dict[str, dict]:
    """Every entry of the image's flattened file system: `docker create` + `docker export`.
    A regular file whose content contains one of `needles` gets `"contains": [needle, ...]`."""
    raw_needles = [n.encode() for n in needles]
    overlap = max((len(n) for n in raw_needles), default=1) - 1
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
                    found: set[str] = set()
                    prev = b""
                    if f is not None:
                        while chunk := f.read(1 << 20):
                            h.update(chunk)
                            window = prev + chunk
                            found.update(n for n, r in zip(needles, raw_needles) if r in window)
                            prev = window[-overlap:] if overlap else b""
                    e["size"] = m.size
                    e["sha256"] = h.hexdigest()
                    if found:
                        e["contains"] = sorted(found)
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


# ----------------------------------------------------------------------------- frontend-version normalisations
#
# The builtin frontend of a daemon is the docker/dockerfile of its BuildKit release; rustfront writes
# history like docker/dockerfile 1.20 where the daemon has the merge-op cap (BuildKit 0.13 here), and
# like the builtin where it has not (BuildKit 0.8). The differences below are only that version gap.
# Each is explicit, minimal and printed in the check's detail when used; it applies only on its daemon,
# only when side A is the builtin frontend and side B a frontend image, and only to one history entry
# whose builtin form and 1.20 form are both recognised and describe the same instruction. With a
# docker/dockerfile 1.20 image as side A (--frontend-a) nothing is normalised.


@dataclass(frozen=True)
class Normalisation:
    name: str
    daemon: str
    field: str  # what is compared: "history" = the created_by of one history entry
    old: re.Pattern[str]  # the builtin's form
    new: re.Pattern[str]  # docker/dockerfile 1.20's form
    same: Callable[[re.Match[str], re.Match[str], dict[str, str]], bool]  # (old, new, build args)
    why: str


def _expose_same(old: re.Match[str], new: re.Match[str], _args: dict[str, str]) -> bool:
    ports_old = [p.removesuffix(":{}") for p in old.group(1).split()]
    return sorted(ports_old) == sorted(new.group(1).split()) and all(p.count("/") == 1 for p in ports_old)


def _arg_same(old: re.Match[str], new: re.Match[str], args: dict[str, str]) -> bool:
    olds, news = old.group(1).split(" "), new.group(1).split(" ")
    if len(olds) != len(news):
        return False  # (a value with spaces is not split here: no normalisation)
    for o, n in zip(olds, news):
        ok, _, ov = o.partition("=")
        nk, has_nv, nv = n.partition("=")
        if ok != nk:
            return False
        if ok in args:  # --build-arg wins
            if nv != args[ok]:
                return False
        elif "=" in o and "$" not in ov and nv != ov:  # a literal default is its own effective value
            return False
        elif "=" in o and not has_nv:
            return False
    return True


def _run_args(text: str) -> tuple[list[str], str]:
    """`|2 A=1 B=2 /bin/sh -c x` -> (["A=1", "B=2"], "/bin/sh -c x")."""
    m = re.match(r"\|(\d+) ", text)
    if not m:
        return [], text
    k = int(m.group(1))
    toks = text[m.end():].split(" ", k)
    return toks[:k], (toks[k] if len(toks) > k else "")


def _run_base_args_same(old: re.Match[str], new: re.Match[str], _args: dict[str, str]) -> bool:
    (pa, ra), (pb, rb) = _run_args(old.group(1)), _run_args(new.group(1))
    return (ra == rb and len(pb) > len(pa) and pb[len(pb) - len(pa):] == pa
            and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=\S*", p) for p in pb))


NORMALISATIONS: list[Normalisation] = [
    Normalisation(
        "EXPOSE map[...]", "trixie", "history",
        re.compile(r"EXPOSE map\[((?:\S+:\{\}\s?)+)\]"), re.compile(r"EXPOSE \[([^\]]*)\]"), _expose_same,
        "BuildKit 0.13's builtin writes the Go map of exposed ports (`EXPOSE map[80/tcp:{}]`); "
        "docker/dockerfile 1.20 writes the port list (`EXPOSE [80/tcp]`). Same ports required.",
    ),
    Normalisation(
        "ARG effective value", "trixie", "history",
        re.compile(r"ARG (.+)"), re.compile(r"ARG (.+)"), _arg_same,
        "BuildKit 0.13's builtin writes the ARG as written (`ARG V=dev`, `ARG BASE`); docker/dockerfile "
        "1.20 writes the effective value (`ARG V=<--build-arg or default>`, a global value for a bare "
        "`ARG BASE`). Same names in the same order; a --build-arg value or a literal default must match.",
    ),
    Normalisation(
        "RUN build args of the base stage", "trixie", "history",
        re.compile(r"RUN (.*)"), re.compile(r"RUN (\|\d+ .*)"), _run_base_args_same,
        "In a stage FROM another stage, docker/dockerfile 1.20 inherits the base stage's ARGs into the "
        "RUN history prefix (`RUN |2 BASE=.. FLAVOUR=.. /bin/sh -c ..`, dockerfile2llb's "
        "`ds.buildArgs = append(ds.buildArgs, ds.base.buildArgs...)`); BuildKit 0.13's builtin lists only the "
        "stage's own ARGs. The command must be identical and the builtin's own ARGs must end the list.",
    ),
]


def normalise_history(ha: list[str], hb: list[str], norms: list[Normalisation], args: dict[str, str],
                      used: list[str]) -> list[str]:
    """A copy of `ha` (side A) where an entry in a known old form is replaced by the entry of `hb`
    at the same index when that is its new form."""
    out = list(ha)
    for i, (ea, eb) in enumerate(zip(ha, hb)):
        if ea == eb or ea[:8] != eb[:8]:  # "(empty) " / "(layer) " must match as is
            continue
        for n in norms:
            if n.field != "history":
                continue
            mo, mn = n.old.fullmatch(ea[8:]), n.new.fullmatch(eb[8:])
            if mo and mn and n.same(mo, mn, args):
                out[i] = eb
                used.append(n.name)
                break
    return out


def compare_configs(a: dict, b: dict, norms: list[Normalisation] | None = None, used: list[str] | None = None,
                    labels: tuple[str, str] = ("builtin", "ours"), build_args: dict[str, str] | None = None) -> list[str]:
    """Differences between the configs of side A and side B (history after `norms`; the names of the
    normalisations used are appended to `used`)."""
    diffs = []
    la_, lb_ = labels
    w = max(len(la_), len(lb_)) + 1
    ca, cb = a.get("config") or {}, b.get("config") or {}
    for f in CONFIG_FIELDS:
        va, vb = norm(ca.get(f)), norm(cb.get(f))
        if va != vb:
            diffs.append(f"config.{f}:\n    {la_ + ':':<{w}} {json.dumps(va)}\n    {lb_ + ':':<{w}} {json.dumps(vb)}")
    for f in TOP_FIELDS:
        va, vb = norm(a.get(f)), norm(b.get(f))
        if va != vb:
            diffs.append(f"{f}: {la_}={json.dumps(va)} {lb_}={json.dumps(vb)}")
    ha, hb = history_list(a), history_list(b)
    if norms:
        ha = normalise_history(ha, hb, norms, build_args or {}, used if used is not None else [])
    if ha != hb:
        diff = difflib.unified_diff(ha, hb, f"history ({la_})", f"history ({lb_})", lineterm="", n=1)
        diffs.append("history:\n" + "\n".join("    " + line for line in diff))
    la, lb = len((a.get("rootfs") or {}).get("diff_ids") or []), len((b.get("rootfs") or {}).get("diff_ids") or [])
    if la != lb:
        diffs.append(f"rootfs layer count: {la_}={la} {lb_}={lb}")
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
    extra: list[str] = field(default_factory=list)  # more build flags; "{case}" = the case directory
    url: str = ""  # a remote build context (git or http URL) to build instead of ctx
    # paths (and what is under them) the daemon's own older builtin frontend writes and docker/dockerfile
    # 1.20 does not: left out of side A's tree when side A is the builtin, and said so in the report
    builtin_only: tuple[str, ...] = ()
    # Builds that must fail, and the text their output must contain (side A: any of the texts joined by
    # " || "). Keys: "<kind>[@<daemon>]" with kind
    # builtin (the daemon's own frontend), dockerfile (rustfront, or upstream's image as side A) or any;
    # the most specific key wins. When side A fails as expected and side B builds, B is checked alone
    # (present/absent/config/never_in_image/run).
    fails: dict[str, str] = field(default_factory=dict)
    fail_line: int = 0  # when side B (a frontend image) fails, its output must name Dockerfile:<line>
    never_in_image: list[str] = field(default_factory=list)  # in no file, config or history entry


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
        # ---- fidelity cases of issue 6 (item 5)
        Case(
            "copy-from-image", ca / "copy-from-image",
            present={"/from/tag/busybox": {"type": "file", "mode": "0755"}, "/from/port/ls": {}, "/from/port/cat": {},
                     "/from/dockerio/usr": {"type": "dir"}, "/from/helper/busybox": {},
                     "/from/chmod/busybox": {"mode": "0700"}, "/from.txt": {}},
        ),
        Case(
            # {{BUSYBOX_DIGEST}}: the registry's digest of localhost:5000/busybox:latest
            "image-digest", ca / "image-digest",
            present={"/from/digest/busybox": {"type": "file"}, "/from/tag-and-digest/sh": {}, "/mount-count.txt": {}},
        ),
        Case("from-digest", ca / "from-digest", present={"/pinned.txt": {}, "/bin/busybox": {}}),
        Case(
            "mount-from-image", ca / "mount-from-image",
            present={"/from-tag.txt": {}, "/from-port.txt": {}, "/from-dockerio.txt": {}, "/mnt-after.txt": {}},
            absent=["/mnt/usr/scratch"],
        ),
        Case(
            "mount-no-target", ca / "mount-no-target",
            present={"/out.txt": {}, "/out-sub.txt": {}, "/ls-sub.txt": {}, "/count.txt": {}, "/work/sub": {"type": "dir"}},
            absent=["/work/x", "/work/sub/x"],
            config={"WorkingDir": "/work/sub"},  # a relative WORKDIR is joined: no trailing slash
            run=(["cat", "/out.txt", "/out-sub.txt", "/pwd.txt"], "content of x/x\nchanged\n/work\n"),
        ),
        Case(
            "mount-no-target-root", ca / "mount-no-target-root",
            fails={"any": 'invalid mount target "/"'}, fail_line=4,
        ),
        Case(
            # --build-context: a stage replaced by a registry image, an image FROM names replaced by a
            # local one, a local directory with its own .dockerignore, a download (issue 8)
            "named-contexts", ca / "named-contexts",
            extra=["--build-context", "tools=docker-image://localhost:5000/busybox:latest",
                   "--build-context", "appbase=docker-image://busybox:local",
                   "--build-context", "src={case}/src",
                   "--build-context", f"page=http://127.0.0.1:{HTTP_PORT}/files/payload.txt"],
            # BuildKit 0.8's builtin frontend predates named contexts and says so
            fails={"builtin@bookworm": "unsupported frontend capability moby.buildkit.frontend.contexts"},
            present={"/tools/busybox": {"type": "file"}, "/src/hello.txt": {}, "/http/payload.txt": {},
                     "/src-list.txt": {}, "/bin/busybox": {}},
            absent=["/never.txt", "/src/ignored.txt"],
            run=([], "hello.txt"),
        ),
        Case(
            "add-git", ca / "add-git",
            # BuildKit 0.8's builtin frontend (dockerfile 1.2) takes a git URL for a context path
            fails={"builtin@bookworm": "git:/127.0.0.1:9419: no such file or directory"},
            present={"/v1/README.txt": {}, "/v1/Dockerfile": {}, "/v1/docs/guide.txt": {}, "/main/README.txt": {}},
            absent=["/v1/.git"],
            run=([], "hello from git (v1)\nhello from git (main)\n"),
        ),
        Case(
            # BuildKit 0.8 fails on a git subdirectory and its daemon crashes: rustfront refuses it there
            "add-git-subdir", ca / "add-git-subdir",
            fails={"builtin@bookworm": "git:/127.0.0.1:9419: no such file or directory",
                   "dockerfile@bookworm": "a git source with a subdirectory (#ref:dir) needs a newer BuildKit"},
            fail_line=3,
            present={"/docs/guide.txt": {}, "/docs.txt": {}},
            absent=["/docs/README.txt", "/docs/docs"],
        ),
        Case(
            # a private repository: BuildKit sends the GIT_AUTH_TOKEN.<host> secret (BuildKit 0.8's builtin
            # takes the URL for a plain download, which the server refuses)
            "add-git-auth", ca / "add-git-auth",
            extra=["--secret", f"id=GIT_AUTH_TOKEN.127.0.0.1:{GIT_HTTP_PORT},src={{case}}/token.txt"],
            fails={"builtin@bookworm": "401"},
            present={"/src/README.txt": {}, "/readme.txt": {}},
            never_in_image=[GIT_TOKEN],
            run=(["cat", "/readme.txt"], "hello from git (v1)"),
        ),
        Case(
            # git over ssh: the build's default ssh socket (an agent with the key the harness's sshd takes)
            "add-git-ssh", ca / "add-git-ssh",
            extra=["--ssh", "default={{SSH_AGENT}}"],
            # BuildKit 0.8 has no ssh:// (it would fetch https://ssh://… and its daemon crash): refused
            fails={"builtin@bookworm": "no such file or directory",
                   "dockerfile@bookworm": "a git source with an ssh:// URL (user@host:path works on older daemons)"},
            fail_line=5,
            present={"/src/README.txt": {}, "/readme.txt": {}},
            run=(["cat", "/readme.txt"], "hello from git (v1)"),
        ),
        Case(
            "named-context-git", ca / "named-context-git",
            extra=["--build-context", f"repo={GIT_URL}/hello.git#v1"],
            # dockerfile 1.17 and older (Docker 26.1's builtin) keep .git in a git named context; 1.20 does not
            builtin_only=("/repo/.git",),
            fails={"builtin@bookworm": "unsupported frontend capability moby.buildkit.frontend.contexts"},
            present={"/repo/README.txt": {}, "/repo/docs/guide.txt": {}, "/readme.txt": {}},
            absent=["/repo/.git"],
        ),
        Case(
            # symbolic --chmod needs file.copy.modestring (BuildKit 0.17): both builtins here build it
            # with the file's own mode (silently), rustfront refuses it naming the line
            "copy-chmod-symbolic", ca / "copy-chmod-symbolic",
            fails={"dockerfile": "--chmod=u+x needs a BuildKit that applies symbolic modes (0.17 or later)"},
            fail_line=3,
        ),
        Case(
            # RUN --device as docker/dockerfile labs builds it needs exec.meta.cdi (BuildKit 0.20): refused
            # here on both daemons, naming the line; their builtins do not know the flag
            "run-device", ca / "run-device",
            fails={"builtin": "nknown flag: device",
                   "dockerfile": "RUN --device needs a BuildKit with CDI devices (cap exec.meta.cdi"},
            fail_line=4,
        ),
        Case(
            "named-context-oci", ca / "named-context-oci",
            extra=["--build-context", "base=oci-layout://{{OCI_LAYOUT}}"],
            fails={"builtin@bookworm": "unsupported frontend capability moby.buildkit.frontend.contexts",
                   "dockerfile@bookworm": "needs a BuildKit that loads OCI layouts (v0.11 or later)"},
            fail_line=3,
            present={"/found.txt": {}, "/bin/busybox": {}},
        ),
        Case(
            # docker buildx build <git URL>: the Dockerfile and the context come from the repository
            "remote-git", GIT_REPOS / "hello", url=f"{GIT_URL}/hello.git#v1",
            present={"/ctx/README.txt": {}, "/ctx/docs/guide.txt": {}, "/ctx/Dockerfile": {}, "/ctx-list.txt": {}},
            absent=["/ctx/.git"],
            run=([], "hello from git (v1)"),
        ),
        Case(
            # docker buildx build <URL of a tarball>: unpacked, it is the context
            "remote-tarball", GIT_REPOS / "hello", url=f"http://127.0.0.1:{HTTP_PORT}/generated/hello.tar.gz",
            present={"/ctx/README.txt": {}, "/ctx/docs/guide.txt": {}, "/ctx-list.txt": {}},
            run=([], "hello from git (v1)"),
        ),
        Case(
            # BuildKit 0.13 has the exec.secretenv cap, but its builtin frontend does not know env=;
            # BuildKit 0.8 has neither: rustfront must refuse it there, naming the line.
            "secret-env", ca / "secret-env",
            extra=["--secret", "id=T,src={case}/T.secret"],
            fails={"builtin": "unexpected key 'env' in 'env=T'", "dockerfile@bookworm": "exec.secretenv"},
            fail_line=5,
            present={"/secret-len.txt": {"size": 7}, "/env-and-file.txt": {}, "/after.txt": {}},
            absent=["/run/secrets/T", "/run/t"],
            never_in_image=["rustfront-e2e-secret-7d41c9"],
            run=(["cat", "/secret-len.txt", "/env-and-file.txt", "/after.txt"], "len=27\nsame\nunset\n"),
        ),
        Case(
            # BuildKit 0.8's builtin (before dockerfile 1.4) does not know --link: there rustfront's
            # image (plain copies, as upstream's fallback without the merge-op cap) is checked alone
            "copy-link", ca / "copy-link",
            fails={"builtin@bookworm": "Unknown flag: link"},
            present={"/linked/a.txt": {"mode": "0644"}, "/linked/b.txt": {}, "/linked/archive.tar": {},
                     "/linked-0640/a.txt": {"mode": "0640"}, "/app/rel/a.txt": {},
                     "/app/rel-multi/a.txt": {"mode": "0755"}, "/app/rel-multi/b.txt": {"mode": "0755"},
                     "/linked-bb": {"type": "file"}, "/added/b.txt": {}, "/added-0600.txt": {"mode": "0600"},
                     "/unpacked/top.txt": {}, "/unpacked/dir/inner.txt": {"mode": "0600"},
                     "/unpacked/dir": {"type": "dir", "mode": "0750"}, "/ls.txt": {}},
            config={"WorkingDir": "/app"},
        ),
        Case(
            # limits (issue 12): a frontend image's LLB goes through the gateway, which takes 4 MiB per
            # request before BuildKit 0.14. Docker 20.10's builtin builds in-process; Docker 26's hits
            # the same limit and says so in gRPC terms
            "llb-too-large", ca / "llb-too-large",
            # (the builtin sometimes loses the race and reports the cancelled request instead)
            fails={"builtin@trixie": "ResourceExhausted: grpc: received message larger than max || "
                                     "failed to solve: Canceled: context canceled",
                   "dockerfile": "the LLB for this Dockerfile grows past 4 MiB here; BuildKit accepts at "
                                 "most 4 MiB per build request (BuildKit v0.14 and later: 16 MiB)"},
            fail_line=48,
        ),
        Case(
            "dup-stage", ca / "dup-stage",
            present={"/both.txt": {}}, run=(["cat", "/both.txt"], "second\nsecond\n"),
        ),
        Case(
            # BuildKit 0.8's builtin (an older docker/dockerfile) resolves the COPY --from=build to the
            # first stage and fails later, on the file; current ones refuse it
            "dup-stage-order", ca / "dup-stage-order",
            fails={"any": 'cannot copy from stage "build", it needs to be defined before current stage "early"',
                   "builtin@bookworm": '"/which.txt" not found'},
            fail_line=6,
        ),
        Case(
            "workdir-slash", ca / "workdir-slash",
            present={"/app/sub/x": {"type": "file"}, "/app/x": {"type": "file"}, "/ls.txt": {}},
            config={"WorkingDir": "/app/"},
            run=(["cat", "/pwd.txt", "/pwd-sub.txt"], "/app\n/app/sub\n"),
        ),
        Case(
            "copy-dot-workdir", ca / "copy-dot-workdir",
            present={"/build/a.txt": {}, "/build/sub/b.txt": {}, "/build/Dockerfile": {}, "/other/a.txt": {},
                     "/other/sub/b.txt": {}, "/other/sub2/b.txt": {}, "/listing.txt": {}},
            absent=["/build/ignored.txt", "/other/ignored.txt"],
            config={"WorkingDir": "/other/"},
        ),
    ]


# ----------------------------------------------------------------------------- checks


class Harness:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.frontend = BUILTIN if args.frontend == "builtin" else Frontend(args.frontend)
        self.side_a = BUILTIN if args.frontend_a == "builtin" else Frontend(args.frontend_a)
        self._placeholders: dict[str, str] = {}
        self.report = Report(args.verbose)
        self.tmp = Path(tempfile.mkdtemp(prefix="rustfront-e2e."))

    def wanted(self, check: str) -> bool:
        return not self.args.only or any(o in check for o in self.args.only)

    def tag(self, name: str, side: str) -> str:
        return f"{OUT_REPO}/{re.sub(r'[^a-z0-9._-]+', '-', name.lower()).strip('-')}:{side}"

    def frontend_used(self, res: BuildResult, frontend: Frontend | None = None) -> bool:
        """With a frontend image, the progress output names it (BuildKit resolves it first)."""
        frontend = frontend or self.frontend
        if frontend.image is None:
            return True
        short = frontend.image.split("/")[-1]
        if ":" not in short and "@" not in short:  # org/rustfront: more than `rustfront` (rustfront-e2e/...)
            short = frontend.image
        return any(short in line for line in res.output.splitlines() if not line.startswith("#0 building with"))

    # -- placeholders in a case's Dockerfile ({{NAME}}), filled at run time
    def placeholder(self, name: str) -> str:
        if name not in self._placeholders:
            if name == "BUSYBOX_DIGEST":
                # what setup.sh pushed; the digest changes with every provisioning
                self._placeholders[name] = registry_digest("busybox", "latest")
            elif name in ("GIT_SSH_URL", "SSH_AGENT"):
                agent = self.ssh_agent()
                self._placeholders["GIT_SSH_URL"] = f"ssh://root@127.0.0.1:{GIT_SSH_PORT}{self.tmp / 'git'}/hello.git"
                self._placeholders["SSH_AGENT"] = agent
            elif name == "OCI_LAYOUT":
                # busybox:local saved by Docker 26 (an OCI layout) into a directory: <dir>@<manifest digest>
                layout = self.tmp / "oci-layout"
                layout.mkdir()
                tar = self.tmp / "oci-layout.tar"
                docker(known_daemons()["trixie"], "save", "busybox:local", "-o", str(tar))
                with tarfile.open(tar) as t:
                    if hasattr(tarfile, "data_filter"):
                        t.extractall(layout, filter="data")
                    else:  # Python < 3.11.4: a docker save archive of our own
                        t.extractall(layout)
                index = json.loads((layout / "index.json").read_text())
                self._placeholders[name] = f"{layout}@{index['manifests'][0]['digest']}"
            else:
                raise RuntimeError(f"unknown placeholder {{{{{name}}}}}")
        return self._placeholders[name]

    def ssh_agent(self) -> str:
        """An sshd on 127.0.0.1:GIT_SSH_PORT that lets a fresh key in (git over ssh to the repositories
        of serve_git_repos), and an ssh-agent holding that key; its socket."""
        d = self.tmp / "ssh"
        d.mkdir()
        for key in ("host", "user"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / key)], check=True)
        (d / "authorized_keys").write_text((d / "user.pub").read_text())
        (d / "sshd_config").write_text(
            f"Port {GIT_SSH_PORT}\nListenAddress 127.0.0.1\nHostKey {d / 'host'}\n"
            f"AuthorizedKeysFile {d / 'authorized_keys'}\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nUsePAM no\nStrictModes no\n"
            f"PidFile {d / 'sshd.pid'}\n")
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation directory
        self._sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-f", str(d / "sshd_config"), "-E", str(d / "sshd.log")])
        for _ in range(50):
            if (d / "sshd.pid").exists():
                break
            time.sleep(0.1)
        sock = d / "agent.sock"
        self._agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
        for _ in range(50):
            if sock.exists():
                break
            time.sleep(0.1)
        subprocess.run(["ssh-add", "-q", str(d / "user")], env={**os.environ, "SSH_AUTH_SOCK": str(sock)}, check=True)
        return str(sock)

    def case_ctx(self, case: Case) -> Path | str:
        """The case directory, or a filled-in copy when its Dockerfile has {{PLACEHOLDERS}}; a remote
        context's URL."""
        if case.url:
            return case.url
        text = (case.ctx / "Dockerfile").read_text()
        names = sorted(set(PLACEHOLDER_RE.findall(text)))
        if not names:
            return case.ctx
        ctx = self.tmp / f"ctx-{case.name}"
        if not ctx.exists():
            shutil.copytree(case.ctx, ctx)
            for n in names:
                text = text.replace(f"{{{{{n}}}}}", self.placeholder(n))
            (ctx / "Dockerfile").write_text(text)
        return ctx

    def expected_failure(self, case: Case, d: Daemon, frontend: Frontend) -> str | None:
        for key in (f"{frontend.kind}@{d.name}", frontend.kind, f"any@{d.name}", "any"):
            if key in case.fails:
                return case.fails[key]
        return None

    # -- compare one case: side A (builtin, or --frontend-a) vs frontend under test (B)
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
        fa, fb = self.side_a, b_frontend or self.frontend
        ta, tb = self.tag(check, "a"), self.tag(check, "test")
        try:
            ctx = self.case_ctx(case)
        except (RuntimeError, OSError) as e:
            self.report.fail(d.name, check, "cannot prepare the case", str(e))
            return
        extra = [x.replace("{case}", str(case.ctx)) for x in case.extra]
        try:
            extra = [PLACEHOLDER_RE.sub(lambda m: self.placeholder(m.group(1)), x) for x in extra]
        except (RuntimeError, OSError, KeyError, ValueError, tarfile.TarError) as e:
            self.report.fail(d.name, check, "cannot prepare the case", str(e))
            return
        kw = {"target": case.target, "build_args": case.build_args, "extra": extra}
        want_a, want_b = self.expected_failure(case, d, fa), self.expected_failure(case, d, fb)
        a = build(d, ctx, ta, fa, **kw)
        if want_a is not None:
            # the case says side A fails here: check it does (validates the case and the environment)
            if a.ok or not any(w in a.output for w in want_a.split(" || ")):
                self.report.fail(d.name, check, f"{fa.label} should fail with {want_a!r}",
                                 f"rc={a.rc}:\n{a.why()}")
                remove_images(d, ta)
                return
        elif not a.ok:
            self.report.fail(d.name, check, f"{fa.label} build FAILED (environment/case problem)", a.why())
            return
        elif not self.frontend_used(a, fa):
            self.report.fail(d.name, check, f"{fa.label} does not appear in the build output", tail(a.output, 8))
            return
        b = build(d, b_ctx or ctx, tb, fb, **kw)
        if want_b is not None:
            missing = [w for w in (want_b, case.fail_line and fb.image and f"Dockerfile:{case.fail_line}") if w
                       and w not in b.output]
            side_a = f"{fa.label} fails as expected" if want_a is not None else f"{fa.label} builds"
            self.report.check(not b.ok and not missing, d.name, check,
                              f"{side_a}; {fb.label} fails with {want_b!r}" + (
                                  f" at Dockerfile:{case.fail_line}" if case.fail_line and fb.image else ""),
                              f"rc={b.rc}, missing {missing} in:\n{b.why()}")
            remove_images(d, ta, tb)
            return
        if not b.ok:
            self.report.fail(d.name, check, f"build with {fb.label} FAILED", b.why())
            remove_images(d, ta)
            return
        if not self.frontend_used(b, fb):
            self.report.fail(d.name, check, f"{fb.label} does not appear in the build output", tail(b.output, 8))
            return
        needles = tuple(case.never_in_image)
        try:
            # the daemon does the heavy lifting (export/save): run the inspections 2 at a time
            with ThreadPoolExecutor(max_workers=2) as pool:
                sides = (ta, tb) if want_a is None else (tb,)
                jobs = [pool.submit(f, d, t, *args) for t in sides
                        for f, args in ((image_tree, (needles,)), (image_config, ()))]
                results = [j.result() for j in jobs]
        except (RuntimeError, KeyError, tarfile.TarError) as e:
            self.report.fail(d.name, check, "could not inspect images", str(e))
            return
        if want_a is not None:
            # side A cannot build this on this daemon: side B is checked on its own
            tree_b, cfg_b = results
            problems = [f"[ours] {p}" for p in expectations(case, cfg_b, tree_b)]
            detail = (f"{fa.label} fails as expected ({want_a!r}); {fb.label} checked alone: "
                      f"{len(tree_b)} entries, {len(history_list(cfg_b))} history")
        else:
            tree_a, cfg_a, tree_b, cfg_b = results
            used: list[str] = []
            if case.builtin_only and fa.kind == "builtin":
                kept = {p: e for p, e in tree_a.items()
                        if not any(p == x or p.startswith(x + "/") for x in case.builtin_only)}
                if len(kept) != len(tree_a):
                    used.append(f"builtin-only {', '.join(case.builtin_only)} ({len(tree_a) - len(kept)} entries)")
                tree_a = kept
            norms = self.normalisations(d, fa, fb)
            problems = compare_configs(cfg_a, cfg_b, norms, used, (fa.label, "ours"), case.build_args) + \
                compare_trees(tree_a, tree_b)
            # expectations hold for both sides (A validates the case itself, B the frontend)
            for side, cfg, tree in ((fa.label, cfg_a, tree_a), ("ours", cfg_b, tree_b)):
                problems += [f"[{side}] {p}" for p in expectations(case, cfg, tree)]
            size_a = sum(e.get("size", 0) for e in tree_a.values())
            detail = (f"{len(tree_a)} entries, {size_a / 1e6:.1f}MB, {len(history_list(cfg_a))} history; "
                      f"builds {a.seconds:.1f}s/{b.seconds:.1f}s, total {time.monotonic() - t0:.1f}s")
            if used:
                detail += f"; normalised: {', '.join(sorted(set(used)))}"
        if self.report.check(not problems, d.name, check, detail, "\n".join(problems)) and case.run:
            self.run_image(d, case, tb)
        if not self.args.keep:
            remove_images(d, ta, tb)

    def normalisations(self, d: Daemon, fa: Frontend, fb: Frontend) -> list[Normalisation]:
        """Only between an old builtin (A) and a docker/dockerfile-1.20-like frontend (B)."""
        if fa.kind != "builtin" or fb.kind == "builtin":
            return []
        return [n for n in NORMALISATIONS if n.daemon == d.name]

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

    # -- an example through its own first line, `# syntax=org/rustfront`, with no build arg: as users build
    def example_header(self, d: Daemon) -> None:
        check = f"{HEADER_IMAGE} header alone (examples/go)"
        if not self.wanted(check):
            return
        if self.frontend.image is None:
            self.report.skip(d.name, check, "builtin mode: no frontend image")
            return
        case = next(c for c in cases() if c.name == "go" and not c.build_args)
        if (case.ctx / "Dockerfile").read_text().splitlines()[0] != f"# syntax={HEADER_IMAGE}":
            self.report.fail(d.name, check, f"examples/go does not start with # syntax={HEADER_IMAGE}")
            return
        ids = [docker(d, "image", "inspect", "-f", "{{.Id}}", ref, check=False).stdout.strip()
               for ref in (self.frontend.image, HEADER_IMAGE)]
        if not ids[1]:
            self.report.fail(d.name, check, f"no local {HEADER_IMAGE} image (scripts/build-image.sh tags it)")
            return
        if ids[0] != ids[1]:
            self.report.skip(d.name, check, f"local {HEADER_IMAGE} is not the frontend under test")
            return
        self.compare(d, case, check=check, b_frontend=Frontend(HEADER_IMAGE, via_arg=False))

    # -- the failing RUN names its Dockerfile line
    def error_location(self, d: Daemon) -> None:
        check = "failing RUN shows its Dockerfile line"
        if not self.wanted(check):
            return
        ctx = CASES_DIR / "failing"
        lines = (ctx / "Dockerfile").read_text().splitlines()
        lineno = next(i + 1 for i, line in enumerate(lines) if "exit 3" in line)
        instr = lines[lineno - 1].strip()
        a = build(d, ctx, self.tag("failing", "a"), self.side_a)
        b = build(d, ctx, self.tag("failing", "test"), self.frontend)
        # what the builtin frontend shows on this daemon is the bar
        want = [instr, "exit code: 3"]
        if f"Dockerfile:{lineno}" in a.output:
            want += [f"Dockerfile:{lineno}", f">>> {instr}"]
        if a.ok or any(w not in a.output for w in want):
            self.report.fail(d.name, check, f"{self.side_a.label} output lacks the expected markers", tail(a.output))
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

    # -- RUN --no-cache: that step and what uses it run again, the rest is CACHED
    def run_no_cache(self, d: Daemon) -> None:
        check = "RUN --no-cache: the step and its users run, the rest CACHED"
        if not self.wanted(check):
            return
        if self.frontend.image is None:
            self.report.skip(d.name, check, "rustfront's own flag; the builtin frontend rejects it")
            return
        ctx = Path(__file__).resolve().parent / "beyond" / "no-cache"
        tag = self.tag("run-no-cache", "test")
        first = build(d, ctx, tag, self.frontend, no_cache=False)
        second = build(d, ctx, tag, self.frontend, no_cache=False)
        remove_images(d, tag)
        steps = parse_steps(second.output)
        expected = {
            "RUN echo before > /before": True,
            "RUN --no-cache cat /proc/sys/kernel/random/uuid > /stamp": False,
            "RUN cp /stamp /after": False,
            "RUN echo other > /other": True,
            "COPY --from=base /after /after": False,
        }
        got = {s.text: s.cached for s in steps}
        wrong = [f"{text}: {'CACHED' if got.get(text) else 'ran' if text in got else 'missing'}"
                 for text, cached in expected.items() if got.get(text) is not cached]
        self.report.check(first.ok and second.ok and not wrong, d.name, check,
                          f"rebuild {second.seconds:.1f}s" if not wrong else "; ".join(wrong),
                          f"rc={first.rc}/{second.rc}; steps:\n{describe_steps(steps)}\n"
                          f"{first.why(8) if not first.ok else ''}{second.why(8) if not second.ok else ''}")

    # -- COPY --from=${ARG} / --mount from=$ARG: the stage a build arg selects, as the builtin builds
    #    the same stages with that stage written out
    def arg_from(self, d: Daemon) -> None:
        check = "COPY --from=${GLOBAL_ARG}: the selected stage, as the builtin on the plain form"
        if not self.wanted(check):
            return
        if self.frontend.image is None:
            self.report.skip(d.name, check, "rustfront's dialect; the builtin frontend rejects it")
            return
        base = Path(__file__).resolve().parent / "beyond" / "arg-from"
        case = Case(name="arg-from", ctx=base / "plain", build_args={"BUILDER": "clang"},
                    present={"/out/compiler": {"size": 6}, "/out/mounted": {"size": 6}})
        self.compare(d, case, check, b_ctx=base / "dialect")

    # -- INCLUDE: the same image as the builtin frontend on the stages pasted into one file
    def include(self, d: Daemon) -> None:
        check = "INCLUDE: same image as the stages pasted into one file (builtin)"
        if not self.wanted(check):
            return
        if self.frontend.image is None:
            self.report.skip(d.name, check, "rustfront's own instruction; the builtin frontend rejects it")
            return
        beyond = Path(__file__).resolve().parent / "beyond"
        case = Case("include", beyond / "include-pasted", check_name=check,
                    present={"/app/base": {}, "/app/greeting": {}, "/app/app.txt": {}, "/all": {}})
        self.compare(d, case, b_ctx=beyond / "include")

    # -- subrequests through buildx 0.13 (--print needs BUILDX_EXPERIMENTAL=1 there)
    def print_subrequest(self, d: Daemon, fe: Frontend, name: str, target: str | None) -> tuple[int, str, str]:
        ctx = Path(__file__).resolve().parent / "subrequests"
        cmd = d.cmd("buildx", "build", f"--print={name},format=json", "--network=none", "--progress=quiet")
        if target:
            cmd += ["--target", target]
        cmd += fe.args() + [str(ctx)]
        p = subprocess.run(cmd, env=dict(d.env, BUILDX_EXPERIMENTAL="1"), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=300)
        # --progress=quiet ends with the (empty) result's image id
        out = "\n".join(line for line in p.stdout.splitlines() if not line.startswith("sha256:"))
        return p.returncode, out, p.stderr

    def subrequests(self, d: Daemon) -> None:
        """outline and targets: the same JSON from both sides (the builtin frontend of BuildKit 0.13
        answers them); lint and convertllb (which that builtin lacks): checked on side B."""
        for name, target in (("outline", None), ("outline", "build"), ("targets", None), ("lint", None),
                             ("convertllb", None)):
            check = f"--print={name}" + (f" --target {target}" if target else "")
            if not self.wanted(check):
                continue
            if d.build_cmd[0] != "buildx":
                self.report.skip(d.name, check, "--print needs buildx (Docker 20.10 builds with the classic CLI)")
                continue
            rb, b, eb = self.print_subrequest(d, self.frontend, name, target)
            if name == "convertllb":
                self.report.check(*convertllb_check(rb, eb), d.name, check, f"rc={rb}\n{eb[-2000:]}")
                continue
            if name == "lint":
                # buildx 0.13 does not know lint and prints result.txt even with format=json
                rules = re.findall(r"^WARNING: (\w+) - ", b, re.M) if rb == 0 else []
                self.report.check(rules == ["StageNameCasing", "JSONArgsRecommended"], d.name, check,
                                  f"rules {rules}", f"rc={rb}\n{eb}\n{b}")
                continue
            ra, a, ea = self.print_subrequest(d, self.side_a, name, target)
            self.report.check(ra == 0 and rb == 0 and a == b and a.startswith("{"), d.name, check,
                              f"same JSON ({len(b)} bytes)" if a == b else "JSON differs",
                              f"rc={ra}/{rb}\n{ea}{eb}\n" + "\n".join(difflib.unified_diff(
                                  a.splitlines(), b.splitlines(), self.side_a.label, self.frontend.label, lineterm="")))

    # -- COPY --parents, COPY/ADD --exclude: the tree upstream documents (the builtin frontends of
    #    these daemons predate the flags, so there is no side A)
    def copy_parents_exclude(self, d: Daemon) -> None:
        check = "COPY --parents / --exclude: the documented file tree"
        if not self.wanted(check):
            return
        if self.frontend.image is None:
            self.report.skip(d.name, check, "the builtin frontends of the e2e daemons predate the flags")
            return
        ctx = Path(__file__).resolve().parent / "beyond" / "parents-exclude"
        tag = self.tag("parents-exclude", "test")
        res = build(d, ctx, tag, self.frontend)
        if d.name == "bookworm":
            # BuildKit 0.8 has no file.copy.includeexcludepatterns: it would copy everything.
            want = "needs a BuildKit that filters copies"
            self.report.check(not res.ok and want in res.output, d.name, check + " (refused on BuildKit 0.8)",
                              f"rc={res.rc}", f"expected {want!r} in:\n{res.why(8)}")
            remove_images(d, tag)
            return
        expected = [
            "/added/readme.md",
            "/all/docs/guide.txt",
            "/all/pkg/a/go.mod",
            "/all/pkg/a/main.go",
            "/all/src/app/main.go",
            "/docs/guide.txt",
            "/mods/pkg/a/go.mod",
            "/mods/pkg/b/go.mod",
            "/pivot/app/main.go",
        ]
        got: list[str] = []
        if res.ok:
            roots = ("/added/", "/all/", "/docs/", "/mods/", "/pivot/")
            tree = image_tree(d, tag)
            got = sorted(p for p, e in tree.items() if p.startswith(roots) and e["type"] == "file")
        remove_images(d, tag)
        self.report.check(res.ok and got == expected, d.name, check,
                          f"{len(got)} files" if res.ok else "build failed",
                          f"rc={res.rc}; expected {expected}\ngot {got}\n{res.why(8) if not res.ok else ''}")

    # -- `docker buildx bake` with a target: context (an input:<name> named context of frontend inputs)
    def bake_target_context(self, d: Daemon) -> None:
        check = "bake target: context (frontend inputs)"
        if not self.wanted(check):
            return
        if self.frontend.image is None:
            self.report.skip(d.name, check, "builtin mode: the builtin side is built anyway")
            return
        ctx = Path(__file__).resolve().parent / "beyond" / "bake-target"
        ours, builtin = self.tag("bake-target", "test"), self.tag("bake-target", "a")
        # Docker 20.10 has no bake: buildx 0.13 (trixie root, standalone) on the same daemon. Its
        # builtin frontend predates named contexts, so only ours is built there.
        bake = (d.cmd("buildx", "bake") if d.name == "trixie" else
                [str(BK / "trixie-root" / "usr" / "libexec" / "docker" / "cli-plugins" / "docker-buildx"), "bake"])
        targets = ["app"] + (["app-builtin"] if d.name == "trixie" else [])
        cmd = [*bake, "--progress=plain", "--set", f"app.args.BUILDKIT_SYNTAX={self.frontend.image}",
               "--set", f"app.tags={ours}", "--set", f"app-builtin.tags={builtin}", *targets]
        p = subprocess.run(cmd, cwd=ctx, env=d.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=600)
        if p.returncode != 0:
            self.report.fail(d.name, check, "bake FAILED", tail(p.stdout, 12))
            return
        tree_b, cfg_b = image_tree(d, ours, ()), image_config(d, ours)
        problems = []
        for path in ("/app.txt", "/base.txt"):
            if path not in tree_b:
                problems.append(f"[ours] {path} missing")
        env = cfg_b.get("config", {}).get("Env") or []
        if "FROM_BASE=1" not in env:
            problems.append(f"[ours] the input's image config is not inherited: Env {env}")
        detail = f"{len(tree_b)} entries (ours alone: the builtin of BuildKit 0.8 predates named contexts)"
        if d.name == "trixie":
            tree_a, cfg_a = image_tree(d, builtin, ()), image_config(d, builtin)
            problems += compare_configs(cfg_a, cfg_b, self.normalisations(d, BUILTIN, self.frontend), [],
                                        ("builtin", "ours"), {}) + compare_trees(tree_a, tree_b)
            detail = f"{len(tree_a)} entries, same as the builtin's"
        remove_images(d, ours, builtin)
        self.report.check(not problems, d.name, check, detail, "\n".join(problems))

    # -- the experimental CopyIgnoredFile check: its warning in buildx's output
    def copy_ignored_file(self, d: Daemon) -> None:
        check = "CopyIgnoredFile warning shown by buildx"
        if not self.wanted(check):
            return
        if self.frontend.image is None:
            self.report.skip(d.name, check, "the builtin frontends of the e2e daemons predate build checks")
            return
        if d.name == "bookworm":
            self.report.skip(d.name, check, "docker build of Docker 20.10 prints no build warnings")
            return
        ctx = Path(__file__).resolve().parent / "beyond" / "copy-ignored-file"
        tag = self.tag("copy-ignored-file", "test")
        res = build(d, ctx, tag, self.frontend)
        remove_images(d, tag)
        want = 'CopyIgnoredFile: Attempting to Copy file "app.log" that is excluded by .dockerignore (line 5)'
        ok = not res.ok and want in res.output and '"keep.log" that is excluded' not in res.output
        self.report.check(ok, d.name, check, f"rc={res.rc}", f"expected {want!r} in:\n{res.why(12)}")

    # -- rustfront debug why: its prediction (per stage, the first step that misses) is what the
    #    rebuild through the frontend shows
    def debug_why(self, d: Daemon) -> None:
        check = "debug why: the predicted first miss per stage is what the rebuild runs"
        if not self.wanted(check):
            return
        if self.frontend.image is None:
            self.report.skip(d.name, check, "rustfront's own command")
            return
        changes = {
            "an edited source file": lambda w: (w / "main.go").write_text((w / "main.go").read_text() + "// v2\n"),
            "a changed ARG default": lambda w: (w / "Dockerfile").write_text(
                (w / "Dockerfile").read_text().replace("ARG VERSION=dev", "ARG VERSION=2.0", 1)),
            "reordered instructions": lambda w: (w / "Dockerfile").write_text(
                (w / "Dockerfile").read_text().replace("COPY go.mod ./\nCOPY *.go ./", "COPY *.go ./\nCOPY go.mod ./")),
        }
        for what, change in changes.items():
            sub = f"{check}: {what}"
            with tempfile.TemporaryDirectory(prefix="rustfront-e2e-why.") as td:
                w = Path(td)
                shutil.copytree(EXAMPLES / "go", w, dirs_exist_ok=True)
                # a source no earlier run has built: both builds start from an empty cache
                (w / "main.go").write_text((w / "main.go").read_text() + f"// run {time.time_ns()}\n")
                git = ["git", "-C", str(w), "-c", "user.email=e2e@rustfront", "-c", "user.name=e2e"]
                for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "v1"]):
                    subprocess.run(git + args, check=True, stdout=subprocess.DEVNULL)
                tag = self.tag("debug-why", "test")
                first = build(d, w, tag, self.frontend, no_cache=False)
                change(w)
                why = subprocess.run(
                    ["cargo", "run", "-q", "--manifest-path", str(REPO / "Cargo.toml"), "--bin", "rustfront", "--",
                     "debug", "why", "git:HEAD:./Dockerfile", "Dockerfile", "--context", ".", "--format", "json"],
                    cwd=w, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                second = build(d, w, tag, self.frontend, no_cache=False)
                remove_images(d, tag)
            if not (first.ok and second.ok and why.returncode == 0):
                self.report.fail(d.name, sub, "a build or debug why failed",
                                 f"{first.why(8) if not first.ok else ''}{second.why(8) if not second.ok else ''}"
                                 f"{why.stderr}")
                continue
            steps = parse_steps(second.output)
            wrong = []
            for stage in json.loads(why.stdout)["stages"]:
                miss = stage["first_miss"]
                for s in steps:
                    name, _, count = s.stage.rpartition(" ")
                    if name != stage["stage"]:
                        continue
                    index = int(count.split("/")[0])
                    should_run = miss is not None and index >= miss["step"]
                    # a step that copies or mounts another stage's files is keyed by their content:
                    # BuildKit reuses it when the stage comes out identical (a reproducible build)
                    maybe = should_run and miss["cause"]["kind"] == "stage"
                    if s.cached == should_run and not maybe:
                        wrong.append(f"[{s.stage}] {s.text}: {'CACHED' if s.cached else 'ran'}, predicted "
                                     f"{'to run' if should_run else 'CACHED'}")
            predicted = "; ".join(f"{st['stage']} at {st['first_miss']['step']}" if st["first_miss"] else f"{st['stage']} cached"
                                  for st in json.loads(why.stdout)["stages"])
            self.report.check(not wrong, d.name, sub, predicted,
                              "; ".join(wrong) + f"\nsteps:\n{describe_steps(steps)}\n{why.stdout}")

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
        for side, frontend in (("a", self.side_a), ("test", self.frontend)):
            tag = self.tag("multi-platform", side)
            res = build(d, ctx, tag, frontend, extra=["--platform", "linux/amd64,linux/arm64"])
            if not res.ok:
                self.report.fail(d.name, check, f"{side} build failed", res.why())
                return
            summaries[side] = platform_configs(d, tag)
            remove_images(d, tag)
        a, b = summaries["a"], summaries["test"]
        used: list[str] = []
        norms = self.normalisations(d, self.side_a, self.frontend)
        for ca, cb in zip(a, b):
            if norms and ca["platform"] == cb["platform"]:
                # the summaries keep only created_by: give both the same "(empty) " prefix
                ha, hb = (["(empty) " + h for h in c["history"]] for c in (ca, cb))
                ca["history"] = [h[8:] for h in normalise_history(ha, hb, norms, {}, used)]
        platforms = [c["platform"] for c in b]
        self.report.check(a == b and platforms == ["linux/amd64", "linux/arm64"], d.name, check,
                          f"platforms {platforms}" + (f"; normalised: {', '.join(sorted(set(used)))}" if used else ""),
                          f"{self.side_a.label}: {json.dumps(a, indent=1)}\nours: {json.dumps(b, indent=1)}")

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
        print(f"== {d.name}: docker {ver}; side A = {self.side_a.label}{' frontend' if self.side_a.image is None else ''}, "
              f"side B = {self.frontend.label}", flush=True)
        for fe in (self.side_a, self.frontend):
            if fe.image is not None:
                p = docker(d, "image", "inspect", fe.image, check=False)
                if not self.report.check(p.returncode == 0, d.name, f"frontend image {fe.image} present",
                                         "", "build it with scripts/build-image.sh"):
                    return
        for case in cases():
            self.compare(d, case)
        self.syntax_directive(d)
        self.example_header(d)
        self.error_location(d)
        self.parallel_time(d)
        self.layer_cache(d)
        self.run_no_cache(d)
        self.arg_from(d)
        self.debug_why(d)
        self.include(d)
        self.subrequests(d)
        self.copy_parents_exclude(d)
        self.bake_target_context(d)
        self.copy_ignored_file(d)
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
        git_server = serve_git_repos(self.tmp / "git")
        time.sleep(0.3)
        if server.poll() is not None:
            print(f"WARNING: cannot serve e2e/http-root on 127.0.0.1:{HTTP_PORT} (port in use: another harness "
                  "running?); the ADD <url> cases will fail", flush=True)
        if git_server is None or any(p.poll() is not None for p in git_server):
            print(f"WARNING: cannot serve the e2e git repositories on 127.0.0.1:{GIT_PORT}; the git cases will fail",
                  flush=True)
        try:
            for name in self.args.daemons:
                self.run_daemon(daemons[name])
        finally:
            server.terminate()
            server.wait(timeout=10)
            for process in [*(git_server or ()), *(p for p in (getattr(self, "_sshd", None),
                                                                  getattr(self, "_agent", None)) if p)]:
                process.terminate()
                process.wait(timeout=10)
            shutil.rmtree(self.tmp, ignore_errors=True)
        r = self.report
        print(f"# frontend under test: {self.frontend.label}; {r.skipped} skipped; {time.monotonic() - t0:.0f}s")
        if r.failures:
            print("# failed: " + "; ".join(r.failures))
        print(f"{r.passed} passed, {r.failed} failed")
        return 1 if r.failed else 0


def git(*args: str, cwd: Path) -> None:
    """git with a fixed identity and dates, so the repositories (and their commits) are the same each run."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, "GIT_AUTHOR_NAME": "e2e",
           "GIT_AUTHOR_EMAIL": "e2e@127.0.0.1", "GIT_COMMITTER_NAME": "e2e", "GIT_COMMITTER_EMAIL": "e2e@127.0.0.1",
           "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_git_repos(dest: Path) -> None:
    """A bare repository per directory of GIT_REPOS (tag v1: its files; main: one more commit), and the
    tarball of hello for the remote-tarball case."""
    work = dest / "work"
    for src in sorted(p for p in GIT_REPOS.iterdir() if p.is_dir()):
        w = work / src.name
        shutil.copytree(src, w)
        git("init", "-q", "-b", "main", cwd=w)
        git("add", "-A", cwd=w)
        git("commit", "-q", "-m", "v1", cwd=w)
        git("tag", "v1", cwd=w)
        (w / "README.txt").write_text("hello from git (main)\n")
        git("commit", "-q", "-am", "after v1", cwd=w)
        git("clone", "-q", "--bare", str(w), str(dest / f"{src.name}.git"), cwd=dest)
    generated = HTTP_ROOT / "generated"
    generated.mkdir(exist_ok=True)
    with tarfile.open(generated / "hello.tar.gz", "w:gz") as tar:
        for path in sorted((GIT_REPOS / "hello").rglob("*")):
            info = tar.gettarinfo(str(path), str(path.relative_to(GIT_REPOS / "hello")))
            info.mtime, info.uid, info.gid, info.uname, info.gname = 1704067200, 0, 0, "", ""
            if path.is_file():
                with path.open("rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)


def serve_git_repos(dest: Path) -> tuple[subprocess.Popen, subprocess.Popen] | None:
    """`git daemon` serving the repositories of GIT_REPOS on 127.0.0.1:GIT_PORT, and smart HTTP with a
    token on GIT_HTTP_PORT (None if git is missing)."""
    try:
        dest.mkdir(parents=True, exist_ok=True)
        make_git_repos(dest)
        daemon = subprocess.Popen(
            ["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={dest}", "--listen=127.0.0.1",
             f"--port={GIT_PORT}", str(dest)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        smart_http = subprocess.Popen(
            [sys.executable, str(REPO / "e2e" / "git_http.py"), "--root", str(dest), "--port", str(GIT_HTTP_PORT),
             "--token", GIT_TOKEN],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return daemon, smart_http
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"WARNING: cannot make the e2e git repositories: {e}", flush=True)
        return None


def expectations(case: Case, cfg: dict, tree: dict[str, dict]) -> list[str]:
    problems = []
    for needle in case.never_in_image:
        problems += [f"{path} contains {needle!r}" for path, e in tree.items() if needle in e.get("contains", ())]
        if needle in json.dumps(cfg):
            problems.append(f"the image config (or its history) contains {needle!r}")
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
    p.add_argument("--frontend-a", default=os.environ.get("FRONTEND_A_IMAGE", "builtin"),
                   help="side A: 'builtin' (default; the daemon's builtin frontend is the oracle) or a frontend "
                        "image to use as oracle instead (e.g. a local build of docker/dockerfile 1.20)")
    p.add_argument("--daemon", dest="daemons", action="append", choices=["trixie", "bookworm"],
                   help="daemon(s) to test (default: both)")
    p.add_argument("--only", action="append", default=[], help="run only checks whose name contains this text")
    p.add_argument("--parallel-max", type=float, default=float(os.environ.get("E2E_PARALLEL_MAX", "5.5")))
    p.add_argument("--keep", action="store_true", help="keep the built images")
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args(argv)
    a.daemons = a.daemons or ["trixie", "bookworm"]
    return a



def convertllb_check(rc: int, stderr: str) -> tuple[bool, str]:
    """buildx 0.13 does not know convertllb: it logs the result's metadata map, result.json
    included. The answer must hold the LLB of the subrequests Dockerfile's last stage: every op
    with its metadata, the RUN of stage build, and the source map with the Dockerfile's own LLB."""
    start, end = stderr.find(" result.json:"), stderr.rfind(" version:0.1.0]")
    if rc != 0 or start < 0 or end < start:
        return False, "no result.json"
    try:
        res = json.loads(stderr[start + len(" result.json:"):end])
    except ValueError as e:
        return False, f"result.json is not JSON: {e}"
    ops, meta = res.get("def", {}), res.get("metadata", {})
    names = [m.get("description", {}).get("llb.customname", "") for m in meta.values()]
    infos = res.get("source", {}).get("infos", [])
    ok = (len(ops) >= 4 and set(meta) <= set(ops)
          and any(n.startswith("[build 2/2] RUN --mount=type=secret") for n in names)
          and any("exec" in op for op in ops.values())
          and infos[:1] and infos[0].get("filename") == "Dockerfile" and "definition" in infos[0])
    return bool(ok), f"{len(ops)} ops, {len(infos)} source file(s)"


if __name__ == "__main__":
    sys.exit(Harness(parse_args(sys.argv[1:])).main())

