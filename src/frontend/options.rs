//! The docker-UX option keys (`BUILDKIT_FRONTEND_OPT_*` / `FrontendOpt`) interpreted as
//! typed build options, the way the official frontend reads them.

use std::collections::{BTreeMap, BTreeSet};

pub use crate::llb::ResolveMode;

/// Option key prefixes and names.
const BUILD_ARG: &str = "build-arg:";
const LABEL: &str = "label:";
const NAMED_CONTEXT: &str = "context:";

/// An option value we cannot use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OptionError {
    #[error("invalid value {value:?} for option {key}: {reason}")]
    Invalid {
        key: String,
        value: String,
        reason: &'static str,
    },
    #[error("{0} is not supported by this frontend yet")]
    Unsupported(String),
}

/// The default network mode of RUN steps (`force-network-mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NetworkMode {
    #[default]
    Sandbox,
    Host,
    None,
}

/// Which stages ignore the cache (`no-cache`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NoCache {
    #[default]
    Off,
    All,
    /// Lower-cased stage names.
    Stages(BTreeSet<String>),
}

impl NoCache {
    /// Whether the stage named `name` (if any) ignores the cache.
    pub fn applies_to(&self, name: Option<&str>) -> bool {
        match self {
            NoCache::Off => false,
            NoCache::All => true,
            NoCache::Stages(names) => name.is_some_and(|n| names.contains(&n.to_lowercase())),
        }
    }
}

/// Everything the frontend reads from its options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildOptions {
    /// Dockerfile path inside the Dockerfile local.
    pub filename: String,
    /// Name of the local that holds the Dockerfile.
    pub dockerfile_local: String,
    /// Name of the local that holds the build context.
    pub context_local: String,
    pub target: Option<String>,
    pub build_args: BTreeMap<String, String>,
    pub labels: BTreeMap<String, String>,
    /// Target platforms as given (`linux/amd64`, …); empty means the build platform.
    pub platforms: Vec<String>,
    pub multi_platform: Option<bool>,
    pub no_cache: NoCache,
    pub resolve_mode: ResolveMode,
    pub network: NetworkMode,
    /// `host=ip` pairs for every RUN.
    pub extra_hosts: Vec<(String, String)>,
    pub hostname: Option<String>,
    /// `/dev/shm` size in bytes.
    pub shm_size: Option<u64>,
    /// The full `# syntax=` line we were forwarded with; present means: never forward again.
    pub forwarded_cmdline: Option<String>,
    /// Our own image reference, when started through `gateway.v0`.
    pub source: Option<String>,
    /// `build-arg:BUILDKIT_SYNTAX`.
    pub syntax_arg: Option<String>,
    /// A subrequest id (`requestid`), e.g. `frontend.outline`.
    pub request_id: Option<String>,
    /// Capabilities the client requires (`frontend.caps`), `+forward` suffix kept.
    pub required_caps: Vec<String>,
    /// Named contexts (`context:NAME[::platform]` → value).
    pub named_contexts: BTreeMap<String, String>,
    /// A remote build context URL (`context` option holding a git or http URL).
    pub remote_context: Option<String>,
}

impl BuildOptions {
    /// Interpret the raw option map.
    pub fn from_opts(opts: &BTreeMap<String, String>) -> Result<BuildOptions, OptionError> {
        let get = |k: &str| opts.get(k).map(String::as_str);
        let non_empty = |k: &str| get(k).filter(|v| !v.is_empty()).map(str::to_string);

        let mut build_args = BTreeMap::new();
        let mut labels = BTreeMap::new();
        let mut named_contexts = BTreeMap::new();
        for (key, value) in opts {
            if let Some(name) = key.strip_prefix(BUILD_ARG) {
                build_args.insert(name.to_string(), value.clone());
            } else if let Some(name) = key.strip_prefix(LABEL) {
                labels.insert(name.to_string(), value.clone());
            } else if let Some(name) = key.strip_prefix(NAMED_CONTEXT) {
                named_contexts.insert(name.to_string(), value.clone());
            }
        }

        let multi_platform = match get("multi-platform")
            .or_else(|| get("build-arg:BUILDKIT_MULTI_PLATFORM"))
            .filter(|v| !v.is_empty())
        {
            Some(v) => Some(parse_bool("multi-platform", v)?),
            None => None,
        };

        let context_key = non_empty("contextkey").unwrap_or_else(|| "context".into());
        let remote_context = get(&context_key)
            .filter(|v| is_remote_url(v))
            .map(str::to_string);

        Ok(BuildOptions {
            filename: non_empty("filename").unwrap_or_else(|| "Dockerfile".into()),
            dockerfile_local: non_empty("dockerfilekey").unwrap_or_else(|| "dockerfile".into()),
            context_local: "context".into(),
            target: non_empty("target"),
            platforms: split_list(get("platform").unwrap_or("")),
            multi_platform,
            no_cache: parse_no_cache(get("no-cache")),
            resolve_mode: parse_resolve_mode(get("image-resolve-mode").unwrap_or(""))?,
            network: parse_network_mode(get("force-network-mode").unwrap_or(""))?,
            extra_hosts: parse_extra_hosts(get("add-hosts").unwrap_or(""))?,
            hostname: non_empty("hostname")
                .or_else(|| non_empty("build-arg:BUILDKIT_SANDBOX_HOSTNAME")),
            shm_size: match non_empty("shm-size") {
                Some(v) => Some(v.parse().map_err(|_| OptionError::Invalid {
                    key: "shm-size".into(),
                    value: v.clone(),
                    reason: "not a number of bytes",
                })?),
                None => None,
            },
            forwarded_cmdline: get("cmdline").map(str::to_string),
            source: non_empty("source"),
            syntax_arg: non_empty("build-arg:BUILDKIT_SYNTAX"),
            request_id: non_empty("requestid"),
            required_caps: split_list(get("frontend.caps").unwrap_or("")),
            build_args,
            labels,
            named_contexts,
            remote_context,
        })
    }

    /// Build args as the Dockerfile sees them: BuildKit's own control args
    /// (`BUILDKIT_SYNTAX`, `BUILDKIT_MULTI_PLATFORM`, …) are kept; they behave like any other
    /// undeclared arg.
    pub fn build_arg(&self, name: &str) -> Option<&str> {
        self.build_args.get(name).map(String::as_str)
    }
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_bool(key: &str, v: &str) -> Result<bool, OptionError> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "t" | "true" => Ok(true),
        "0" | "f" | "false" => Ok(false),
        _ => Err(OptionError::Invalid {
            key: key.into(),
            value: v.into(),
            reason: "expected true or false",
        }),
    }
}

fn parse_no_cache(v: Option<&str>) -> NoCache {
    match v {
        None => NoCache::Off,
        Some("") => NoCache::All,
        Some(list) => NoCache::Stages(
            split_list(list)
                .into_iter()
                .map(|s| s.to_lowercase())
                .collect(),
        ),
    }
}

fn parse_resolve_mode(v: &str) -> Result<ResolveMode, OptionError> {
    match ResolveMode::parse(v) {
        Some(mode) => Ok(mode),
        None => Err(OptionError::Invalid {
            key: "image-resolve-mode".into(),
            value: v.into(),
            reason: "expected default, pull or local",
        }),
    }
}

fn parse_network_mode(v: &str) -> Result<NetworkMode, OptionError> {
    match v {
        "" | "sandbox" | "default" => Ok(NetworkMode::Sandbox),
        "host" => Ok(NetworkMode::Host),
        "none" => Ok(NetworkMode::None),
        _ => Err(OptionError::Invalid {
            key: "force-network-mode".into(),
            value: v.into(),
            reason: "expected sandbox, host or none",
        }),
    }
}

fn parse_extra_hosts(v: &str) -> Result<Vec<(String, String)>, OptionError> {
    split_list(v)
        .into_iter()
        .map(|entry| {
            let (host, ip) = entry
                .split_once('=')
                .or_else(|| entry.split_once(':'))
                .ok_or_else(|| OptionError::Invalid {
                    key: "add-hosts".into(),
                    value: entry.clone(),
                    reason: "expected host=ip",
                })?;
            Ok((host.to_lowercase(), ip.to_string()))
        })
        .collect()
}

/// Whether a `context` option names a remote (git or http) context.
fn is_remote_url(v: &str) -> bool {
    ["http://", "https://", "git://", "git@", "ssh://"]
        .iter()
        .any(|p| v.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults() {
        let o = BuildOptions::from_opts(&BTreeMap::new()).unwrap();
        assert_eq!(o.filename, "Dockerfile");
        assert_eq!(o.dockerfile_local, "dockerfile");
        assert_eq!(o.context_local, "context");
        assert_eq!(o.no_cache, NoCache::Off);
        assert_eq!(o.network, NetworkMode::Sandbox);
        assert!(o.platforms.is_empty());
        assert_eq!(o.forwarded_cmdline, None);
    }

    #[test]
    fn docker_20_10_style_options() {
        let o = BuildOptions::from_opts(&opts(&[
            ("build-arg:FOO", "a=b"),
            ("build-arg:EMPTY", ""),
            ("label:org.x", "1"),
            ("target", "build"),
            ("no-cache", ""),
            ("add-hosts", ""),
            ("cache-from", ""),
            ("image-resolve-mode", "default"),
            ("force-network-mode", "none"),
            ("platform", "linux/amd64, linux/arm64"),
            ("cmdline", "org/rustfront"),
            ("filename", "sub/Dockerfile.dev"),
        ]))
        .unwrap();
        assert_eq!(o.build_arg("FOO"), Some("a=b"));
        assert_eq!(o.build_arg("EMPTY"), Some(""));
        assert_eq!(o.labels["org.x"], "1");
        assert_eq!(o.target.as_deref(), Some("build"));
        assert_eq!(o.no_cache, NoCache::All);
        assert!(o.extra_hosts.is_empty());
        assert_eq!(o.network, NetworkMode::None);
        assert_eq!(o.platforms, ["linux/amd64", "linux/arm64"]);
        assert_eq!(o.forwarded_cmdline.as_deref(), Some("org/rustfront"));
        assert_eq!(o.filename, "sub/Dockerfile.dev");
    }

    #[test]
    fn no_cache_for_some_stages() {
        let o = BuildOptions::from_opts(&opts(&[("no-cache", "Build,test")])).unwrap();
        assert!(o.no_cache.applies_to(Some("build")));
        assert!(o.no_cache.applies_to(Some("TEST")));
        assert!(!o.no_cache.applies_to(Some("final")));
        assert!(!o.no_cache.applies_to(None));
    }

    #[test]
    fn extra_hosts_and_errors() {
        let o = BuildOptions::from_opts(&opts(&[("add-hosts", "Foo=1.2.3.4,bar=::1")])).unwrap();
        assert_eq!(
            o.extra_hosts,
            [
                ("foo".to_string(), "1.2.3.4".to_string()),
                ("bar".to_string(), "::1".to_string())
            ]
        );
        assert!(BuildOptions::from_opts(&opts(&[("add-hosts", "nohost")])).is_err());
        assert!(BuildOptions::from_opts(&opts(&[("image-resolve-mode", "x")])).is_err());
        assert!(BuildOptions::from_opts(&opts(&[("multi-platform", "maybe")])).is_err());
    }

    #[test]
    fn remote_context_and_named_contexts() {
        let o = BuildOptions::from_opts(&opts(&[
            ("context", "https://example.invalid/repo.git"),
            ("context:base", "docker-image://busybox:local"),
        ]))
        .unwrap();
        assert!(o.remote_context.is_some());
        assert_eq!(o.named_contexts["base"], "docker-image://busybox:local");
        let local = BuildOptions::from_opts(&opts(&[("context", "/some/dir")])).unwrap();
        assert_eq!(local.remote_context, None);
    }

    #[test]
    fn multi_platform_alias() {
        let o =
            BuildOptions::from_opts(&opts(&[("build-arg:BUILDKIT_MULTI_PLATFORM", "1")])).unwrap();
        assert_eq!(o.multi_platform, Some(true));
    }
}
