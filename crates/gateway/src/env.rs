//! The process environment BuildKit gives a gateway frontend, and the cache-import options.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::caps::Worker;
use crate::proto::moby::buildkit::v1::frontend::CacheOptionsEntry;
use crate::proto::pb;

/// Prefix of the per-option variables (`BUILDKIT_FRONTEND_OPT_<i>=key=value`).
pub const OPT_PREFIX: &str = "BUILDKIT_FRONTEND_OPT_";
/// The client session ID.
pub const SESSION_ID_VAR: &str = "BUILDKIT_SESSION_ID";
/// JSON array of workers.
pub const WORKERS_VAR: &str = "BUILDKIT_WORKERS";
/// The product name (`buildkit`, `docker`, ...).
pub const PRODUCT_VAR: &str = "BUILDKIT_EXPORTEDPRODUCT";

/// Option key of the JSON cache-import list.
pub const CACHE_IMPORTS_KEY: &str = "cache-imports";
/// Option key of the legacy comma-separated cache-from list.
pub const CACHE_FROM_KEY: &str = "cache-from";

/// An error in the frontend's environment or options.
///
/// Non-exhaustive: parsing more of the environment may add variants.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// `BUILDKIT_WORKERS` is not the expected JSON.
    #[error("invalid {WORKERS_VAR}: {0}")]
    Workers(String),
    /// The `cache-imports` option is not the expected JSON.
    #[error("failed to parse {CACHE_IMPORTS_KEY} ({value:?}): {reason}")]
    CacheImports {
        /// The option value.
        value: String,
        /// What was wrong.
        reason: String,
    },
}

/// Everything BuildKit passes through the environment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FrontendEnv {
    /// The frontend options (`BUILDKIT_FRONTEND_OPT_*`), key → value (value may be empty).
    pub opts: BTreeMap<String, String>,
    /// `BUILDKIT_SESSION_ID`; empty if unset. Goes into `local.session` of local sources.
    pub session_id: String,
    /// `BUILDKIT_WORKERS`; the first platform of the first worker is the build platform.
    pub workers: Vec<Worker>,
    /// `BUILDKIT_EXPORTEDPRODUCT`; empty if unset. Informational.
    pub product: String,
}

impl FrontendEnv {
    /// Reads the real process environment (non-UTF-8 bytes are replaced).
    pub fn from_process_env() -> Result<Self, EnvError> {
        Self::from_vars(std::env::vars_os().map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        }))
    }

    /// Builds the environment from `(name, value)` pairs; unrelated variables are ignored.
    pub fn from_vars<I, K, V>(vars: I) -> Result<Self, EnvError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut env = Self::default();
        for (name, value) in vars {
            let (name, value) = (name.as_ref(), value.as_ref());
            if name.starts_with(OPT_PREFIX) {
                let (key, val) = value.split_once('=').unwrap_or((value, ""));
                env.opts.insert(key.to_owned(), val.to_owned());
            } else if name == SESSION_ID_VAR {
                value.clone_into(&mut env.session_id);
            } else if name == PRODUCT_VAR {
                value.clone_into(&mut env.product);
            } else if name == WORKERS_VAR && !value.trim().is_empty() {
                env.workers = parse_workers(value)?;
            }
        }
        Ok(env)
    }

    /// The first platform of the first worker (the official frontend's build platform).
    pub fn build_platform(&self) -> Option<&pb::Platform> {
        self.workers.first()?.platforms.first()
    }

    /// The cache imports from this environment's options (see [`cache_imports`]).
    pub fn cache_imports(&self) -> Result<Vec<CacheOptionsEntry>, EnvError> {
        cache_imports(&self.opts)
    }
}

/// The cache imports to put on the final Solve: the `cache-imports` JSON
/// (`[{"Type":…,"Attrs":{…}}]`, keys case-insensitive) followed by the legacy comma list
/// `cache-from` (each entry → type `registry`, attr `ref`; empty entries ignored). Exact
/// duplicates are dropped.
pub fn cache_imports(opts: &BTreeMap<String, String>) -> Result<Vec<CacheOptionsEntry>, EnvError> {
    let mut out: Vec<CacheOptionsEntry> = Vec::new();
    let mut push = |entry: CacheOptionsEntry| {
        if !out.contains(&entry) {
            out.push(entry);
        }
    };
    if let Some(value) = opts.get(CACHE_IMPORTS_KEY).filter(|v| !v.trim().is_empty()) {
        let fail = |reason: String| EnvError::CacheImports {
            value: value.clone(),
            reason,
        };
        let json: Value = serde_json::from_str(value).map_err(|e| fail(e.to_string()))?;
        let entries = match json {
            Value::Array(entries) => entries,
            Value::Null => Vec::new(),
            _ => return Err(fail("expected a JSON array".into())),
        };
        for entry in entries {
            push(parse_cache_entry(&entry).map_err(fail)?);
        }
    }
    if let Some(value) = opts.get(CACHE_FROM_KEY) {
        for reference in value.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            push(CacheOptionsEntry {
                r#type: "registry".into(),
                attrs: HashMap::from([("ref".to_owned(), reference.to_owned())]),
            });
        }
    }
    Ok(out)
}

fn parse_cache_entry(entry: &Value) -> Result<CacheOptionsEntry, String> {
    let obj = as_object(entry, "cache import")?;
    let r#type = opt_string(obj, "type")?.unwrap_or_default();
    let attrs = string_map(obj, "attrs")?.into_iter().collect();
    Ok(CacheOptionsEntry { r#type, attrs })
}

/// Parses `BUILDKIT_WORKERS`: v0.8 writes `ID`/`Labels`/`Platforms`, later versions
/// `id`/`labels`/`platforms`; keys are matched case-insensitively like Go's JSON decoder.
fn parse_workers(value: &str) -> Result<Vec<Worker>, EnvError> {
    let json: Value = serde_json::from_str(value).map_err(|e| EnvError::Workers(e.to_string()))?;
    let entries = match json {
        Value::Array(entries) => entries,
        Value::Null => Vec::new(),
        _ => return Err(EnvError::Workers("expected a JSON array".into())),
    };
    entries
        .iter()
        .map(parse_worker)
        .collect::<Result<_, _>>()
        .map_err(EnvError::Workers)
}

fn parse_worker(value: &Value) -> Result<Worker, String> {
    let obj = as_object(value, "worker")?;
    let platforms = match get_ci(obj, "platforms") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.iter().map(parse_platform).collect::<Result<_, _>>()?,
        Some(_) => return Err("worker platforms: expected an array".into()),
    };
    Ok(Worker {
        id: opt_string(obj, "id")?.unwrap_or_default(),
        labels: string_map(obj, "labels")?,
        platforms,
    })
}

/// An OCI platform (`architecture`, `os`, `variant`, `os.version`, `os.features`); the
/// protobuf spellings `OSVersion`/`OSFeatures` are accepted too.
fn parse_platform(value: &Value) -> Result<pb::Platform, String> {
    let obj = as_object(value, "platform")?;
    let either = |a: &str, b: &str| -> Result<Option<String>, String> {
        Ok(opt_string(obj, a)?.or(opt_string(obj, b)?))
    };
    let features = match get_ci(obj, "os.features").or_else(|| get_ci(obj, "osfeatures")) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| "platform os.features: expected strings".to_owned())
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("platform os.features: expected an array".into()),
    };
    Ok(pb::Platform {
        architecture: opt_string(obj, "architecture")?.unwrap_or_default(),
        os: opt_string(obj, "os")?.unwrap_or_default(),
        variant: opt_string(obj, "variant")?.unwrap_or_default(),
        os_version: either("os.version", "osversion")?.unwrap_or_default(),
        os_features: features,
    })
}

fn as_object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("{what}: expected a JSON object"))
}

/// Looks up `key` like Go's `encoding/json`: an exact match wins, else the first key equal
/// ignoring ASCII case.
fn get_ci<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn opt_string(obj: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match get_ci(obj, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key}: expected a string")),
    }
}

fn string_map(obj: &Map<String, Value>, key: &str) -> Result<BTreeMap<String, String>, String> {
    match get_ci(obj, key) {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(format!("{key}.{k}: expected a string")),
            })
            .collect(),
        Some(_) => Err(format!("{key}: expected a JSON object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn opt_values_split_at_first_equals() {
        let env = FrontendEnv::from_vars([
            ("BUILDKIT_FRONTEND_OPT_0", "build-arg:A=x=y"),
            ("BUILDKIT_FRONTEND_OPT_1", "no-cache="),
            ("BUILDKIT_FRONTEND_OPT_2", "flag"),
            ("PATH", "/bin"),
        ])
        .expect("valid env");
        assert_eq!(
            env.opts,
            opts(&[("build-arg:A", "x=y"), ("no-cache", ""), ("flag", "")])
        );
    }

    #[test]
    fn platform_keys_accept_both_spellings() {
        let workers = parse_workers(
            r#"[{"id":"a","platforms":[{"architecture":"arm","os":"linux","variant":"v7",
                "os.version":"1","os.features":["x"]},{"Architecture":"amd64","OS":"linux",
                "OSVersion":"2","OSFeatures":null}]}]"#,
        )
        .expect("valid workers");
        let platforms = &workers[0].platforms;
        assert_eq!(platforms[0].variant, "v7");
        assert_eq!(platforms[0].os_version, "1");
        assert_eq!(platforms[0].os_features, ["x"]);
        assert_eq!(platforms[1].architecture, "amd64");
        assert_eq!(platforms[1].os_version, "2");
    }

    #[test]
    fn bad_workers_are_errors() {
        assert!(parse_workers("{").is_err());
        assert!(parse_workers(r#"{"id":"x"}"#).is_err());
        assert!(parse_workers(r#"[{"id":1}]"#).is_err());
        assert!(parse_workers(r#"[{"platforms":"linux"}]"#).is_err());
        assert_eq!(parse_workers("null").map(|w| w.len()).ok(), Some(0));
    }

    #[test]
    fn exact_key_match_wins_over_case_insensitive() {
        let value: Value =
            serde_json::from_str(r#"{"ID":"upper","id":"lower"}"#).expect("valid JSON");
        let obj = value.as_object().expect("an object");
        assert_eq!(
            opt_string(obj, "id").ok().flatten().as_deref(),
            Some("lower")
        );
        assert_eq!(
            opt_string(obj, "Id").ok().flatten().as_deref(),
            Some("upper")
        );
    }

    #[test]
    fn cache_imports_rejects_malformed_json() {
        let err = cache_imports(&opts(&[("cache-imports", "[{")])).err();
        assert!(matches!(err, Some(EnvError::CacheImports { .. })));
        let err = cache_imports(&opts(&[("cache-imports", r#"{"Type":"x"}"#)])).err();
        assert!(matches!(err, Some(EnvError::CacheImports { .. })));
        let err = cache_imports(&opts(&[("cache-imports", r#"[{"Attrs":{"a":1}}]"#)])).err();
        assert!(matches!(err, Some(EnvError::CacheImports { .. })));
    }

    #[test]
    fn cache_imports_empty_values() {
        let got = cache_imports(&opts(&[("cache-imports", ""), ("cache-from", " , ,")]));
        assert_eq!(got.map(|v| v.len()).ok(), Some(0));
    }
}
