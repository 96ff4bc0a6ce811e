//! `INCLUDE <path> [AS <prefix>]`: rustfront's opt-in way to compose Dockerfiles. There is no
//! BuildKit counterpart (docker/dockerfile 1.20 stops at the line with `unknown instruction:
//! INCLUDE`; the closest is the third-party dockerfile-plus frontend's `INCLUDE+`, which pastes
//! text). Here the included file keeps its own namespace, global ARGs and source locations.
//!
//! The rules:
//! * INCLUDE is a top-level instruction, before the first FROM or between stages: after the
//!   first FROM it must be followed by FROM, another INCLUDE or the end of the file. Its words
//!   are literal (no variable expansion); it takes no flags.
//! * Paths are relative to the root of the build context, also in included files (`/` and `..`
//!   cannot leave it).
//! * The included stages take the place of the INCLUDE line in the stage list. With `AS p`
//!   each is named `p.<stage>` (nested: `p.q.<stage>`); without, they keep their names. A name
//!   that two files both define is an error naming both files and lines.
//! * Inside an included file, `FROM x`, `COPY --from=x`, `--mount from=x` and `--from=<n>`
//!   resolve among that file's own stages (and those it includes), never the includer's.
//! * Global ARGs (before the first FROM) of an included file are visible to its own FROM lines
//!   and to `ARG name` without a value in its own stages only. Each takes, in this order: the
//!   build arg of that name, the value of the including file's global ARG of that name, its
//!   own default.
//! * An included file must use the escape character of the file that includes it; its
//!   `# syntax=` and `# check=` directives are ignored (the main Dockerfile's apply).
//! * A file that includes itself, directly or through others, is an error naming both INCLUDE
//!   lines.
//!
//! Two steps: [`Includes::resolve`] reads and parses the files (through a closure, so the
//! frontend reads the build context and the CLI a directory) and tags every span with the
//! file's number ([`Span::file`]); [`compose`] turns them into one stage list for the planner.

use std::collections::BTreeMap;

use super::commands::{ArgCommand, Stage};
use super::parse::parse_dockerfile;
use crate::dockerfile::{self, Dockerfile, Error, Node, Span};
use crate::lint::Linter;

/// At most this many included files per build.
pub const MAX_INCLUDED_FILES: usize = 256;

/// One `INCLUDE` line of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncludeLine {
    /// The path in the build context, cleaned (`lib/go.Dockerfile`).
    pub path: String,
    /// The `AS` prefix, lower-cased.
    pub prefix: Option<String>,
    pub span: Span,
    /// How many stages of its file come before it.
    pub position: usize,
}

/// The INCLUDE lines of `dockerfile`, in file order, checked.
pub fn include_lines(dockerfile: &Dockerfile) -> Result<Vec<IncludeLine>, Error> {
    let mut lines = Vec::new();
    let mut stages = 0;
    for (index, node) in dockerfile.nodes.iter().enumerate() {
        match node.keyword.as_str() {
            "from" => stages += 1,
            "include" => {
                let mut line = include_line(node)?;
                line.position = stages;
                let next = dockerfile.nodes.get(index + 1);
                if let Some(next) = next.filter(|n| stages > 0 && !is_stage_boundary(n)) {
                    return Err(Error::at(
                        next.span,
                        format!(
                            "{} after INCLUDE belongs to no stage: after the first FROM, INCLUDE must be followed by FROM, INCLUDE or the end of the file",
                            next.keyword.to_uppercase()
                        ),
                    ));
                }
                lines.push(line);
            }
            _ => {}
        }
    }
    Ok(lines)
}

fn is_stage_boundary(node: &Node) -> bool {
    matches!(node.keyword.as_str(), "from" | "include")
}

fn include_line(node: &Node) -> Result<IncludeLine, Error> {
    if let Some(flag) = node.flags.first() {
        return Err(Error::at(
            node.span,
            format!("INCLUDE takes no flags, got {}", flag.text),
        ));
    }
    let (path, prefix) = match node.args.as_slice() {
        [path] => (path, None),
        [path, as_word, prefix] if as_word.text.eq_ignore_ascii_case("as") => {
            let lower = prefix.text.to_lowercase();
            if !is_valid_prefix(&lower) {
                return Err(Error::at(
                    node.span,
                    format!(
                        "invalid INCLUDE prefix {:?}: like a stage name, it starts with a letter and has only letters, digits, '-', '_' and '.'",
                        prefix.text
                    ),
                ));
            }
            (path, Some(lower))
        }
        _ => {
            return Err(Error::at(
                node.span,
                "INCLUDE requires a path, optionally followed by AS <prefix>",
            ));
        }
    };
    let path = clean_path(&path.text).ok_or_else(|| {
        Error::at(
            node.span,
            format!(
                "invalid INCLUDE path {:?}: it names a file in the build context",
                path.text
            ),
        )
    })?;
    Ok(IncludeLine {
        path,
        prefix,
        span: node.span,
        position: 0,
    })
}

/// Stage-name syntax (upstream's `^[a-z][a-z0-9-_.]*$`), so `p.stage` is a stage name too.
fn is_valid_prefix(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
        && !name.ends_with('.')
}

/// `path` relative to the context root without `.`, `..` or empty parts; `None` when it is
/// empty or leaves the root.
pub fn clean_path(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// A file pulled in by INCLUDE, parsed, its spans tagged with its number.
#[derive(Debug, Clone)]
pub struct IncludedFile {
    /// The path in the build context.
    pub path: String,
    pub data: Vec<u8>,
    pub dockerfile: Dockerfile,
    /// The file whose INCLUDE line names it (0 = the main Dockerfile).
    pub parent: usize,
    /// Which INCLUDE line of the parent that is (0-based).
    pub line: usize,
    /// Where that line is.
    pub at: Span,
    /// The prefix of its stage names (`p.`, `p.q.`, or empty).
    pub prefix: String,
}

/// The files a Dockerfile includes, directly or not; file `n` (as in [`Span::file`]) is
/// `files()[n - 1]`.
#[derive(Debug, Clone)]
pub struct Includes {
    main: String,
    files: Vec<IncludedFile>,
}

impl Default for Includes {
    fn default() -> Self {
        Includes::new("Dockerfile")
    }
}

impl Includes {
    /// No includes yet, for the main Dockerfile shown as `main` (its file name).
    pub fn new(main: &str) -> Self {
        Includes {
            main: main.to_string(),
            files: Vec::new(),
        }
    }

    pub fn files(&self) -> &[IncludedFile] {
        &self.files
    }

    /// Included file `file` (1-based, as in [`Span::file`]).
    pub fn file(&self, file: usize) -> Option<&IncludedFile> {
        file.checked_sub(1).and_then(|i| self.files.get(i))
    }

    /// The name of file `file` for messages: the main Dockerfile's or an included path.
    pub fn name(&self, file: usize) -> &str {
        self.file(file)
            .map_or(self.main.as_str(), |f| f.path.as_str())
    }

    /// `error` formatted with its file's name (`lib/go.Dockerfile:3: …`).
    pub fn located(&self, error: &Error) -> String {
        error.located(self.name(error.file())).to_string()
    }

    /// Reads every file `main` includes, depth first, with `read` (path in the build
    /// context → content). On error, the files read so far stay, so the error's file can be
    /// named.
    pub fn resolve(
        &mut self,
        main: &Dockerfile,
        mut read: impl FnMut(&str) -> Result<Vec<u8>, String>,
    ) -> Result<(), Error> {
        self.files.clear();
        let lines = include_lines(main)?;
        self.visit(0, lines, main.escape, "", &mut Vec::new(), &mut read)
    }

    fn visit(
        &mut self,
        file: usize,
        lines: Vec<IncludeLine>,
        escape: char,
        prefix: &str,
        chain: &mut Vec<usize>,
        read: &mut impl FnMut(&str) -> Result<Vec<u8>, String>,
    ) -> Result<(), Error> {
        for (n, line) in lines.into_iter().enumerate() {
            if let Some(&first) = chain.iter().find(|&&f| self.name(f) == line.path) {
                let (name, at) = self.included_at(first);
                return Err(Error::at(
                    line.span,
                    format!(
                        "INCLUDE cycle: {} includes itself (it is included at {name}:{})",
                        line.path, at.start.line
                    ),
                ));
            }
            if self.files.len() >= MAX_INCLUDED_FILES {
                return Err(Error::at(
                    line.span,
                    format!("more than {MAX_INCLUDED_FILES} included files"),
                ));
            }
            let data = read(&line.path).map_err(|e| {
                Error::at(
                    line.span,
                    format!("failed to read included file {}: {e}", line.path),
                )
            })?;
            let index = self.files.len() + 1;
            let child_prefix = match &line.prefix {
                Some(p) => format!("{prefix}{p}."),
                None => prefix.to_string(),
            };
            let parsed = dockerfile::parse(&data).map_err(|e| e.in_file(index));
            self.files.push(IncludedFile {
                path: line.path.clone(),
                data,
                dockerfile: Dockerfile {
                    directives: Vec::new(),
                    escape,
                    nodes: Vec::new(),
                    warnings: Vec::new(),
                },
                parent: file,
                line: n,
                at: line.span,
                prefix: child_prefix.clone(),
            });
            let mut parsed = parsed?;
            tag_file(&mut parsed, index);
            if parsed.escape != escape {
                return Err(Error::at(
                    line.span,
                    format!(
                        "{} uses the escape character {:?}, the file that includes it {escape:?}: they must be the same",
                        line.path, parsed.escape
                    ),
                ));
            }
            let child_lines = include_lines(&parsed)?;
            if let Some(entry) = self.files.last_mut() {
                entry.dockerfile = parsed;
            }
            chain.push(index);
            self.visit(index, child_lines, escape, &child_prefix, chain, read)?;
            chain.pop();
        }
        Ok(())
    }

    /// The file and span of the INCLUDE line that names file `file`.
    fn included_at(&self, file: usize) -> (&str, Span) {
        match self.file(file) {
            Some(f) => (self.name(f.parent), f.at),
            None => (self.main.as_str(), Span::default()),
        }
    }
}

/// Puts every span of `dockerfile` into file `file`.
fn tag_file(dockerfile: &mut Dockerfile, file: usize) {
    for d in &mut dockerfile.directives {
        d.span.file = file;
    }
    for w in &mut dockerfile.warnings {
        w.span.file = file;
    }
    for node in &mut dockerfile.nodes {
        tag_node(node, file);
    }
}

fn tag_node(node: &mut Node, file: usize) {
    node.span.file = file;
    node.keyword_span.file = file;
    for word in node.flags.iter_mut().chain(node.args.iter_mut()) {
        word.span.file = file;
    }
    for heredoc in &mut node.heredocs {
        heredoc.span.file = file;
    }
    if let Some(child) = &mut node.onbuild {
        tag_node(child, file);
    }
}

/// What one file contributes to the composed stage list.
#[derive(Debug, Clone, Default)]
pub struct FileScope {
    /// Its global ARGs (before its first FROM).
    pub meta_args: Vec<ArgCommand>,
    /// The file that includes it (`None` for the main Dockerfile).
    pub parent: Option<usize>,
    /// The prefix of its stage names.
    pub prefix: String,
    /// Its stages and those of the files it includes, in order (what its `--from=<n>`
    /// counts).
    pub stages: Vec<usize>,
}

/// The stages of the main Dockerfile and every file it includes, as one list.
#[derive(Debug, Clone, Default)]
pub struct Composed {
    /// In build order; included stages named with their prefix.
    pub stages: Vec<Stage>,
    /// Per stage, the file it comes from.
    pub stage_files: Vec<usize>,
    /// Per file (0 = the main Dockerfile).
    pub files: Vec<FileScope>,
}

impl Composed {
    /// Whether the stage at `index` is file `file`'s or comes from a file it includes.
    pub fn in_scope(&self, file: usize, index: usize) -> bool {
        let mut current = self.stage_files.get(index).copied();
        while let Some(f) = current {
            if f == file {
                return true;
            }
            current = self.files.get(f).and_then(|s| s.parent);
        }
        false
    }
}

/// Splits `main` and its `includes` into stages, each file's stages taking the place of its
/// INCLUDE line, names prefixed; checks that no two files define the same stage name.
pub fn compose(
    main: &Dockerfile,
    includes: &Includes,
    lint: &mut Linter,
) -> Result<Composed, Error> {
    let mut composer = Composer {
        includes,
        lint,
        out: Composed {
            files: vec![FileScope::default(); includes.files.len() + 1],
            ..Composed::default()
        },
        names: BTreeMap::new(),
    };
    composer.add_file(0, main)?;
    Ok(composer.out)
}

struct Composer<'a> {
    includes: &'a Includes,
    lint: &'a mut Linter,
    out: Composed,
    /// Stage name → the file and FROM line that defines it.
    names: BTreeMap<String, (usize, Span)>,
}

impl Composer<'_> {
    /// Adds the stages of `file` (and what it includes); returns their indexes.
    fn add_file(&mut self, file: usize, dockerfile: &Dockerfile) -> Result<Vec<usize>, Error> {
        let lines = include_lines(dockerfile)?;
        if file > 0 {
            // (the main Dockerfile's are reported by the planner, first as upstream)
            crate::lint::parser_warnings(dockerfile, self.lint);
        }
        let (stages, meta_args) = if lines.is_empty() {
            parse_dockerfile(dockerfile, self.lint)?
        } else {
            let without = Dockerfile {
                directives: dockerfile.directives.clone(),
                escape: dockerfile.escape,
                nodes: dockerfile
                    .nodes
                    .iter()
                    .filter(|n| n.keyword != "include")
                    .cloned()
                    .collect(),
                warnings: dockerfile.warnings.clone(),
            };
            parse_dockerfile(&without, self.lint)?
        };
        let prefix = self
            .includes
            .file(file)
            .map(|f| f.prefix.clone())
            .unwrap_or_default();
        let mut own = Vec::new();
        let mut pending = lines.iter().enumerate().peekable();
        for (position, mut stage) in stages.into_iter().enumerate() {
            while let Some((n, line)) = pending.next_if(|(_, l)| l.position == position) {
                own.extend(self.add_included(file, n, line)?);
            }
            if let Some(name) = &mut stage.name {
                name.insert_str(0, &prefix);
                self.claim(name, file, stage.source.span)?;
            }
            own.push(self.out.stages.len());
            self.out.stages.push(stage);
            self.out.stage_files.push(file);
        }
        // INCLUDE lines after the last stage
        for (n, line) in pending {
            own.extend(self.add_included(file, n, line)?);
        }
        let parent = self.includes.file(file).map(|f| f.parent);
        if let Some(scope) = self.out.files.get_mut(file) {
            *scope = FileScope {
                meta_args,
                parent,
                prefix,
                stages: own.clone(),
            };
        }
        Ok(own)
    }

    fn add_included(
        &mut self,
        parent: usize,
        n: usize,
        line: &IncludeLine,
    ) -> Result<Vec<usize>, Error> {
        let Some(index) = self
            .includes
            .files
            .iter()
            .position(|f| f.parent == parent && f.line == n)
        else {
            return Err(Error::at(
                line.span,
                format!(
                    "INCLUDE {}: included files were not read for this conversion",
                    line.path
                ),
            ));
        };
        let includes = self.includes;
        self.add_file(index + 1, &includes.files[index].dockerfile)
    }

    /// Records that `file` defines stage `name` at `span`; another file's stage of that
    /// name is an error naming both.
    fn claim(&mut self, name: &str, file: usize, span: Span) -> Result<(), Error> {
        match self.names.get(name) {
            Some(&(other, at)) if other != file => Err(Error::at(
                span,
                format!(
                    "stage name {name:?} is already defined at {}:{}",
                    self.includes.name(other),
                    at.start.line
                ),
            )),
            _ => {
                self.names.insert(name.to_string(), (file, span));
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests;
