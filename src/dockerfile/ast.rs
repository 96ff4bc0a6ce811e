//! The Dockerfile syntax tree: what the parser stored, before any instruction semantics.
//!
//! Mirrors BuildKit's parser layer: quotes are not removed and variables are not expanded.

/// A 1-based line and 0-based column (in characters) in the Dockerfile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// An inclusive range of source positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: Position,
    pub end: Position,
    /// The file the positions are in: 0 for the Dockerfile being built, `n` for the `n`th
    /// file it pulls in with `INCLUDE` (see `instructions::include`).
    pub file: usize,
}

/// A piece of text with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

/// A heredoc body attached to a RUN/COPY/ADD instruction (`<<EOF` … `EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word without `<<`, `-` or quotes.
    pub name: String,
    /// The body exactly as written, each line with its own line ending (`\n`, or `\r\n` in
    /// a CRLF file). Like BuildKit, the parser does NOT strip tabs for `<<-`: consumers call
    /// [`chomp_heredoc_content`](super::chomp_heredoc_content) when `chomp` is set.
    pub content: String,
    /// `true` unless the delimiter was quoted (quoting turns variable expansion off).
    pub expand: bool,
    /// `<<-` form: leading tabs are to be stripped from the body (and were ignored when
    /// looking for the closing delimiter).
    pub chomp: bool,
    /// Lines of the body including the closing delimiter.
    pub span: Span,
    /// The file descriptor written before `<<` (`RUN 3<<EOF` → 3; 0 when absent).
    pub file_descriptor: u64,
}

/// One instruction as the parser read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The keyword, lower-cased (`run`, `from`, …).
    pub keyword: String,
    /// The keyword as written.
    pub keyword_span: Span,
    /// `--flag` words right after the keyword, with quotes and escapes already processed
    /// (`--label="a b"` is stored as `--label=a b`).
    pub flags: Vec<Word>,
    /// The argument chain in BuildKit's shape for this keyword (see the table in the
    /// [`dockerfile`](super) module docs): one string per JSON element, whitespace-split
    /// words, ENV/LABEL triples, …
    pub args: Vec<Word>,
    /// The arguments were given as a JSON array.
    pub json: bool,
    /// For ONBUILD: the nested instruction (then `args` is empty).
    pub onbuild: Option<Box<Node>>,
    /// Heredoc bodies, in the order their `<<` markers appear. For `ONBUILD RUN <<EOF` they
    /// are on the ONBUILD node (as in BuildKit), not on [`Node::onbuild`].
    pub heredocs: Vec<Heredoc>,
    /// The logical line as written (continuations joined, without heredoc bodies).
    pub original: String,
    /// Comment lines above this instruction since the previous one (without the `#`); an
    /// empty `#` line clears the list, parser directives are not included.
    pub comments: Vec<String>,
    /// First and last physical line of the instruction (heredoc bodies included); the start
    /// column is the keyword's. A nested ONBUILD node carries its parent's span.
    pub span: Span,
}

/// A parser directive from the top of the file (`# syntax=…`, `# escape=…`, `# check=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased key.
    pub name: String,
    pub value: String,
    pub span: Span,
}

/// Something the parser accepted but a user should know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub message: String,
    pub span: Span,
    /// A longer explanation (BuildKit's `Detail`).
    pub detail: String,
    /// Documentation link for the rule behind the warning.
    pub url: String,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub directives: Vec<Directive>,
    /// The escape character in force (`\` or `` ` ``).
    pub escape: char,
    pub nodes: Vec<Node>,
    pub warnings: Vec<Warning>,
}

impl Dockerfile {
    /// The value of a parser directive, if present (`name` is lower-case).
    pub fn directive(&self, name: &str) -> Option<&str> {
        self.directives
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.value.as_str())
    }
}
