//! The plan: targets, pruning, ARG scoping, stage references, implicit image stages.

use super::*;
use crate::dockerfile;

fn plan_with(text: &str, opts: ConvertOptions) -> Result<Plan, ConvertError> {
    let parsed = dockerfile::parse(text.as_bytes())?;
    Plan::new(&parsed, &opts)
}

fn plan(text: &str) -> Result<Plan, ConvertError> {
    plan_with(text, ConvertOptions::default())
}

fn names(plan: &Plan, indexes: &[usize]) -> Vec<String> {
    indexes
        .iter()
        .map(|&i| plan.stages[i].display_name(i))
        .collect()
}

#[test]
fn the_target_and_what_it_needs() -> Result<(), ConvertError> {
    let text = "FROM alpine AS base\nFROM base AS build\nRUN make\n\
                FROM alpine AS unused\nFROM scratch AS final\nCOPY --from=build /out /out\n";
    let p = plan(text)?;
    assert_eq!(p.target, 3);
    assert_eq!(names(&p, &p.reachable), ["base", "build", "final"]);
    assert_eq!(p.stages[1].base, Base::Stage(0));
    assert_eq!(p.stages[3].base, Base::Scratch);
    let only_build = plan_with(
        text,
        ConvertOptions {
            target: Some("BUILD".into()),
            ..ConvertOptions::default()
        },
    )?;
    assert_eq!(names(&only_build, &only_build.reachable), ["base", "build"]);
    let missing = plan_with(
        text,
        ConvertOptions {
            target: Some("nope".into()),
            ..ConvertOptions::default()
        },
    );
    assert_eq!(
        missing.map(|_| ()).map_err(|e| e.message),
        Err("target stage \"nope\" could not be found".into())
    );
    Ok(())
}

#[test]
fn global_args_feed_from_and_platform() -> Result<(), ConvertError> {
    let text = "ARG TAG=3.20\nARG BASE=alpine:${TAG}\nARG TARGETARCH\n\
                FROM --platform=$BUILDPLATFORM ${BASE} AS b\nFROM busybox:$TARGETARCH\n";
    let p = plan(text)?;
    assert_eq!(p.meta_args["BASE"], "alpine:3.20");
    // An ARG without value keeps the predefined value.
    assert_eq!(p.meta_args["TARGETARCH"], "amd64");
    assert_eq!(p.meta_args["TARGETSTAGE"], "default");
    assert_eq!(
        p.stages[0].base,
        Base::Image("docker.io/library/alpine:3.20".into())
    );
    assert_eq!(
        p.stages[1].base,
        Base::Image("docker.io/library/busybox:amd64".into())
    );
    assert!(p.stages[0].platform.is_some());
    let overridden = plan_with(
        text,
        ConvertOptions {
            build_args: [("TAG".to_string(), "edge".to_string())].into(),
            ..ConvertOptions::default()
        },
    )?;
    assert_eq!(overridden.meta_args["BASE"], "alpine:edge");
    Ok(())
}

#[test]
fn stage_references_by_name_index_and_image() -> Result<(), ConvertError> {
    let p = plan(
        "FROM alpine AS Builder\nFROM alpine\nCOPY --from=BUILDER /a /a\n\
         COPY --from=0 /b /b\nCOPY --from=busybox:1.36 /c /c\n\
         RUN --mount=from=busybox:1.36,target=/m true\n",
    )?;
    // Each image reference gets an implicit stage of its own, as upstream.
    assert_eq!(p.stages.len(), 4);
    assert!(p.stages[2].implicit && p.stages[3].implicit);
    assert_eq!(p.stages[1].sources, [vec![0], vec![0], vec![2], vec![3]]);
    assert_eq!(p.stages[2].location.map(|s| s.start.line), Some(5));
    assert_eq!(p.stages[3].location, None);
    assert!(!p.single_state);
    Ok(())
}

#[test]
fn later_stage_names_hide_earlier_ones() -> Result<(), ConvertError> {
    let p = plan("FROM alpine AS x\nFROM busybox AS x\nFROM x\nCOPY --from=x /a /a\n")?;
    assert_eq!(p.stages[2].base, Base::Stage(1));
    assert_eq!(p.stages[2].sources[0], [1]);
    Ok(())
}

#[test]
fn stage_reference_errors_name_the_line() {
    let err = |text: &str| plan(text).map(|_| ()).map_err(|e| (e.line(), e.message));
    // Only what the target needs is checked (upstream too): here the last stage.
    assert_eq!(
        err("FROM alpine\nCOPY --from=later /a /a\nFROM alpine AS later\n"),
        Ok(())
    );
    assert_eq!(
        err("FROM alpine\nCOPY --from=later /a /a\nFROM alpine AS later\nFROM scratch\nCOPY --from=0 / /\n"),
        Err((
            2,
            "cannot copy from stage \"later\", it needs to be defined before current stage \"stage-0\"".into()
        ))
    );
    assert_eq!(
        err("FROM alpine AS a\nCOPY --from=a /a /a\n"),
        Err((2, "circular dependency detected on stage: a".into()))
    );
    assert_eq!(
        err("FROM alpine\nCOPY --from=7 /a /a\n"),
        Err((2, "invalid stage index 7".into()))
    );
    assert_eq!(
        err("ARG EMPTY\nFROM $EMPTY\n"),
        Err((2, "base name ($EMPTY) should not be blank".into()))
    );
}

#[test]
fn single_state_builds_have_no_stage_names() -> Result<(), ConvertError> {
    assert!(plan("FROM alpine\nRUN true\n")?.single_state);
    // A mount without `from` counts as a state of its own upstream.
    assert!(!plan("FROM alpine\nRUN --mount=type=cache,target=/c true\n")?.single_state);
    Ok(())
}

#[test]
fn onbuild_triggers_of_a_base_stage_are_dependencies() -> Result<(), ConvertError> {
    let p = plan(
        "FROM alpine AS src\nFROM alpine AS base\nONBUILD COPY --from=src /x /x\n\
         FROM base\nRUN true\n",
    )?;
    assert_eq!(p.stages[2].trigger_sources, [vec![0]]);
    assert_eq!(names(&p, &p.reachable), ["src", "base", "stage-2"]);
    // Reached only through the trigger: upstream counts its FROM twice.
    assert_eq!(p.stages[0].first_step, 1);
    Ok(())
}

#[test]
fn image_requests_are_per_reference_and_platform() -> Result<(), ConvertError> {
    let p = plan(
        "FROM alpine AS a\nFROM alpine AS b\nFROM --platform=linux/arm64 alpine AS c\n\
         FROM scratch\nCOPY --from=a / /a\nCOPY --from=b / /b\nCOPY --from=c / /c\n",
    )?;
    let requests: Vec<String> = p
        .image_requests()
        .iter()
        .map(|r| format!("{} {}", r.reference, r.platform))
        .collect();
    assert_eq!(
        requests,
        [
            "docker.io/library/alpine:latest linux/amd64",
            "docker.io/library/alpine:latest linux/arm64"
        ]
    );
    Ok(())
}
