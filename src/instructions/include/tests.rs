use super::*;

/// Files of a build context, in memory.
pub(crate) fn context(files: &[(&str, &str)]) -> impl FnMut(&str) -> Result<Vec<u8>, String> {
    let files: BTreeMap<String, Vec<u8>> = files
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
    move |path| {
        files
            .get(path)
            .cloned()
            .ok_or_else(|| "no such file".to_string())
    }
}

fn resolve(main: &str, files: &[(&str, &str)]) -> Result<(Dockerfile, Includes), String> {
    let parsed = dockerfile::parse(main.as_bytes()).map_err(|e| e.to_string())?;
    let mut includes = Includes::default();
    includes
        .resolve(&parsed, context(files))
        .map_err(|e| includes.located(&e))?;
    Ok((parsed, includes))
}

fn composed(main: &str, files: &[(&str, &str)]) -> Result<Composed, String> {
    let (parsed, includes) = resolve(main, files)?;
    compose(&parsed, &includes, &mut Linter::default()).map_err(|e| includes.located(&e))
}

fn names(c: &Composed) -> Vec<String> {
    c.stages
        .iter()
        .map(|s| s.name.clone().unwrap_or_else(|| "-".into()))
        .collect()
}

#[test]
fn included_stages_take_the_place_of_the_line_with_their_prefix() -> Result<(), String> {
    let c = composed(
        "FROM alpine AS first\nINCLUDE lib/go.Dockerfile AS go\nFROM go.build AS final\n",
        &[(
            "lib/go.Dockerfile",
            "ARG GO=1.22\nFROM golang:$GO AS build\nRUN make\nFROM build AS test\nFROM scratch\n",
        )],
    )?;
    assert_eq!(names(&c), ["first", "go.build", "go.test", "-", "final"]);
    assert_eq!(c.stage_files, [0, 1, 1, 1, 0]);
    assert_eq!(c.files[1].prefix, "go.");
    assert_eq!(c.files[1].meta_args.len(), 1);
    assert!(c.files[0].meta_args.is_empty());
    assert_eq!(c.files[0].stages, [0, 1, 2, 3, 4]);
    assert_eq!(c.files[1].stages, [1, 2, 3]);
    // The included file's spans point into it.
    assert_eq!(c.stages[1].source.span.file, 1);
    assert_eq!(c.stages[1].source.span.start.line, 2);
    assert!(c.in_scope(1, 2) && !c.in_scope(1, 4) && c.in_scope(0, 2));
    Ok(())
}

#[test]
fn without_as_the_names_stay_and_nested_prefixes_add_up() -> Result<(), String> {
    let c = composed(
        "INCLUDE a.Dockerfile AS x\nINCLUDE ./b.Dockerfile\n",
        &[
            (
                "a.Dockerfile",
                "INCLUDE lib/c.Dockerfile AS y\nFROM y.base AS top\n",
            ),
            ("b.Dockerfile", "FROM alpine AS plain\n"),
            ("lib/c.Dockerfile", "FROM alpine AS base\n"),
        ],
    )?;
    assert_eq!(names(&c), ["x.y.base", "x.top", "plain"]);
    assert_eq!(c.stage_files, [2, 1, 3]);
    assert_eq!(c.files[2].parent, Some(1));
    Ok(())
}

#[test]
fn a_cycle_names_both_include_lines() {
    let err = resolve(
        "INCLUDE a.df\n",
        &[
            ("a.df", "ARG X\nINCLUDE b.df\nFROM alpine\n"),
            ("b.df", "\n\nINCLUDE ./lib/../a.df\n"),
        ],
    )
    .err();
    assert_eq!(
        err.as_deref(),
        Some("b.df:3: INCLUDE cycle: a.df includes itself (it is included at Dockerfile:1)")
    );
    let itself = resolve("INCLUDE a.df AS a\n", &[("a.df", "INCLUDE a.df AS a\n")]).err();
    assert_eq!(
        itself.as_deref(),
        Some("a.df:1: INCLUDE cycle: a.df includes itself (it is included at Dockerfile:1)")
    );
}

#[test]
fn a_stage_name_two_files_define_is_an_error_naming_both() {
    let err = composed(
        "FROM alpine AS p.build\nINCLUDE a.df AS p\n",
        &[("a.df", "FROM busybox AS other\nFROM busybox AS build\n")],
    )
    .err();
    assert_eq!(
        err.as_deref(),
        Some("a.df:2: stage name \"p.build\" is already defined at Dockerfile:1")
    );
    let err = composed(
        "INCLUDE a.df\nFROM alpine AS build\n",
        &[("a.df", "FROM busybox AS build\n")],
    )
    .err();
    assert_eq!(
        err.as_deref(),
        Some("Dockerfile:2: stage name \"build\" is already defined at a.df:1")
    );
    // Within one file a later stage hides an earlier one, as upstream.
    assert!(composed("FROM a AS x\nFROM b AS x\n", &[]).is_ok());
}

#[test]
fn errors_point_into_the_included_file() {
    let err = |main: &str, files: &[(&str, &str)]| composed(main, files).err();
    assert_eq!(
        err("INCLUDE a.df\n", &[("a.df", "FROM alpine\nBOGUS x\n")]).as_deref(),
        Some("a.df:2: unknown instruction: BOGUS")
    );
    assert_eq!(
        err("INCLUDE a.df\n", &[("a.df", "FROM alpine\nRUN <<EOF\n")]).as_deref(),
        Some("a.df:2: unterminated heredoc")
    );
    assert_eq!(
        err("FROM alpine\nINCLUDE missing.df\n", &[]).as_deref(),
        Some("Dockerfile:2: failed to read included file missing.df: no such file")
    );
    assert_eq!(
        err("# escape=`\nINCLUDE a.df\n", &[("a.df", "FROM alpine\n")]).as_deref(),
        Some(
            "Dockerfile:2: a.df uses the escape character '\\\\', the file that includes it '`': they must be the same"
        )
    );
}

#[test]
fn include_lines_are_checked() {
    let err = |main: &str| composed(main, &[("a", "FROM alpine\n")]).err();
    assert_eq!(
        err("FROM alpine\nINCLUDE a\nRUN true\n").as_deref(),
        Some(
            "Dockerfile:3: RUN after INCLUDE belongs to no stage: after the first FROM, INCLUDE must be followed by FROM, INCLUDE or the end of the file"
        )
    );
    assert_eq!(
        err("INCLUDE ../a\n").as_deref(),
        Some("Dockerfile:1: invalid INCLUDE path \"../a\": it names a file in the build context")
    );
    assert_eq!(
        err("INCLUDE a AS 1x\n").as_deref(),
        Some(
            "Dockerfile:1: invalid INCLUDE prefix \"1x\": like a stage name, it starts with a letter and has only letters, digits, '-', '_' and '.'"
        )
    );
    assert_eq!(
        err("INCLUDE --x a\n").as_deref(),
        Some("Dockerfile:1: INCLUDE takes no flags, got --x")
    );
    assert_eq!(
        err("INCLUDE a b\n").as_deref(),
        Some("Dockerfile:1: INCLUDE requires a path, optionally followed by AS <prefix>")
    );
    // Global ARGs may follow an INCLUDE before the first FROM; a prefix is lower-cased.
    assert!(err("INCLUDE /a AS P\nARG X\nFROM p.stage-0\n").is_none());
    // ONBUILD INCLUDE is no INCLUDE: it stays an unknown instruction, as upstream.
    let parsed = dockerfile::parse(b"FROM a\nONBUILD INCLUDE x\n").map(|d| include_lines(&d));
    assert!(matches!(parsed, Ok(Ok(lines)) if lines.is_empty()));
}

#[test]
fn includes_not_read_are_an_error_not_silence() {
    let parsed = dockerfile::parse(b"INCLUDE a\nFROM alpine\n").map_err(|e| e.to_string());
    let err = parsed.map(|p| {
        compose(&p, &Includes::default(), &mut Linter::default())
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    assert_eq!(
        err,
        Ok(Err(
            "Dockerfile:1: INCLUDE a: included files were not read for this conversion".into()
        ))
    );
}

#[test]
fn paths_are_cleaned_within_the_context() {
    assert_eq!(clean_path("./a//b/../c").as_deref(), Some("a/c"));
    assert_eq!(clean_path("/x").as_deref(), Some("x"));
    assert_eq!(clean_path("a/../.."), None);
    assert_eq!(clean_path("."), None);
}
