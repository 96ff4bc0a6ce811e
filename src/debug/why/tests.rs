use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::convert::{self, ConvertOptions, ResolvedImage};
use crate::dockerfile;
use crate::llb::{MarshalOptions, Platform};

fn side<'a>(definition: &'a pb::Definition, target: &'a str) -> Side<'a> {
    Side { definition, target }
}

fn definition(text: &str, build_args: &[(&str, &str)]) -> pb::Definition {
    let parsed = dockerfile::parse(text.as_bytes()).expect("parses");
    let opts = ConvertOptions {
        build_args: build_args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..ConvertOptions::new(
            "Dockerfile",
            text.as_bytes(),
            Platform::new("linux", "amd64"),
        )
    };
    let converted = convert::convert_dockerfile(&parsed, &opts, |_| ResolvedImage::default())
        .expect("converts");
    llb::marshal(converted.state.as_ref(), &MarshalOptions::default()).expect("marshals")
}

struct Mem(BTreeMap<String, Vec<u8>>);

impl Mem {
    fn new(files: &[(&str, &str)]) -> Mem {
        Mem(files
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect())
    }
}

impl ContextTree for Mem {
    fn files(&self) -> Result<BTreeSet<String>, String> {
        Ok(self.0.keys().cloned().collect())
    }
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.0.get(path).cloned().ok_or_else(|| path.to_string())
    }
}

fn miss<'r>(report: &'r Report, stage: &str) -> Option<&'r Miss> {
    report
        .stages
        .iter()
        .find(|s| s.stage == stage)
        .unwrap_or_else(|| panic!("stage {stage} in {report:?}"))
        .first_miss
        .as_ref()
}

const APP: &str = "\
ARG BASE=busybox:1
FROM ${BASE} AS build
WORKDIR /src
COPY go.mod ./
COPY *.go ./
ARG VERSION=dev
RUN build --version ${VERSION}
FROM busybox:1 AS runtime
COPY --from=build /out/app /app
RUN echo ready
";

#[test]
fn the_same_file_is_all_cached() {
    let d = definition(APP, &[]);
    let report = why(side(&d, "runtime"), side(&d, "runtime"), None);
    assert_eq!(report.stages.len(), 2);
    assert!(
        report.stages.iter().all(|s| s.first_miss.is_none()),
        "{report:?}"
    );
    assert!(
        report
            .to_text()
            .contains("stage build: cached (all 5 steps reused)")
    );
}

#[test]
fn an_edited_source_file_misses_at_the_copy_that_reads_it() {
    let d = definition(APP, &[]);
    let old = Mem::new(&[("go.mod", "module x"), ("main.go", "v1"), ("README", "a")]);
    let new = Mem::new(&[("go.mod", "module x"), ("main.go", "v2"), ("README", "b")]);
    let report = why(
        side(&d, "runtime"),
        side(&d, "runtime"),
        Some(Contexts {
            old: &old,
            new: &new,
        }),
    );
    let m = miss(&report, "build").expect("build misses");
    assert_eq!((m.step, m.line), (4, Some(5)));
    assert_eq!(
        m.cause,
        Cause::ContextFiles {
            paths: vec!["main.go".into()]
        }
    );
    let m = miss(&report, "runtime").expect("runtime misses");
    assert_eq!(m.step, 2);
    assert_eq!(
        m.cause,
        Cause::Stage {
            stage: "build".into()
        }
    );
    // a file no step reads changes nothing
    let new = Mem::new(&[("go.mod", "module x"), ("main.go", "v1"), ("README", "b")]);
    let report = why(
        side(&d, "runtime"),
        side(&d, "runtime"),
        Some(Contexts {
            old: &old,
            new: &new,
        }),
    );
    assert!(
        report.stages.iter().all(|s| s.first_miss.is_none()),
        "{report:?}"
    );
}

#[test]
fn a_changed_build_arg_misses_at_the_step_that_uses_it() {
    let old = definition(APP, &[]);
    let new = definition(APP, &[("VERSION", "1.2.3")]);
    let report = why(side(&old, "runtime"), side(&new, "runtime"), None);
    let m = miss(&report, "build").expect("build misses");
    assert_eq!(m.step, 5);
    assert_eq!(
        m.cause,
        Cause::Variables {
            changed: vec![("VERSION".into(), Some("dev".into()), Some("1.2.3".into()))]
        }
    );
    let text = report.to_text();
    assert!(text.contains("VERSION: dev → 1.2.3"), "{text}");
}

#[test]
fn reordered_instructions_miss_at_the_first_moved_step() {
    let reordered = APP.replace(
        "COPY go.mod ./\nCOPY *.go ./\n",
        "COPY *.go ./\nCOPY go.mod ./\n",
    );
    let report = why(
        side(&definition(APP, &[]), "runtime"),
        side(&definition(&reordered, &[]), "runtime"),
        None,
    );
    let m = miss(&report, "build").expect("build misses");
    assert_eq!(m.step, 3);
    assert_eq!(
        m.cause,
        Cause::Instruction {
            old: "COPY go.mod ./".into(),
            new: "COPY *.go ./".into()
        }
    );
}

#[test]
fn a_bumped_base_tag_misses_at_from_and_in_every_stage_built_on_it() {
    let (old, new) = (
        definition(APP, &[]),
        definition(APP, &[("BASE", "busybox:2")]),
    );
    let report = why(side(&old, "runtime"), side(&new, "runtime"), None);
    let m = miss(&report, "build").expect("build misses");
    assert_eq!(m.step, 1);
    assert_eq!(
        m.cause,
        Cause::BaseImage {
            old: "docker.io/library/busybox:1".into(),
            new: "docker.io/library/busybox:2".into()
        }
    );
    assert_eq!(miss(&report, "runtime").map(|m| m.step), Some(2));
}

#[test]
fn a_new_step_and_a_removed_stage_are_named() {
    let old =
        "FROM busybox AS a\nRUN one\nFROM busybox AS gone\nRUN x\nFROM a\nCOPY --from=gone /x /x\n";
    let new = "FROM busybox AS a\nRUN one\nRUN two\n";
    let (old, new) = (definition(old, &[]), definition(new, &[]));
    let report = why(side(&old, "stage-2"), side(&new, "a"), None);
    assert_eq!(
        miss(&report, "a").map(|m| (m.step, m.cause.clone())),
        Some((3, Cause::NewStep))
    );
    assert_eq!(
        report.removed_stages,
        vec!["gone".to_string(), "stage-2".to_string()]
    );
}

#[test]
fn copy_sources_select_files_and_directories() {
    assert!(selects("/*.go", "main.go"));
    assert!(!selects("/*.go", "pkg/main.go"));
    assert!(selects("/pkg", "pkg/a/b.go"));
    assert!(selects("/", "anything/at/all"));
    assert!(selects("/.", "x"));
    assert!(selects("/p?g/*", "pkg/x/y"));
    assert!(!selects("/src/app", "src/application"));
    assert!(glob_match(b"a*b*c", b"axxbyyc"));
    assert!(!glob_match(b"a*b", b"axxbc"));
}
