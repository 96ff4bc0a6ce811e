"""Unit tests for the pure parts of e2e/harness.py (no daemon needed):
python3 -m unittest discover -s e2e -p 'test_*.py'"""

import shutil
import unittest

import harness as h

# trimmed `--progress=plain` output of BuildKit 0.13 (buildx) ...
PLAIN_013 = """\
#0 building with "default" instance using docker driver
#1 [internal] load build definition from Dockerfile
#1 DONE 0.0s
#5 [build 1/5] FROM docker.io/rustfront-e2e/golang:1.19@sha256:2d0e
#5 DONE 0.0s
#8 [build 2/5] WORKDIR /src
#8 CACHED
#9 [build 3/5] COPY go.mod ./
#9 CACHED
#11 [build 5/5] RUN go vet ./... && go build -o /out/hello .
#11 0.321 building
#11 DONE 18.2s
#12 [runtime 2/2] COPY --from=build --chmod=0555 /out/hello /usr/local/bin/hello
#12 CACHED
"""
# ... and of BuildKit 0.8 (docker 20.10), where CACHED may come without the name being repeated
PLAIN_08 = """\
#7 [3/6] COPY package.json install.js ./
#7 sha256:637bcfd0f34b8e1a235b70bed1d20ad84ece6101d48719cbef1e56bcd7a41c26
#8 [4/6] RUN node install.js
#8 CACHED
#7 CACHED
#9 [5/6] COPY . .
#9 DONE 0.1s
#5 [2/6] WORKDIR /usr/src/app
#5 CACHED
"""


class ParseSteps(unittest.TestCase):
    def test_buildkit_013(self):
        steps = h.parse_steps(PLAIN_013)
        self.assertEqual([s.instruction for s in steps], ["WORKDIR", "COPY", "RUN", "COPY"])
        self.assertEqual([s.cached for s in steps], [True, True, False, True])
        self.assertEqual(steps[2].stage, "build 5/5")

    def test_buildkit_08_cached_without_name(self):
        steps = {s.text: s.cached for s in h.parse_steps(PLAIN_08)}
        self.assertEqual(steps, {"COPY package.json install.js ./": True, "RUN node install.js": True,
                                 "COPY . .": False, "WORKDIR /usr/src/app": True})

    def test_internal_and_from_are_not_steps(self):
        texts = [s.text for s in h.parse_steps(PLAIN_013)]
        self.assertFalse(any(t.startswith(("FROM", "load")) for t in texts))


def cfg(**config):
    hist = config.pop("history", [{"created_by": "RUN x", "empty_layer": False}])
    return {"architecture": "amd64", "os": "linux", "config": config, "history": hist,
            "rootfs": {"type": "layers", "diff_ids": ["sha256:a"]}}


class CompareConfigs(unittest.TestCase):
    def test_equal_and_empty_values_match(self):
        self.assertEqual(h.compare_configs(cfg(Env=["A=1"], Volumes=None), cfg(Env=["A=1"], Volumes={})), [])

    def test_field_difference_is_reported(self):
        diffs = h.compare_configs(cfg(User="app"), cfg(User="root"))
        self.assertEqual(len(diffs), 1)
        self.assertIn("config.User", diffs[0])
        self.assertIn('"app"', diffs[0])

    def test_history_difference_shows_a_diff(self):
        a = cfg(history=[{"created_by": "RUN a"}, {"created_by": "ENV x", "empty_layer": True}])
        b = cfg(history=[{"created_by": "RUN a"}, {"created_by": "ENV x"}])
        diffs = h.compare_configs(a, b)
        self.assertEqual(len(diffs), 1)
        self.assertIn("-(empty) ENV x", diffs[0])
        self.assertIn("+(layer) ENV x", diffs[0])


class CompareTrees(unittest.TestCase):
    base = {"/": {"type": "dir", "mode": "0755", "uid": 0, "gid": 0},
            "/a": {"type": "file", "mode": "0644", "uid": 0, "gid": 0, "size": 1, "sha256": "x"}}

    def test_identical(self):
        self.assertEqual(h.compare_trees(self.base, dict(self.base)), [])

    def test_missing_extra_and_changed(self):
        other = {"/": self.base["/"], "/a": {**self.base["/a"], "mode": "0600"},
                 "/b": {"type": "symlink", "mode": "0777", "uid": 0, "gid": 0, "link": "a"}}
        diffs = h.compare_trees(self.base, other)
        self.assertEqual(diffs, ["differs:         /a (mode: 0644 -> 0600)",
                                 "only in ours:    /b [symlink 0777 0:0 -> a]"])

    def test_limit(self):
        many = {f"/f{i}": {"type": "file", "mode": "0644", "uid": 0, "gid": 0} for i in range(50)}
        diffs = h.compare_trees({}, many, limit=5)
        self.assertEqual(len(diffs), 6)
        self.assertEqual(diffs[-1], "... and 45 more")


class Expectations(unittest.TestCase):
    def test_present_absent_config(self):
        case = h.Case("t", h.EXAMPLES, present={"/a": {"mode": "0600"}, "/missing": {}}, absent=["/"],
                      config={"User": "app", "Labels": {"k": "v"}})
        problems = h.expectations(case, cfg(User="root", Labels={"k": "w"}), CompareTrees.base)
        self.assertEqual(problems, ["/a: mode is '0644', expected '0600'", "expected /missing in the image",
                                    "/ must not be in the image", 'config.User is "root", expected "app"',
                                    "label k='w', expected 'v'"])


class Frontends(unittest.TestCase):
    def test_args(self):
        self.assertEqual(h.BUILTIN.args(), [])
        self.assertEqual(h.Frontend("rustfront:dev").args(), ["--build-arg", "BUILDKIT_SYNTAX=rustfront:dev"])
        self.assertEqual(h.Frontend("rustfront:dev", via_arg=False).args(), [])


class Normalisations(unittest.TestCase):
    trixie = [n for n in h.NORMALISATIONS if n.daemon == "trixie"]

    def test_every_normalisation_is_explained(self):
        for n in h.NORMALISATIONS:
            self.assertIn(n.daemon, ("trixie", "bookworm"))
            self.assertEqual(n.field, "history")
            self.assertGreater(len(n.why), 40, n.name)

    def test_expose_map_is_the_port_list(self):
        used = []
        a = ["(empty) EXPOSE map[7070/tcp:{} 8080/tcp:{} 9090/udp:{}]"]
        b = ["(empty) EXPOSE [8080/tcp 9090/udp 7070/tcp]"]
        self.assertEqual(h.normalise_history(a, b, self.trixie, {}, used), b)
        self.assertEqual(used, ["EXPOSE map[...]"])

    def test_expose_other_ports_or_layer_flag_stay_different(self):
        a = ["(empty) EXPOSE map[80/tcp:{}]"]
        for b in (["(empty) EXPOSE [81/tcp]"], ["(layer) EXPOSE [80/tcp]"], ["(empty) EXPOSE [80/tcp 80/udp]"]):
            self.assertEqual(h.normalise_history(a, b, self.trixie, {}, []), a, b)

    def test_arg_effective_value(self):
        cases = [  # (builtin, 1.20 form, build args, same?)
            ("ARG VERSION=dev", "ARG VERSION=1.2.3", {"VERSION": "1.2.3"}, True),
            ("ARG VERSION=dev", "ARG VERSION=1.2.4", {"VERSION": "1.2.3"}, False),
            ("ARG VERSION=dev", "ARG VERSION=dev", {}, True),
            ("ARG VERSION=dev", "ARG VERSION=other", {}, False),
            ("ARG BASE", "ARG BASE=busybox:local", {}, True),
            ("ARG BASE", "ARG BASE", {}, True),
            ("ARG A=${B}", "ARG A=expanded", {}, True),
            ("ARG TARGETPLATFORM BUILDPLATFORM", "ARG TARGETPLATFORM=linux/amd64 BUILDPLATFORM=linux/amd64", {}, True),
            ("ARG A B", "ARG B=1 A=2", {}, False),
            ("ARG A=1", "ARG A", {}, False),
        ]
        for old, new, args, same in cases:
            got = h.normalise_history(["(empty) " + old], ["(empty) " + new], self.trixie, args, [])
            self.assertEqual(got == ["(empty) " + new], same, (old, new, args))

    def test_run_build_args_of_the_base_stage(self):
        cases = [  # (builtin, 1.20 form, same?)
            ("RUN /bin/sh -c x", "RUN |2 BASE=b FLAVOUR=spicy /bin/sh -c x", True),
            ("RUN |1 OWN=1 /bin/sh -c x", "RUN |2 BASE=b OWN=1 /bin/sh -c x", True),
            ("RUN /bin/sh -c x", "RUN |1 BASE=b /bin/sh -c y", False),
            ("RUN |1 OWN=1 /bin/sh -c x", "RUN |2 OWN=1 BASE=b /bin/sh -c x", False),
            ("RUN |1 OWN=1 /bin/sh -c x", "RUN |1 OWN=2 /bin/sh -c x", False),
        ]
        for old, new, same in cases:
            got = h.normalise_history(["(layer) " + old], ["(layer) " + new], self.trixie, {}, [])
            self.assertEqual(got == ["(layer) " + new], same, (old, new))

    def test_compare_configs_reports_what_it_used(self):
        a = cfg(history=[{"created_by": "EXPOSE map[80/tcp:{}]", "empty_layer": True}])
        b = cfg(history=[{"created_by": "EXPOSE [80/tcp]", "empty_layer": True}])
        used = []
        self.assertEqual(h.compare_configs(a, b, self.trixie, used), [])
        self.assertEqual(used, ["EXPOSE map[...]"])
        self.assertEqual(len(h.compare_configs(a, b)), 1)  # no normalisation unless asked


class FailuresAndSecrets(unittest.TestCase):
    def harness(self, frontend_a="builtin"):
        hs = h.Harness(h.parse_args(["--frontend", "rustfront:dev", "--frontend-a", frontend_a]))
        self.addCleanup(shutil.rmtree, hs.tmp, True)
        return hs

    def test_expected_failure_most_specific_key_wins(self):
        hs = self.harness()
        case = h.Case("t", h.EXAMPLES, fails={"any": "generic", "builtin@bookworm": "old", "dockerfile": "new"})
        daemons = h.known_daemons()
        self.assertEqual(hs.expected_failure(case, daemons["bookworm"], h.BUILTIN), "old")
        self.assertEqual(hs.expected_failure(case, daemons["trixie"], h.BUILTIN), "generic")
        self.assertEqual(hs.expected_failure(case, daemons["trixie"], h.Frontend("x")), "new")
        self.assertIsNone(hs.expected_failure(h.Case("u", h.EXAMPLES), daemons["trixie"], h.BUILTIN))

    def test_upstream_image_as_side_a_is_not_normalised(self):
        d = h.known_daemons()["trixie"]
        self.assertTrue(self.harness().normalisations(d, h.BUILTIN, h.Frontend("rustfront:dev")))
        oracle = self.harness("dockerfile:1.20")
        self.assertEqual(oracle.side_a.kind, "dockerfile")
        self.assertEqual(oracle.normalisations(d, oracle.side_a, oracle.frontend), [])
        self.assertEqual(self.harness().normalisations(h.known_daemons()["bookworm"], h.BUILTIN,
                                                       h.Frontend("rustfront:dev")), [])

    def test_never_in_image(self):
        case = h.Case("t", h.EXAMPLES, never_in_image=["s3cret"])
        tree = {"/a": {"type": "file", "contains": ["s3cret"]}, "/b": {"type": "file"}}
        self.assertEqual(h.expectations(case, cfg(Env=["X=s3cret"]), tree),
                         ["/a contains 's3cret'", "the image config (or its history) contains 's3cret'"])
        self.assertEqual(h.expectations(case, cfg(), {"/b": {"type": "file"}}), [])

    def test_placeholders(self):
        self.assertEqual(h.PLACEHOLDER_RE.findall("FROM r@{{BUSYBOX_DIGEST}}\nCOPY --from=x@{{A_B}} / /"),
                         ["BUSYBOX_DIGEST", "A_B"])


class Cases(unittest.TestCase):
    def test_examples_start_with_the_header_and_cases_have_none(self):
        for case in h.cases():
            text = (case.ctx / "Dockerfile").read_text()
            if case.ctx.parent == h.EXAMPLES:
                self.assertEqual(text.splitlines()[0], f"# syntax={h.HEADER_IMAGE}", case.ctx)
                self.assertNotIn("# syntax=", h.without_syntax(case.ctx / "Dockerfile").lower(), case.ctx)
            else:
                self.assertNotIn("# syntax=", text.lower(), case.ctx)

    def test_without_syntax_keeps_the_line_numbers(self):
        import tempfile
        from pathlib import Path
        with tempfile.TemporaryDirectory() as td:
            df = Path(td) / "Dockerfile"
            df.write_text("# escape=`\n# Syntax = org/rustfront\n# a comment\nFROM scratch\n")
            self.assertEqual(h.without_syntax(df), "# escape=`\n#\n# a comment\nFROM scratch\n")
            df.write_text("# a comment\n# syntax=org/rustfront\nFROM scratch\n")  # not a directive any more
            self.assertIsNone(h.without_syntax(df))
            df.write_text("FROM scratch\n")
            self.assertIsNone(h.without_syntax(df))

    def test_fail_keys_and_lines(self):
        for case in h.cases():
            for key in case.fails:
                kind, _, daemon = key.partition("@")
                self.assertIn(kind, ("builtin", "dockerfile", "any"), (case.name, key))
                self.assertIn(daemon, ("", "trixie", "bookworm"), (case.name, key))
            if case.fail_line:
                lines = (case.ctx / "Dockerfile").read_text().splitlines()
                self.assertTrue(lines[case.fail_line - 1].startswith(("RUN", "COPY", "ADD", "FROM")),
                                (case.name, case.fail_line))


if __name__ == "__main__":
    unittest.main()
