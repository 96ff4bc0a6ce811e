//! INCLUDE through planning and dispatch: references per file, global ARG rules, error and op
//! locations in the included file.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::convert::{ConvertOptions, Converted, Plan, ResolvedImage, convert_with_includes};
use crate::dockerfile::{self, Dockerfile};
use crate::instructions::include::Includes;
use crate::llb::{self, MarshalOptions};

const BASE: &str = r#"{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"]},
  "rootfs":{"type":"layers","diff_ids":["sha256:11"]}}"#;

fn load(main: &str, files: &[(&str, &str)]) -> Result<(Dockerfile, Includes), String> {
    let files: BTreeMap<&str, &str> = files.iter().copied().collect();
    let parsed = dockerfile::parse(main.as_bytes()).map_err(|e| e.to_string())?;
    let mut includes = Includes::default();
    includes
        .resolve(&parsed, |p| {
            files
                .get(p)
                .map(|t| t.as_bytes().to_vec())
                .ok_or_else(|| "no such file".to_string())
        })
        .map_err(|e| includes.located(&e))?;
    Ok((parsed, includes))
}

fn options(main: &str, build_args: &[(&str, &str)]) -> ConvertOptions {
    ConvertOptions {
        build_args: build_args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..ConvertOptions::new(
            "Dockerfile",
            main.as_bytes(),
            llb::Platform::new("linux", "amd64"),
        )
    }
}

fn plan(main: &str, files: &[(&str, &str)], args: &[(&str, &str)]) -> Result<Plan, String> {
    let (parsed, includes) = load(main, files)?;
    Plan::with_includes(&parsed, &includes, &options(main, args)).map_err(|e| includes.located(&e))
}

fn convert(main: &str, files: &[(&str, &str)], args: &[(&str, &str)]) -> Result<Converted, String> {
    let (parsed, includes) = load(main, files)?;
    convert_with_includes(&parsed, &includes, &options(main, args), |_| {
        ResolvedImage {
            digest: String::new(),
            config: Some(BASE.as_bytes().to_vec()),
        }
    })
    .map_err(|e| includes.located(&e))
}

fn ops(c: &Converted) -> Vec<Value> {
    let def = llb::marshal(c.state.as_ref(), &MarshalOptions::default()).unwrap_or_default();
    llb::describe(&def).as_array().cloned().unwrap_or_default()
}

fn base(p: &Plan, index: usize) -> String {
    format!("{:?}", p.stages[index].base)
}

const LIB: &str = "FROM busybox AS build\nRUN make\nFROM build AS app\n\
                   COPY --from=build /a /a\nCOPY --from=0 /b /b\n";

#[test]
fn an_included_file_names_its_own_stages() -> Result<(), String> {
    let p = plan(
        "FROM alpine AS build\nINCLUDE lib.df AS p\nFROM p.app\nCOPY --from=p.build / /\n",
        &[("lib.df", LIB)],
        &[],
    )?;
    let names: Vec<String> = (0..4).map(|i| p.stages[i].display_name(i)).collect();
    assert_eq!(names, ["build", "p.build", "p.app", "stage-3"]);
    // `FROM build`, `--from=build` and `--from=0` in lib.df: its own `build`, not the main one.
    assert_eq!(base(&p, 2), "Stage(1)");
    assert_eq!(p.stages[2].sources, [vec![1], vec![1]]);
    assert_eq!(base(&p, 3), "Stage(2)");
    assert_eq!(p.stages[3].sources, [vec![1]]);
    assert_eq!(p.reachable, [1, 2, 3]);
    // `--target p.build` works as for any stage.
    let (parsed, includes) = load("INCLUDE lib.df AS p\n", &[("lib.df", LIB)])?;
    let opts = ConvertOptions {
        target: Some("p.build".into()),
        ..options("", &[])
    };
    let t = Plan::with_includes(&parsed, &includes, &opts).map_err(|e| e.to_string())?;
    assert_eq!((t.target, t.reachable.clone()), (0, vec![0]));
    Ok(())
}

#[test]
fn without_a_prefix_an_included_file_still_sees_only_its_own_stages() -> Result<(), String> {
    let p = plan(
        "FROM alpine AS tools\nINCLUDE lib.df\n",
        &[("lib.df", "FROM tools AS app\n")],
        &[],
    )?;
    assert_eq!(
        base(&p, 1),
        "Image(\"docker.io/library/tools:latest\")",
        "the includer's stage is not visible in the included file"
    );
    Ok(())
}

#[test]
fn global_args_of_an_included_file() -> Result<(), String> {
    let main = "ARG VERSION=1.0\nARG SHARED\nINCLUDE lib.df AS l\nFROM alpine:${OTHER:-none}\n";
    let lib = "ARG VERSION=0.1\nARG OTHER=o\nARG SHARED=lib\n\
               FROM alpine:$VERSION-$OTHER-$SHARED AS a\nARG VERSION\nRUN echo $VERSION\n";
    let files = [("lib.df", lib)];
    let p = plan(main, &files, &[])?;
    // The includer's global ARG wins over the included default; one without value does not.
    assert_eq!(base(&p, 0), "Image(\"docker.io/library/alpine:1.0-o-lib\")");
    // The included file's global ARGs are not visible to the includer's FROM lines.
    assert_eq!(base(&p, 1), "Image(\"docker.io/library/alpine:none\")");
    assert!(!p.meta_args.contains_key("OTHER"));
    assert_eq!(
        p.meta_args_for(1).get("OTHER").map(String::as_str),
        Some("o")
    );
    // Build args win over both.
    let p = plan(main, &files, &[("VERSION", "2"), ("OTHER", "x")])?;
    assert_eq!(base(&p, 0), "Image(\"docker.io/library/alpine:2-x-lib\")");
    // The included stage's `ARG VERSION` takes its file's global value.
    let (parsed, includes) = load(main, &files)?;
    let opts = ConvertOptions {
        target: Some("l.a".into()),
        ..options(main, &[])
    };
    let c = convert_with_includes(&parsed, &includes, &opts, |_| ResolvedImage {
        digest: String::new(),
        config: Some(BASE.as_bytes().to_vec()),
    })
    .map_err(|e| e.to_string())?;
    let envs: Vec<Value> = ops(&c)
        .into_iter()
        .filter(|o| o["op"] == "exec")
        .map(|o| o["exec"]["env"].clone())
        .collect();
    assert!(
        envs.iter().any(|e| e
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v == "VERSION=1.0"))),
        "{envs:?}"
    );
    Ok(())
}

#[test]
fn errors_and_ops_point_into_the_included_file() -> Result<(), String> {
    let err = plan(
        "INCLUDE lib/a.df AS a\n",
        &[("lib/a.df", "FROM alpine\nCOPY --from=nope/ /x /x\n")],
        &[],
    )
    .err();
    assert!(
        err.as_deref()
            .is_some_and(|e| e.starts_with("lib/a.df:2: ")),
        "{err:?}"
    );
    let err = convert(
        "FROM alpine\nRUN true\nINCLUDE lib/a.df AS a\n",
        &[("lib/a.df", "\nFROM alpine\nRUN --mount=type=bogus true\n")],
        &[],
    )
    .err();
    assert!(
        err.as_deref()
            .is_some_and(|e| e.starts_with("lib/a.df:3: ")),
        "{err:?}"
    );

    let c = convert(
        "FROM alpine AS base\nRUN true\nINCLUDE lib/a.df AS a\nFROM a.app\nCOPY --from=base / /\n",
        &[("lib/a.df", "\nFROM alpine AS app\nRUN make\n")],
        &[],
    )?;
    let run = ops(&c)
        .into_iter()
        .find(|o| o["name"] == "[a.app 2/2] RUN make")
        .ok_or("no RUN make op")?;
    assert_eq!(
        run["locations"],
        serde_json::json!([{"file": "lib/a.df", "lines": [[3, 3]]}])
    );
    let def =
        llb::marshal(c.state.as_ref(), &MarshalOptions::default()).map_err(|e| e.to_string())?;
    let mut infos: Vec<String> = def
        .source
        .map(|s| s.infos.into_iter().map(|i| i.filename).collect())
        .unwrap_or_default();
    // One source per file.
    infos.sort();
    assert_eq!(infos, ["Dockerfile", "lib/a.df"]);
    Ok(())
}

#[test]
fn a_global_arg_of_an_included_file_selects_its_own_stage() -> Result<(), String> {
    let lib = "ARG SRC=one\nFROM busybox AS one\nFROM busybox AS two\n\
               FROM busybox AS app\nCOPY --from=${SRC} / /\n";
    let p = plan("INCLUDE lib.df AS p\n", &[("lib.df", lib)], &[])?;
    assert_eq!(p.stages[2].sources, [vec![0]]);
    let p = plan(
        "INCLUDE lib.df AS p\n",
        &[("lib.df", lib)],
        &[("SRC", "two")],
    )?;
    assert_eq!(p.stages[2].sources, [vec![1]]);
    let c = convert(
        "INCLUDE lib.df AS p\n",
        &[("lib.df", lib)],
        &[("SRC", "two")],
    )?;
    assert!(
        ops(&c)
            .iter()
            .any(|o| o["name"] == "[p.app 2/2] COPY --from=two / /"),
        "{:?}",
        ops(&c)
            .iter()
            .map(|o| o["name"].clone())
            .collect::<Vec<_>>()
    );
    Ok(())
}
