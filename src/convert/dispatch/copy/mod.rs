//! COPY and ADD (upstream's `dispatchCopy` in `dockerfile2llb/convert.go`): a file op whose
//! actions copy every source (context or stage paths, URLs, git repositories, heredocs) to the
//! destination, and each flag's effect on it (one module per flag, [`ConvertFileFlag`]).

mod checksum;
mod chmod;
mod chown;
mod exclude;
mod from;
mod keep_git_dir;
mod link;
mod parents;
mod unpack;

use super::StageRun;
use super::run::INLINE_DOCUMENT;
use crate::convert::ConvertError;
use crate::convert::contexts::git_unsupported;
use crate::dockerfile::Span;
use crate::instructions::{
    AddCommand, AddFlags, CopyCommand, CopyFlags, GitSource, SourcesAndDest, parse_git_ref,
};
use crate::lint::rules;
use crate::llb::{self, Chown, Copy, FileOp, Git, Http, Mkfile, OpMeta, Output};
use crate::shell;

/// What a COPY/ADD flag does to its step.
trait ConvertFileFlag {
    /// Records the flag's effect in `step` (or refuses it, naming the step's lines).
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        step: &mut CopyStep<'_>,
    ) -> Result<(), ConvertError>;
}

impl StageRun<'_, '_> {
    pub(super) fn copy(&mut self, c: &CopyCommand) -> Result<(), ConvertError> {
        let mut step = CopyStep::new("COPY", &c.source.code, c.source.span, &c.sources);
        // Every flag; a new one fails to compile here until it is converted. The order is
        // upstream's: it is the order of the flags in the history.
        let CopyFlags {
            exclude,
            parents,
            chown,
            from,
            chmod,
            link,
        } = &c.flags;
        from.apply(self, &mut step)?;
        parents.apply(self, &mut step)?;
        chown.apply(self, &mut step)?;
        chmod.apply(self, &mut step)?;
        link.apply(self, &mut step)?;
        exclude.apply(self, &mut step)?;
        self.copy_files(step)
    }

    pub(super) fn add(&mut self, a: &AddCommand) -> Result<(), ConvertError> {
        let mut step = CopyStep::new("ADD", &a.source.code, a.source.span, &a.sources);
        let AddFlags {
            exclude,
            chown,
            chmod,
            link,
            keep_git_dir,
            checksum,
            unpack,
        } = &a.flags;
        chown.apply(self, &mut step)?;
        chmod.apply(self, &mut step)?;
        link.apply(self, &mut step)?;
        keep_git_dir.apply(self, &mut step)?;
        checksum.apply(self, &mut step)?;
        unpack.apply(self, &mut step)?;
        exclude.apply(self, &mut step)?;
        self.copy_files(step)
    }

    /// One COPY/ADD: a file op whose actions copy every source to the destination, each on
    /// the result of the one before. With `--link` (and a daemon with merge ops, and no
    /// `--chmod`) the copies go onto scratch and are merged onto the stage, as upstream does.
    fn copy_files(&mut self, step: CopyStep<'_>) -> Result<(), ConvertError> {
        let err = |m: String| ConvertError::at(step.span, m);
        let is_add = step.keyword == "ADD";
        let dest = copy_dest(&self.s.dir, &step.sources.dest.text);
        let paths = &step.sources.source_paths;
        let mut checksum = step.checksum.clone();
        let link = step.link;

        let display = self.display_name(step.shown.as_deref().unwrap_or(step.code), false);
        let name = self.next_step(&display);
        let mut meta = self
            .d
            .located(name.clone(), step.span)
            .ignore_cache(self.ignore_cache);
        let group = link.then(|| progress_group_id(&name, step.span));
        if let Some(id) = &group {
            meta = meta.progress_group(id.clone(), name.clone(), true);
        }
        // Sources fetched for this step show under its name, without a location.
        let source_meta = || OpMeta::new().custom_name(name.clone());

        let base = if link { None } else { self.s.state.clone() };
        let mut op = FileOp::new(base);
        for src in paths {
            let copy = match parse_git_ref(&src.text) {
                GitSource::Invalid(message) => return Err(err(message)),
                GitSource::Git(git) => {
                    if !is_add {
                        return Err(err("source can't be a git ref for COPY".into()));
                    }
                    let keep_git_dir = match (step.keep_git_dir, git.keep_git_dir) {
                        (Some(a), Some(b)) if a != b => {
                            return Err(err("inconsistent keep-git-dir configuration".into()));
                        }
                        (flag, query) => query.or(flag).unwrap_or(false),
                    };
                    if let Some(flag) = &checksum {
                        if !git.checksum.is_empty() && *flag != git.checksum {
                            return Err(err(format!(
                                "checksum mismatch {flag:?} != {:?}",
                                git.checksum
                            )));
                        }
                    }
                    if !git.checksum.is_empty() {
                        checksum = Some(git.checksum.clone());
                    }
                    let has_cap = |cap: &str| self.d.opts.has_cap(cap);
                    if let Some(message) = git_unsupported(&git, checksum.is_some(), has_cap) {
                        return Err(err(message));
                    }
                    let mut repo = Git::new(git.remote.clone())
                        .reference(git.reference.clone())
                        .subdir(git.subdir.clone())
                        .meta(source_meta());
                    if keep_git_dir {
                        repo = repo.keep_git_dir();
                    }
                    if let Some(sum) = &checksum {
                        repo = repo.checksum(sum.clone());
                    }
                    if git.submodules == Some(false) {
                        repo = repo.skip_submodules();
                    }
                    let copy = Copy {
                        create_dest_path: true,
                        ..Copy::new("/", dest.clone())
                    };
                    (Some(repo.build()), copy)
                }
                GitSource::NotGit if is_http(&src.text) => {
                    if !is_add {
                        return Err(err("source can't be a URL for COPY".into()));
                    }
                    let filename = url_filename(&src.text);
                    let mut http = Http::new(src.text.clone()).filename(filename.clone());
                    if let Some(sum) = &checksum {
                        http = http.checksum(sum.clone());
                    }
                    let meta = source_meta().description(llb::DOCKERFILE_COMMAND_KEY, "");
                    let copy = Copy {
                        create_dest_path: true,
                        // Downloads are unpacked only when asked to.
                        attempt_unpack: step.unpack.unwrap_or(false),
                        ..Copy::new(format!("/{filename}"), dest.clone())
                    };
                    (Some(http.meta(meta).build()), copy)
                }
                GitSource::NotGit => {
                    let from_state = match &step.from {
                        CopySource::Context => {
                            self.check_ignored(&step, &src.text);
                            self.use_context(&src.text);
                            Some(self.d.context.clone())
                        }
                        CopySource::Stage(state, index) => {
                            self.d.use_stage_path(*index, &src.text);
                            state.clone()
                        }
                    };
                    let copy = if step.parents {
                        parents::local_copy(&src.text, dest.clone())
                    } else {
                        Copy::dockerfile(llb::clean_path(&format!("/{}", src.text)), dest.clone())
                    };
                    let copy = Copy {
                        attempt_unpack: step.unpack.unwrap_or(is_add),
                        ..copy
                    };
                    (from_state, copy)
                }
            };
            let (from_state, copy) = copy;
            let download = is_http(&src.text);
            op = op.copy(
                from_state,
                Copy {
                    mode: step
                        .mode
                        .filter(|_| !(download && self.like_buildkit_0_8())),
                    symbolic_mode: step.symbolic_mode.clone(),
                    owner: step.owner.clone(),
                    exclude_patterns: step.excludes.clone(),
                    ..copy
                },
            );
        }
        let mut contents = step.sources.source_contents.clone();
        for content in &mut contents {
            if content.expand {
                let expanded = shell::expand_heredoc(&content.data, &self.s.env)
                    .map_err(|e| ConvertError::caused_by(step.span, e))?;
                let unset: Vec<String> = expanded
                    .used
                    .into_iter()
                    .filter(|v| self.s.env.get(v).is_none())
                    .collect();
                self.undefined_vars(unset, step.span);
                content.data = expanded.text;
            }
            let doc = FileOp::new(None)
                .mkfile(Mkfile {
                    mode: 0o644,
                    ..Mkfile::new(
                        format!("/{}", content.path),
                        content.data.clone().into_bytes(),
                    )
                })
                .meta(OpMeta::new().custom_name(INLINE_DOCUMENT))
                .build()
                .map_err(|e| ConvertError::caused_by(step.span, e))?;
            op = op.copy(
                Some(doc),
                Copy {
                    mode: step.mode,
                    symbolic_mode: step.symbolic_mode.clone(),
                    owner: step.owner.clone(),
                    create_dest_path: true,
                    exclude_patterns: step.excludes.clone(),
                    ..Copy::new(format!("/{}", content.path), dest.clone())
                },
            );
        }
        let copied = op
            .meta(meta)
            .build()
            .map_err(|e| ConvertError::caused_by(step.span, e))?;
        self.s.state = match group {
            Some(id) => {
                // The merge shares the step number: `[2/3] LINK COPY --link …`.
                let link_name = self.steps.same(&format!("LINK {display}"));
                let merge_meta = self
                    .d
                    .located(link_name, step.span)
                    .ignore_cache(self.ignore_cache)
                    .progress_group(id, name, false);
                llb::merge([self.s.state.clone(), Some(copied)], merge_meta)
            }
            None => Some(copied),
        };

        let mut history = step.keyword.to_string();
        for flag in &step.history_flags {
            history.push_str(&format!(" {flag}"));
        }
        for src in paths {
            history.push_str(&format!(" {}", src.text));
        }
        for content in &step.sources.source_contents {
            history.push_str(&format!(" <<{}", content.path));
        }
        history.push_str(&format!(" {}", step.sources.dest.text));
        self.commit(history, true);
        Ok(())
    }

    /// CopyIgnoredFile (experimental): a context source that `.dockerignore` excludes. As
    /// upstream, the source is matched as written (not cleaned).
    fn check_ignored(&mut self, step: &CopyStep<'_>, src: &str) {
        if !self.d.lint.runs(&rules::COPY_IGNORED_FILE) {
            return;
        }
        let Some(matcher) = &self.d.ignore else {
            return;
        };
        if matcher.matches_or_parent_matches(src) {
            let command = if step.keyword == "ADD" { "Add" } else { "Copy" };
            self.d.lint.report(
                &rules::COPY_IGNORED_FILE,
                step.span,
                rules::copy_ignored_file(command, src),
            );
        }
    }
}

/// A progress-group id for a `COPY --link` step: upstream draws a random one; a name derived
/// from the step keeps our LLB reproducible.
fn progress_group_id(name: &str, span: Span) -> String {
    let digest = llb::digest_of(format!("{}:{name}", span.start.line).as_bytes());
    digest.trim_start_matches("sha256:")[..25].to_string()
}

/// One COPY or ADD as its flags shape it (upstream's `copyConfig`).
struct CopyStep<'a> {
    keyword: &'static str,
    code: &'a str,
    /// The code as the progress name shows it, when a flag rewrites it (`--from=${ARG}`).
    shown: Option<String>,
    span: Span,
    sources: &'a SourcesAndDest,
    /// Where path sources come from (`--from`).
    from: CopySource,
    /// `--chown`.
    owner: Option<Chown>,
    /// `--chmod` as written, when given and not empty.
    chmod: Option<String>,
    /// `--chmod` when octal.
    mode: Option<u32>,
    /// `--chmod` when symbolic.
    symbolic_mode: Option<String>,
    /// `--link`, where the daemon can merge and no `--chmod` is given.
    link: bool,
    /// `ADD --unpack`: `None` unpacks local archives (ADD only) but not downloads.
    unpack: Option<bool>,
    /// `ADD --checksum` of the one URL or git source.
    checksum: Option<String>,
    /// `ADD --keep-git-dir`.
    keep_git_dir: Option<bool>,
    /// `COPY --parents`.
    parents: bool,
    /// `--exclude`, on every copy action.
    excludes: Vec<String>,
    /// Flags shown in the history after the keyword (`--parents`, `--chown=…`, `--chmod=…`).
    history_flags: Vec<String>,
}

impl<'a> CopyStep<'a> {
    fn new(keyword: &'static str, code: &'a str, span: Span, sources: &'a SourcesAndDest) -> Self {
        CopyStep {
            keyword,
            code,
            shown: None,
            span,
            sources,
            from: CopySource::Context,
            owner: None,
            chmod: None,
            mode: None,
            symbolic_mode: None,
            link: false,
            unpack: None,
            checksum: None,
            keep_git_dir: None,
            parents: false,
            excludes: Vec::new(),
            history_flags: Vec::new(),
        }
    }

    /// `flag` (`--parents`, `--exclude`) filters what is copied: refused, naming the step,
    /// on a daemon that would ignore the filter and copy everything.
    fn require_filtering(&self, run: &StageRun<'_, '_>, flag: &str) -> Result<(), ConvertError> {
        let cap = llb::caps::FILE_COPY_INCLUDE_EXCLUDE_PATTERNS;
        if run.d.opts.has_cap(cap) {
            return Ok(());
        }
        Err(ConvertError::at(
            self.span,
            format!(
                "{} {flag} needs a BuildKit that filters copies (cap {cap}, BuildKit 0.9 or later)",
                self.keyword
            ),
        ))
    }
}

enum CopySource {
    Context,
    /// A stage's (or image's) result, and the stage's index.
    Stage(Option<Output>, usize),
}

/// COPY/ADD destination against the working directory, as upstream computes it: `.` and an
/// empty destination mean the directory itself (`<dir>/`), a trailing `/` or `/.` survives.
fn copy_dest(dir: &str, dest: &str) -> String {
    let dest = if dest.is_empty() || dest == "." {
        "./"
    } else {
        dest
    };
    llb::resolve_path(dir, dest, true)
}

/// An `http(s)://` source (upstream's `isHTTPSource`).
fn is_http(src: &str) -> bool {
    src.starts_with("http://") || src.starts_with("https://")
}

/// The file name a download is saved as: the last element of the URL path, or `__unnamed__`.
fn url_filename(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .split_once('/')
        .map_or("", |(_, path)| path);
    match path.trim_end_matches('/').rsplit('/').next() {
        Some(name) if !name.is_empty() && name != "." => name.to_string(),
        _ => "__unnamed__".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_destinations() {
        assert_eq!(copy_dest("/app", "."), "/app/");
        assert_eq!(copy_dest("/app", "./"), "/app/");
        assert_eq!(copy_dest("/app", "sub/"), "/app/sub/");
        assert_eq!(copy_dest("/app", "/abs/x/"), "/abs/x/");
        assert_eq!(copy_dest("/app", ""), "/app/");
        assert_eq!(copy_dest("/", "a"), "/a");
    }

    #[test]
    fn url_sources() {
        assert_eq!(
            url_filename("https://example.invalid/a/b.tar.gz?x=1#y"),
            "b.tar.gz"
        );
        assert_eq!(url_filename("http://example.invalid/dir/"), "dir");
        assert_eq!(url_filename("http://example.invalid/"), "__unnamed__");
        assert_eq!(url_filename("http://example.invalid"), "__unnamed__");
        assert!(is_http("https://example.invalid/file.txt"));
        assert!(!is_http("HTTPS://example.invalid/file.txt"));
        assert!(!is_http("./file.txt"));
    }
}
