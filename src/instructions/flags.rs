//! Instruction flags (`--name[=value]`), checked like BuildKit's `BFlags`.
//!
//! Each instruction declares the flags it accepts as a list of [`FlagSpec`]s; [`parse_flags`]
//! checks the `--flag` words the parser collected against it.

use crate::dockerfile::Word;

use super::errors::InvalidInput;
use super::suggest::with_suggestion;

/// What values a flag takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// `--name`, `--name=true`, `--name=false` (case-insensitive values).
    Bool { default: bool },
    /// `--name=value`, at most once; `default` when absent.
    String { default: &'static str },
    /// `--name=value`, repeatable; values kept in order.
    Strings,
}

/// One accepted flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagSpec {
    pub name: &'static str,
    pub kind: FlagKind,
}

impl FlagSpec {
    pub const fn bool(name: &'static str) -> Self {
        FlagSpec {
            name,
            kind: FlagKind::Bool { default: false },
        }
    }

    pub const fn bool_default(name: &'static str, default: bool) -> Self {
        FlagSpec {
            name,
            kind: FlagKind::Bool { default },
        }
    }

    pub const fn string(name: &'static str) -> Self {
        FlagSpec {
            name,
            kind: FlagKind::String { default: "" },
        }
    }

    pub const fn string_default(name: &'static str, default: &'static str) -> Self {
        FlagSpec {
            name,
            kind: FlagKind::String { default },
        }
    }

    pub const fn strings(name: &'static str) -> Self {
        FlagSpec {
            name,
            kind: FlagKind::Strings,
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    spec: FlagSpec,
    used: bool,
    bool_value: bool,
    /// The values given, each as a word whose span is the flag's.
    values: Vec<Word>,
}

/// The outcome of [`parse_flags`]: the value of every declared flag.
#[derive(Debug, Clone)]
pub struct ParsedFlags {
    entries: Vec<Entry>,
    /// Names of the flags given, in order of first use.
    used: Vec<&'static str>,
}

impl ParsedFlags {
    fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.spec.name == name)
    }

    /// Whether the flag was given (even if set to `false` or to its default).
    pub fn is_used(&self, name: &str) -> bool {
        self.entry(name).is_some_and(|e| e.used)
    }

    /// The names of the flags given, in the order they first appear.
    pub fn used(&self) -> &[&'static str] {
        &self.used
    }

    /// A bool flag's value (its default when not given; `false` for undeclared names).
    pub fn bool(&self, name: &str) -> bool {
        self.entry(name).is_some_and(|e| e.bool_value)
    }

    /// A string flag's value as written, or `None` when it was not given.
    pub fn string(&self, name: &str) -> Option<&Word> {
        self.entry(name).and_then(|e| e.values.last())
    }

    /// A string flag's value, or its declared default when not given.
    pub fn string_or_default(&self, name: &str) -> &str {
        match self.entry(name) {
            Some(e) => match (e.values.last(), e.spec.kind) {
                (Some(word), _) => &word.text,
                (None, FlagKind::String { default }) => default,
                (None, _) => "",
            },
            None => "",
        }
    }

    /// All values of a repeatable flag, in order.
    pub fn strings(&self, name: &str) -> &[Word] {
        self.entry(name).map_or(&[], |e| e.values.as_slice())
    }
}

/// Check `words` (each `--name` or `--name=value`) against `specs`.
///
/// A bare `--` ends flag processing. Errors use BuildKit's wording: `unknown flag: --boo`
/// (with a "did you mean" hint), `duplicate flag specified: --from`,
/// `missing a value on flag: --from`, `expecting boolean value for flag --link, not: maybe`.
pub fn parse_flags(words: &[Word], specs: &[FlagSpec]) -> Result<ParsedFlags, InvalidInput> {
    let mut entries: Vec<Entry> = Vec::with_capacity(specs.len());
    for spec in specs {
        if entries.iter().any(|e| e.spec.name == spec.name) {
            return Err(InvalidInput(format!(
                "error setting up flags: Duplicate flag defined: {}",
                spec.name
            )));
        }
        entries.push(Entry {
            spec: *spec,
            used: false,
            bool_value: matches!(spec.kind, FlagKind::Bool { default: true }),
            values: Vec::new(),
        });
    }
    let mut used = Vec::new();

    for word in words {
        let arg = word.text.as_str();
        if arg == "--" {
            break;
        }
        let Some(stripped) = arg.strip_prefix("--") else {
            return Err(InvalidInput(format!("arg should start with -- : {arg}")));
        };
        let (name, value) = match stripped.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (stripped, None),
        };
        let flag_name = format!("--{name}");
        let Some(entry) = entries.iter_mut().find(|e| e.spec.name == name) else {
            return Err(InvalidInput(with_suggestion(
                format!("unknown flag: {flag_name}"),
                name,
                specs.iter().map(|s| s.name),
                true,
            )));
        };
        if entry.used && entry.spec.kind != FlagKind::Strings {
            return Err(InvalidInput(format!(
                "duplicate flag specified: {flag_name}"
            )));
        }
        if !entry.used {
            used.push(entry.spec.name);
        }
        entry.used = true;

        match entry.spec.kind {
            FlagKind::Bool { .. } => {
                entry.bool_value = match value {
                    None => true,
                    Some("") => {
                        return Err(InvalidInput(format!(
                            "missing a value on flag: {flag_name}"
                        )));
                    }
                    Some(v) if v.eq_ignore_ascii_case("true") => true,
                    Some(v) if v.eq_ignore_ascii_case("false") => false,
                    Some(v) => {
                        return Err(InvalidInput(format!(
                            "expecting boolean value for flag {flag_name}, not: {v}"
                        )));
                    }
                };
            }
            FlagKind::String { .. } | FlagKind::Strings => {
                let Some(value) = value else {
                    return Err(InvalidInput(format!(
                        "missing a value on flag: {flag_name}"
                    )));
                };
                if entry.spec.kind != FlagKind::Strings {
                    entry.values.clear();
                }
                entry.values.push(Word {
                    text: value.to_string(),
                    span: word.span,
                });
            }
        }
    }

    Ok(ParsedFlags { entries, used })
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}
