//! `RUN --mount=…` values.
//!
//! Like BuildKit, a mount is read twice: once when the instruction is parsed (no variables
//! known yet: only the CSV syntax and the `from` key are checked, and only `from` is kept) and
//! once per build with an expander, when every key is expanded and validated.

mod kind;

pub use kind::{MountType, ShareMode};

use super::RunFlag;
use crate::dockerfile::Word;
use crate::instructions::csv::split_record;
use crate::instructions::errors::InvalidInput;
use crate::instructions::expand::Expander;
use crate::instructions::flags::{FlagSpec, ParsedFlags};
use crate::instructions::suggest::with_suggestion;

/// The `--mount` values of a RUN.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mounts {
    /// The values as written.
    pub specs: Vec<Word>,
    /// Parsed mounts. After parsing only `from` is known (for stage dependencies); after
    /// [`RunFlag::expand`] every field is expanded and validated.
    pub mounts: Vec<Mount>,
}

impl RunFlag for Mounts {
    const SPEC: FlagSpec = FlagSpec::strings("mount");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        let specs = flags.strings("mount").to_vec();
        let mounts = specs
            .iter()
            .map(|w| parse_mount(&w.text, None))
            .collect::<Result<_, _>>()?;
        Ok(Mounts { specs, mounts })
    }

    fn expand(&mut self, expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
        self.mounts = self
            .specs
            .iter()
            .map(|spec| parse_mount(&spec.text, Some(&mut *expand)))
            .collect::<Result<_, _>>()?;
        Ok(())
    }

    fn stage_refs(&self) -> Vec<String> {
        self.mounts
            .iter()
            .filter_map(|m| m.from.clone().filter(|f| !f.is_empty()))
            .collect()
    }
}

/// One `--mount` after parsing. Empty strings are stored as `None` (BuildKit treats an empty
/// value as "not set" for every key but `env`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mount {
    pub kind: MountType,
    /// `from=`: a stage name, stage index or image for bind/cache mounts.
    pub from: Option<String>,
    /// `source=`/`src=`.
    pub source: Option<String>,
    /// `target=`/`dst=`/`destination=`.
    pub target: Option<String>,
    /// Explicit `ro`/`rw`, or the default: read-only except for cache and tmpfs mounts.
    pub read_only: bool,
    /// `size=` of a tmpfs mount, in bytes.
    pub size_limit: Option<i64>,
    /// `id=`: cache id, or secret/ssh id.
    pub id: Option<String>,
    /// `sharing=` of a cache mount.
    pub sharing: Option<ShareMode>,
    /// `required` for secret and ssh mounts.
    pub required: bool,
    /// `env=` of a secret mount (environment variable to expose the secret in; an empty
    /// value means the default name).
    pub env: Option<String>,
    /// `mode=` (octal).
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

const ALL_KEYS: [&str; 19] = [
    "type",
    "from",
    "source",
    "target",
    "readonly",
    "id",
    "sharing",
    "required",
    "size",
    "mode",
    "uid",
    "gid",
    "src",
    "dst",
    "destination",
    "ro",
    "rw",
    "readwrite",
    "env",
];

/// Parse a `--mount` value (`type=cache,target=/root/.cache,…`).
///
/// Without an expander this is the parse-time check: the CSV must be well formed; only `from`
/// is recorded (upstream refuses a variable in it; rustfront resolves it through the global
/// scope when the build is planned, see `convert::stage_ref`). With an expander every value is expanded first
/// and all keys are validated with BuildKit's messages.
pub fn parse_mount(
    value: &str,
    mut expander: Option<&mut Expander<'_>>,
) -> Result<Mount, InvalidInput> {
    let fields = split_record(value)
        .map_err(|e| InvalidInput(format!("failed to parse csv mounts: {e}")))?;
    let mut m = Mount::default();
    let mut ro_auto = true;

    for field in &fields {
        let (raw_key, raw_value) = match field.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (field.as_str(), None),
        };
        let key = raw_key.to_lowercase();

        let Some(raw_value) = raw_value else {
            if expander.is_none() {
                continue;
            }
            match key.as_str() {
                "readonly" | "ro" => {
                    m.read_only = true;
                    ro_auto = false;
                }
                "readwrite" | "rw" => {
                    m.read_only = false;
                    ro_auto = false;
                }
                "required" => {
                    require_secret_or_ssh(&m, &key)?;
                    m.required = true;
                }
                _ => {
                    return Err(InvalidInput(format!(
                        "invalid field '{field}' must be a key=value pair"
                    )));
                }
            }
            continue;
        };

        let value = match expander.as_deref_mut() {
            // A `from` with a variable names a stage through the global scope (rustfront
            // dialect; upstream refuses it here): the plan expands it and resolves the stage,
            // so it is kept as written.
            _ if key == "from" && refers_to_variable(raw_value) => raw_value.to_string(),
            Some(expand) => expand(raw_value)?,
            None if key == "from" => raw_value.to_string(),
            None => continue,
        };

        match key.as_str() {
            "type" => {
                m.kind = MountType::parse(&value).ok_or_else(|| {
                    InvalidInput(with_suggestion(
                        format!("unsupported mount type {value:?}"),
                        &value,
                        MountType::ALL.iter().map(|t| t.as_str()),
                        true,
                    ))
                })?;
            }
            "from" => m.from = non_empty(value),
            "source" | "src" => m.source = non_empty(value),
            "target" | "dst" | "destination" => m.target = non_empty(value),
            "readonly" | "ro" => {
                m.read_only = parse_bool(&key, &value)?;
                ro_auto = false;
            }
            "readwrite" | "rw" => {
                m.read_only = !parse_bool(&key, &value)?;
                ro_auto = false;
            }
            "required" => {
                require_secret_or_ssh(&m, &key)?;
                m.required = parse_bool(&key, &value)?;
            }
            "size" => {
                if !m.kind.allows_size() {
                    return Err(unexpected_key_for_type(&key, m.kind));
                }
                m.size_limit =
                    Some(ram_in_bytes(&value).ok_or_else(|| {
                        InvalidInput(format!("invalid value for {key}: {value}"))
                    })?);
            }
            "id" => m.id = non_empty(value),
            "sharing" => {
                m.sharing = Some(ShareMode::parse(&value).ok_or_else(|| {
                    InvalidInput(with_suggestion(
                        format!("unsupported sharing value {value:?}"),
                        &value,
                        ShareMode::ALL.iter().map(|s| s.as_str()),
                        true,
                    ))
                })?);
            }
            "mode" => {
                m.mode = Some(
                    parse_u32(&value, 8)
                        .ok_or_else(|| InvalidInput(format!("invalid value {value} for mode")))?,
                );
            }
            "uid" => {
                m.uid = Some(
                    parse_u32(&value, 10)
                        .ok_or_else(|| InvalidInput(format!("invalid value {value} for uid")))?,
                );
            }
            "gid" => {
                m.gid = Some(
                    parse_u32(&value, 10)
                        .ok_or_else(|| InvalidInput(format!("invalid value {value} for gid")))?,
                );
            }
            "env" => m.env = Some(value),
            _ => {
                return Err(InvalidInput(with_suggestion(
                    format!("unexpected key '{key}' in '{field}'"),
                    &key,
                    ALL_KEYS,
                    true,
                )));
            }
        }
    }

    validate(&mut m, ro_auto)?;
    Ok(m)
}

fn validate(m: &mut Mount, ro_auto: bool) -> Result<(), InvalidInput> {
    if !m.kind.allows_file_info() {
        for (key, set) in [
            ("mode", m.mode.is_some()),
            ("uid", m.uid.is_some()),
            ("gid", m.gid.is_some()),
        ] {
            if set {
                return Err(InvalidInput(format!(
                    "{key} not allowed for {:?} type mounts",
                    m.kind.as_str()
                )));
            }
        }
    }
    if ro_auto {
        m.read_only = m.kind.read_only_by_default();
    }
    if m.kind == MountType::Secret {
        kind::validate_secret(m)?;
    }
    if m.sharing.is_some() && !m.kind.allows_sharing() {
        return Err(InvalidInput(format!(
            "invalid cache sharing set for {} mount",
            m.kind
        )));
    }
    Ok(())
}

/// `$` followed by anything: a variable reference (a trailing `$` is literal).
fn refers_to_variable(value: &str) -> bool {
    value.find('$').is_some_and(|idx| idx + 1 < value.len())
}

fn non_empty(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

fn require_secret_or_ssh(m: &Mount, key: &str) -> Result<(), InvalidInput> {
    if matches!(m.kind, MountType::Secret | MountType::Ssh) {
        Ok(())
    } else {
        Err(unexpected_key_for_type(key, m.kind))
    }
}

fn unexpected_key_for_type(key: &str, kind: MountType) -> InvalidInput {
    InvalidInput(format!("unexpected key '{key}' for mount type '{kind}'"))
}

fn parse_bool(key: &str, value: &str) -> Result<bool, InvalidInput> {
    crate::instructions::parse_go_bool(value)
        .ok_or_else(|| InvalidInput(format!("invalid value for {key}: {value}")))
}

/// An unsigned 32-bit number in `radix`, digits only (like Go's `strconv.ParseUint`).
fn parse_u32(value: &str, radix: u32) -> Option<u32> {
    if value.is_empty() || !value.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u32::from_str_radix(value, radix).ok()
}

/// A memory size like `64m`, `1.5GiB`, `1024`: a number, an optional space, an optional
/// `k/m/g/t/p` (binary multiples), an optional `i` and an optional `b`.
pub(crate) fn ram_in_bytes(value: &str) -> Option<i64> {
    let number_end = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, mut rest) = value.split_at(number_end);
    let valid_number = !number.is_empty()
        && number
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    if !valid_number {
        return None;
    }
    rest = rest.strip_prefix(' ').unwrap_or(rest);
    let mut multiplier: f64 = 1.0;
    if let Some(c) = rest.chars().next() {
        let power = match c.to_ascii_lowercase() {
            'k' => Some(1),
            'm' => Some(2),
            'g' => Some(3),
            't' => Some(4),
            'p' => Some(5),
            _ => None,
        };
        if let Some(power) = power {
            multiplier = 1024f64.powi(power);
            rest = &rest[1..];
        }
    }
    rest = rest.strip_prefix(['i', 'I']).unwrap_or(rest);
    rest = rest.strip_prefix(['b', 'B']).unwrap_or(rest);
    if !rest.is_empty() {
        return None;
    }
    let size: f64 = number.parse().ok()?;
    // Truncation toward zero, as Go converts float64 to int64.
    Some((size * multiplier) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(ram_in_bytes("1024"), Some(1024));
        assert_eq!(ram_in_bytes("64m"), Some(64 << 20));
        assert_eq!(ram_in_bytes("1.5GiB"), Some(3 << 29));
        assert_eq!(ram_in_bytes("2 kb"), Some(2048));
        assert_eq!(ram_in_bytes("1k"), Some(1024));
        assert_eq!(ram_in_bytes(""), None);
        assert_eq!(ram_in_bytes("abc"), None);
        assert_eq!(ram_in_bytes("1.2.3"), None);
        assert_eq!(ram_in_bytes("5x"), None);
        assert_eq!(ram_in_bytes("-5"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u32("0755", 8), Some(0o755));
        assert_eq!(parse_u32("8", 8), None);
        assert_eq!(parse_u32("+1", 10), None);
        assert_eq!(parse_u32("4294967296", 10), None);
        assert_eq!(crate::instructions::parse_go_bool("T"), Some(true));
        assert_eq!(crate::instructions::parse_go_bool("yes"), None);
    }

    #[test]
    fn variable_detection() {
        assert!(refers_to_variable("$stage"));
        assert!(refers_to_variable("a${b}"));
        assert!(!refers_to_variable("stage$"));
        assert!(!refers_to_variable("stage"));
    }
}
