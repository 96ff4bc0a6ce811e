"""Unit tests for the pure parts of e2e/harness.py (no daemon needed):
python3 -m unittest discover -s e2e -p 'test_*.py'"""

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


class Cases(unittest.TestCase):
    def test_every_case_has_a_dockerfile_without_syntax_line(self):
        for case in h.cases():
            text = (case.ctx / "Dockerfile").read_text()
            self.assertNotIn("# syntax=", text.lower(), case.ctx)


if __name__ == "__main__":
    unittest.main()
