//! Dispatch: what each instruction leaves in the image config and history, how ARG/ENV are
//! scoped, how steps are named, and what the build context sends.

use serde_json::{Value, json};

use crate::convert::{ConvertError, ConvertOptions, Converted, ResolvedImage, convert_dockerfile};
use crate::dockerfile;
use crate::llb::{self, MarshalOptions};

/// A base image config with a PATH and a working directory.
const BASE: &str = r#"{"architecture":"amd64","os":"linux",
  "config":{"Env":["PATH=/usr/bin:/bin","LANG=C"],"WorkingDir":"/srv","OnBuild":["RUN echo trigger"]},
  "rootfs":{"type":"layers","diff_ids":["sha256:11"]},"history":[{"created_by":"base"}]}"#;

fn convert_with(text: &str, opts: ConvertOptions) -> Result<Converted, ConvertError> {
    let parsed = dockerfile::parse(text.as_bytes())?;
    let opts = ConvertOptions {
        source: ConvertOptions::new("Dockerfile", text.as_bytes(), opts.build_platform.clone())
            .source,
        ..opts
    };
    convert_dockerfile(&parsed, &opts, |_| ResolvedImage {
        digest: String::new(),
        config: Some(BASE.as_bytes().to_vec()),
    })
}

fn convert(text: &str) -> Result<Converted, ConvertError> {
    convert_with(text, ConvertOptions::default())
}

fn history(c: &Converted) -> Vec<String> {
    c.image
        .history
        .iter()
        .map(|h| h.created_by.clone())
        .collect()
}

/// The ops of the result as `rustfront debug llb` shows them.
fn ops(c: &Converted) -> Vec<Value> {
    let def = llb::marshal(c.state.as_ref(), &MarshalOptions::default()).unwrap_or_default();
    llb::describe(&def).as_array().cloned().unwrap_or_default()
}

fn exec_envs(c: &Converted) -> Vec<Value> {
    ops(c)
        .into_iter()
        .filter(|o| o["op"] == "exec")
        .map(|o| o["exec"]["env"].clone())
        .collect()
}

#[test]
fn arg_and_env_scoping() -> Result<(), ConvertError> {
    let c = convert_with(
        "ARG V=global\nFROM busybox\nARG V\nARG W=${V}-w\nENV E=$W\nRUN true\n",
        ConvertOptions {
            build_args: [("UNUSED".to_string(), "x".to_string())].into(),
            ..ConvertOptions::default()
        },
    )?;
    // The base's ONBUILD trigger runs first.
    assert_eq!(
        history(&c)[1..],
        [
            "RUN /bin/sh -c echo trigger # buildkit",
            "ARG V=global",
            "ARG W=global-w",
            "ENV E=global-w",
            "RUN |2 V=global W=global-w /bin/sh -c true # buildkit",
        ]
    );
    // ARGs reach the RUN's environment, after the image's own variables.
    assert_eq!(
        exec_envs(&c).last(),
        Some(&json!([
            "PATH=/usr/bin:/bin",
            "LANG=C",
            "V=global",
            "W=global-w",
            "E=global-w"
        ]))
    );
    assert_eq!(
        c.image.config.env,
        ["PATH=/usr/bin:/bin", "LANG=C", "E=global-w"]
    );
    Ok(())
}

#[test]
fn base_image_config_and_triggers() -> Result<(), ConvertError> {
    let c = convert("FROM busybox\nWORKDIR app\nRUN pwd\n")?;
    assert_eq!(c.image.config.working_dir, "/srv/app");
    // The base's trigger runs first and is not inherited.
    assert!(c.image.config.on_build.is_empty());
    let names: Vec<Value> = ops(&c).into_iter().map(|o| o["name"].clone()).collect();
    assert!(
        names.contains(&json!("[2/4] ONBUILD RUN echo trigger")),
        "{names:?}"
    );
    assert!(names.contains(&json!("[4/4] RUN pwd")), "{names:?}");
    Ok(())
}

#[test]
fn context_paths_are_narrowed_after_dispatch() -> Result<(), ConvertError> {
    let local = |c: &Converted| {
        ops(c)
            .into_iter()
            .find(|o| o["source"]["identifier"] == "local://context")
            .map(|o| o["source"]["attrs"]["local.followpaths"].clone())
    };
    let c =
        convert("FROM busybox\nCOPY go.mod go.sum ./\nRUN --mount=source=src,target=/s true\n")?;
    assert_eq!(local(&c), Some(json!(r#"["go.mod","go.sum","src"]"#)));
    // The whole context: no follow paths.
    let all = convert("FROM busybox\nCOPY . .\n")?;
    assert_eq!(local(&all), Some(Value::Null));
    // No context use: no context source at all.
    assert_eq!(local(&convert("FROM busybox\nRUN true\n")?), None);
    Ok(())
}

#[test]
fn source_date_epoch_dates_history_and_workdirs() -> Result<(), ConvertError> {
    let c = convert_with(
        "FROM busybox\nWORKDIR /w\n",
        ConvertOptions {
            epoch: Some(1_700_000_000),
            ..ConvertOptions::default()
        },
    )?;
    assert!(
        c.image
            .history
            .iter()
            .skip(1)
            .all(|h| h.created.as_deref() == Some("2023-11-14T22:13:20Z"))
    );
    let mkdir = ops(&c)
        .into_iter()
        .find(|o| o["op"] == "file")
        .map(|o| o["file"]["actions"][0]["timestamp"].clone());
    assert_eq!(mkdir, Some(json!(1_700_000_000_000_000_000i64)));
    Ok(())
}

#[test]
fn instruction_errors_name_their_line() {
    let err = |text: &str| convert(text).map(|_| ()).map_err(|e| (e.line(), e.message));
    assert_eq!(
        err("FROM busybox\nSTOPSIGNAL FOO\n"),
        Err((2, "invalid signal: FOO".into()))
    );
    assert_eq!(
        err("FROM scratch\nRUN --mount=type=bind,source=x ls\n"),
        Err((2, "invalid mount target \"/\"".into()))
    );
    assert_eq!(
        err("FROM busybox\nRUN --mount=type=ssh,source=x ls\n"),
        Err((2, "ssh does not support source".into()))
    );
    assert_eq!(
        err("FROM busybox\nCOPY --chmod=999 a /a\n"),
        Err((
            2,
            "invalid chmod parameter: '999'. it should be octal string and between 0 and 07777"
                .into()
        ))
    );
}

/// Options for a daemon like BuildKit 0.8 (no merge op).
fn buildkit_0_8(build_args: &[(&str, &str)]) -> ConvertOptions {
    ConvertOptions {
        llb_caps: Some(["source.image", "exec.meta.base"].into_iter().collect()),
        build_args: build_args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..ConvertOptions::default()
    }
}

#[test]
fn arg_history_follows_the_daemons_builtin() -> Result<(), ConvertError> {
    let text =
        "FROM busybox AS base\nARG BASE\nARG V=dev\nFROM base\nARG V\nRUN true\nARG V\nRUN true\n";
    let args = [("BASE", "b"), ("V", "1.2")];
    // 1.20: the values taken, the base stage's ARGs in RUN, each ARG once.
    let new = convert_with(
        text,
        ConvertOptions {
            build_args: buildkit_0_8(&args).build_args,
            ..ConvertOptions::default()
        },
    )?;
    assert_eq!(
        history(&new)[2..],
        [
            "ARG BASE=b",
            "ARG V=1.2",
            "ARG V=1.2",
            "RUN |2 BASE=b V=1.2 /bin/sh -c true # buildkit",
            "ARG V=1.2",
            "RUN |2 BASE=b V=1.2 /bin/sh -c true # buildkit",
        ]
    );
    // BuildKit 0.8's builtin: ARGs as written, only the stage's own, each declaration.
    let old = convert_with(text, buildkit_0_8(&args))?;
    assert_eq!(
        history(&old)[2..],
        [
            "ARG BASE",
            "ARG V=dev",
            "ARG V",
            "RUN |1 V=1.2 /bin/sh -c true # buildkit",
            "ARG V",
            "RUN |2 V=1.2 V=1.2 /bin/sh -c true # buildkit",
        ]
    );
    Ok(())
}

#[test]
fn a_resolved_digest_replaces_the_one_written() -> Result<(), ConvertError> {
    let digest = format!("sha256:{}", "a".repeat(64));
    let text = format!(
        "FROM localhost:5000/busybox:1@sha256:{}\nRUN true\n",
        "b".repeat(64)
    );
    let parsed = dockerfile::parse(text.as_bytes())?;
    let opts = ConvertOptions::new(
        "Dockerfile",
        text.as_bytes(),
        ConvertOptions::default().build_platform,
    );
    let c = convert_dockerfile(&parsed, &opts, |_| ResolvedImage {
        digest: digest.clone(),
        config: Some(BASE.as_bytes().to_vec()),
    })?;
    let image = ops(&c)
        .into_iter()
        .find(|o| o["op"] == "source")
        .map(|o| o["source"]["identifier"].clone());
    assert_eq!(
        image,
        Some(json!(format!(
            "docker-image://localhost:5000/busybox:1@{digest}"
        )))
    );
    Ok(())
}

#[test]
fn run_no_cache_reaches_every_step_that_uses_its_result() -> Result<(), ConvertError> {
    let c = convert(
        "FROM busybox AS a\nRUN echo 1\nRUN --no-cache date > /d\nRUN echo 2\n\
         FROM busybox AS b\nRUN echo b\n\
         FROM a AS child\nRUN echo child\n\
         FROM busybox\nRUN echo c\nCOPY --from=a /d /d\nRUN echo after\nCOPY --from=b / /b\n\
         RUN --mount=from=child,target=/m true\n",
    )?;
    let mut ignored: Vec<(String, bool)> = ops(&c)
        .into_iter()
        .filter(|o| o["op"] == "exec" || o["op"] == "file")
        .filter_map(|o| {
            let name = o["name"].as_str()?.to_string();
            Some((name, o["ignore_cache"].as_bool()?))
        })
        .filter(|(name, _)| !name.contains("ONBUILD"))
        .collect();
    ignored.sort();
    assert_eq!(
        ignored,
        [
            // The base image's ONBUILD trigger is step 2 of each image stage.
            ("[a 3/5] RUN echo 1", false),
            ("[a 4/5] RUN --no-cache date > /d", true),
            ("[a 5/5] RUN echo 2", true),
            ("[b 3/3] RUN echo b", false),
            ("[child 1/1] RUN echo child", true),
            ("[stage-3 3/7] RUN echo c", false),
            ("[stage-3 4/7] COPY --from=a /d /d", true),
            ("[stage-3 5/7] RUN echo after", true),
            ("[stage-3 6/7] COPY --from=b / /b", true),
            ("[stage-3 7/7] RUN --mount=from=child,target=/m true", true),
        ]
        .map(|(n, i)| (n.to_string(), i))
    );
    // Without the flag nothing ignores the cache.
    let plain = convert("FROM busybox\nRUN --no-cache=false date\n")?;
    assert!(ops(&plain).iter().all(|o| o["ignore_cache"] != true));
    Ok(())
}

fn with_dockerignore(patterns: &[&str]) -> ConvertOptions {
    ConvertOptions {
        excludes: patterns.iter().map(|p| p.to_string()).collect(),
        ..ConvertOptions::default()
    }
}

fn warnings(c: &Converted) -> Vec<String> {
    c.warnings.iter().map(crate::lint::Warning::short).collect()
}

#[test]
fn copy_ignored_file_as_upstream_documents_it() -> Result<(), ConvertError> {
    // docs/rules/copy-ignored-file.md: `.dockerignore` holds `*/tmp/*`.
    let opts = || with_dockerignore(&["*/tmp/*"]);
    let bad = "# check=experimental=CopyIgnoredFile\nFROM scratch\nCOPY ./tmp/helloworld.txt /helloworld.txt\n";
    assert_eq!(
        warnings(&convert_with(bad, opts())?),
        [
            "CopyIgnoredFile: Attempting to Copy file \"./tmp/helloworld.txt\" that is excluded by .dockerignore (line 3)"
        ]
    );
    let good = "# check=experimental=CopyIgnoredFile\nFROM scratch\nCOPY ./forever/helloworld.txt /helloworld.txt\n";
    assert!(warnings(&convert_with(good, opts())?).is_empty());
    // Experimental: off unless asked for.
    let off = "FROM scratch\nCOPY ./tmp/helloworld.txt /helloworld.txt\n";
    assert!(warnings(&convert_with(off, opts())?).is_empty());
    Ok(())
}

#[test]
fn copy_ignored_file_as_upstreams_integration_test_has_it() -> Result<(), ConvertError> {
    // dockerfile_lint_test.go testCopyIgnoredFiles: `.dockerignore` holds `Dockerfile`; ADD
    // says "Add"; `skip=all` does not turn experimental rules off.
    for check in [
        "experimental=CopyIgnoredFile",
        "skip=all;experimental=CopyIgnoredFile",
    ] {
        let text =
            format!("# check={check}\nFROM scratch\nCOPY Dockerfile .\nADD Dockerfile /windy\n");
        assert_eq!(
            warnings(&convert_with(&text, with_dockerignore(&["Dockerfile"]))?),
            [
                "CopyIgnoredFile: Attempting to Copy file \"Dockerfile\" that is excluded by .dockerignore (line 3)",
                "CopyIgnoredFile: Attempting to Add file \"Dockerfile\" that is excluded by .dockerignore (line 4)",
            ]
        );
    }
    // Copies from a stage are not checked; `!` exceptions count.
    let text = "# check=experimental=all\nFROM scratch AS base\nCOPY keep.log /foobar\nFROM base\nCOPY --from=base /foobar /x.log\nCOPY a.log /\n";
    assert_eq!(
        warnings(&convert_with(
            text,
            with_dockerignore(&["*.log", "foobar", "!keep.log"])
        )?),
        [
            "CopyIgnoredFile: Attempting to Copy file \"a.log\" that is excluded by .dockerignore (line 6)"
        ]
    );
    Ok(())
}

/// The copy actions of the result, as `debug llb` shows them.
fn copies(c: &Converted) -> Vec<Value> {
    ops(c)
        .into_iter()
        .filter(|o| o["op"] == "file")
        .flat_map(|o| o["file"]["actions"].as_array().cloned().unwrap_or_default())
        .filter(|a| a["action"] == "copy")
        .collect()
}

#[test]
fn copy_parents_and_exclude() -> Result<(), ConvertError> {
    let c = convert(
        "FROM busybox\nCOPY --parents --exclude=*.md --chown=1:2 src/./app/main.go x/*/y /dst/\n",
    )?;
    let actions = copies(&c);
    assert_eq!(actions[0]["src"], "/src");
    assert_eq!(actions[0]["include_patterns"], json!(["app/main.go"]));
    assert_eq!(actions[0]["required_paths"], json!(["/src/app/main.go"]));
    assert_eq!(actions[1]["src"], "/");
    assert_eq!(actions[1]["include_patterns"], json!(["x/*/y"]));
    assert_eq!(
        actions[1].get("required_paths"),
        None,
        "wildcards: nothing required"
    );
    for copy in &actions {
        assert_eq!(copy["exclude_patterns"], json!(["*.md"]));
    }
    // Upstream's history: `--parents` before `--chown`, no `--exclude`.
    assert_eq!(
        history(&c).last().map(String::as_str),
        Some("COPY --parents --chown=1:2 src/./app/main.go x/*/y /dst/ # buildkit")
    );
    // ADD --exclude reaches every source, heredocs included.
    let c = convert("FROM busybox\nADD --exclude=*.tmp a <<EOF /dst/\nhi\nEOF\n")?;
    let actions = copies(&c);
    assert_eq!(actions.len(), 2);
    for copy in &actions {
        assert_eq!(copy["exclude_patterns"], json!(["*.tmp"]));
    }
    Ok(())
}

#[test]
fn copy_parents_and_exclude_need_a_daemon_that_filters_copies() {
    for line in [
        "COPY --parents a/b /dst/",
        "COPY --exclude=*.md . /dst/",
        "ADD --exclude=*.md . /dst/",
    ] {
        let text = format!("FROM busybox\n{line}\n");
        let err = convert_with(&text, buildkit_0_8(&[]))
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("Dockerfile:2")
                && e.contains("needs a BuildKit that filters copies")),
            "{line}: {err:?}"
        );
    }
}

fn with_contexts(pairs: &[(&str, &str)]) -> ConvertOptions {
    ConvertOptions {
        named_contexts: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..ConvertOptions::default()
    }
}

fn source_named<'a>(all: &'a [Value], identifier: &str) -> Option<&'a Value> {
    all.iter().find(|o| o["source"]["identifier"] == identifier)
}

#[test]
fn a_named_context_replaces_the_image_a_from_names() -> Result<(), ConvertError> {
    let c = convert_with(
        "FROM alpine\nRUN true\n",
        with_contexts(&[("alpine", "docker-image://127.0.0.1:5000/base:1")]),
    )?;
    let all = ops(&c);
    // Not pinned, named after the context, on the stage's platform; no Dockerfile location.
    let image = source_named(&all, "docker-image://127.0.0.1:5000/base:1");
    let image = image.ok_or_else(|| ConvertError::message(format!("{all:?}")))?;
    assert_eq!(image["name"], "[context alpine] 127.0.0.1:5000/base:1");
    assert_eq!(image["platform"], "linux/amd64");
    assert!(source_named(&all, "docker-image://docker.io/library/alpine:latest").is_none());
    // The FROM is step 1 even though it shows no name; the image config is inherited, its
    // ONBUILD trigger included.
    let names: Vec<Value> = all.iter().map(|o| o["name"].clone()).collect();
    assert!(
        names.contains(&json!("[2/3] ONBUILD RUN echo trigger")),
        "{names:?}"
    );
    assert!(names.contains(&json!("[3/3] RUN true")), "{names:?}");
    assert_eq!(c.image.config.working_dir, "/srv");
    Ok(())
}

#[test]
fn a_stage_with_a_named_context_is_not_built() -> Result<(), ConvertError> {
    let text = "FROM busybox AS deps\nRUN make deps\nFROM scratch\nCOPY --from=deps /x /x\n";
    let c = convert_with(text, with_contexts(&[("deps", "local:vendored")]))?;
    let all = ops(&c);
    assert!(all.iter().all(|o| o["op"] != "exec"), "{all:?}");
    let local = source_named(&all, "local://vendored");
    let local = local.ok_or_else(|| ConvertError::message(format!("{all:?}")))?;
    assert_eq!(local["name"], "[context deps] load from client");
    assert_eq!(
        local["source"]["attrs"]["local.sharedkeyhint"],
        "context:deps"
    );
    // Only what is copied from it is sent; no placeholder is left.
    assert_eq!(local["source"]["attrs"]["local.followpaths"], r#"["x"]"#);
    assert!(local["source"]["attrs"]["local.unique"].is_null());
    Ok(())
}

#[test]
fn named_context_lookups_follow_upstream() -> Result<(), ConvertError> {
    // The platform-qualified key wins; `scratch` is never replaced; an unused context is not
    // loaded; a RUN on a local context sends all of it.
    let c = convert_with(
        "FROM scratch AS s\nFROM src AS build\nRUN ls\nFROM s\nCOPY --from=build / /\n",
        with_contexts(&[
            ("src", "local:one"),
            ("src::linux/amd64", "local:two"),
            ("scratch", "docker-image://busybox"),
            ("unused", "docker-image://never"),
        ]),
    )?;
    let all = ops(&c);
    let two = source_named(&all, "local://two");
    let two = two.ok_or_else(|| ConvertError::message(format!("{all:?}")))?;
    assert!(two["source"]["attrs"]["local.followpaths"].is_null());
    assert!(source_named(&all, "local://one").is_none());
    assert!(
        all.iter()
            .all(|o| o["source"]["identifier"] != "docker-image://docker.io/library/busybox:latest")
    );
    // Bad values are errors naming the line that uses them.
    let bad = convert_with("FROM base\n", with_contexts(&[("base", "nonsense")]));
    let message = bad.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("invalid context specifier nonsense for base"),
        "{message}"
    );
    Ok(())
}

#[test]
fn git_and_http_contexts_as_upstream_loads_them() -> Result<(), ConvertError> {
    let c = convert_with(
        "FROM scratch\nCOPY --from=repo /README /\nCOPY --from=file /f /f\n",
        with_contexts(&[
            ("repo", "https://example.invalid/org/repo.git#v1:docs"),
            ("file", "https://example.invalid/f.tar.gz"),
        ]),
    )?;
    let all = ops(&c);
    let git = source_named(&all, "git://example.invalid/org/repo.git#v1:docs");
    let git = git.ok_or_else(|| ConvertError::message(format!("{all:?}")))?;
    assert_eq!(
        git["name"],
        "[internal] load git source https://example.invalid/org/repo.git#v1:docs"
    );
    let http = source_named(&all, "https://example.invalid/f.tar.gz");
    let http = http.ok_or_else(|| ConvertError::message(format!("{all:?}")))?;
    assert_eq!(
        http["name"],
        "[context file] https://example.invalid/f.tar.gz"
    );
    assert!(http["platform"].is_null());
    Ok(())
}
