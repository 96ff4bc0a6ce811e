//! The docker-UX option keys (`BUILDKIT_FRONTEND_OPT_*` / `FrontendOpt`) interpreted as
//! typed build options, the way the official frontend reads them.

use std::collections::BTreeMap;

pub use crate::convert::{ConvertOptions, NetworkMode, NoCache, ResolveMode};

/// Linux resource limits for RUN steps (docker/dockerfile 1.26).
const RESOURCE_OPTIONS: [&str; 7] = [
    "memory",
    "memswap",
    "cpushares",
    "cpuperiod",
    "cpuquota",
    "cpusetcpus",
    "cpusetmems",
];

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
    /// An error upstream reports in these words.
    #[error("{0}")]
    Upstream(String),
}

/// Everything the frontend reads from its options.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Dockerfile path inside the Dockerfile local.
    pub filename: String,
    /// Name of the local that holds the Dockerfile.
    pub dockerfile_local: String,
    /// The conversion settings the options give (target, build args, labels, network, caches,
    /// limits, …); the build completes them with the session, caps and the Dockerfile.
    pub convert: ConvertOptions,
    /// Target platforms as given (`linux/amd64`, …); empty means the build platform.
    pub platforms: Vec<String>,
    pub multi_platform: Option<bool>,
    /// The resource options given (`memory`, `cpushares`, …): docker/dockerfile 1.26 applies
    /// them on daemons with `exec.meta.linux.resources` and ignores them elsewhere.
    pub resource_options: Vec<String>,
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
    /// A remote build context URL (`context` option holding a git or http URL).
    pub remote_context: Option<String>,
    /// `contextsubdir`: the directory of a remote context to build from.
    pub context_subdir: Option<String>,
    /// `BUILDKIT_CONTEXT_KEEP_GIT_DIR`: a git context keeps its `.git` directory.
    pub context_keep_git_dir: bool,
    /// `dockerfilekey` was given: the Dockerfile comes from that local even with a remote
    /// context.
    pub force_local_dockerfile: bool,
    /// `local-sessionid:<local>`: the session a local comes from, when not the build's own.
    pub local_session_ids: BTreeMap<String, String>,
}

impl BuildOptions {
    /// Interpret the raw option map.
    pub fn from_opts(opts: &BTreeMap<String, String>) -> Result<BuildOptions, OptionError> {
        let get = |k: &str| opts.get(k).map(String::as_str);
        let non_empty = |k: &str| get(k).filter(|v| !v.is_empty()).map(str::to_string);

        let mut build_args = BTreeMap::new();
        let mut labels = BTreeMap::new();
        let mut named_contexts = BTreeMap::new();
        let mut local_session_ids = BTreeMap::new();
        for (key, value) in opts {
            if let Some(name) = key.strip_prefix(BUILD_ARG) {
                build_args.insert(name.to_string(), value.clone());
            } else if let Some(name) = key.strip_prefix(LABEL) {
                labels.insert(name.to_string(), value.clone());
            } else if let Some(name) = key.strip_prefix(NAMED_CONTEXT) {
                named_contexts.insert(name.to_string(), value.clone());
            } else if let Some(name) = key.strip_prefix("local-sessionid:") {
                local_session_ids.insert(name.to_string(), value.clone());
            }
        }

        // As upstream, a non-empty BUILDKIT_MULTI_PLATFORM build arg wins over the option.
        let multi_platform = match non_empty("build-arg:BUILDKIT_MULTI_PLATFORM")
            .or_else(|| non_empty("multi-platform"))
        {
            Some(v) => Some(crate::instructions::parse_go_bool(&v).ok_or_else(|| {
                OptionError::Upstream(format!("invalid boolean value for multi-platform: {v}"))
            })?),
            None => None,
        };
        // With `attest:sbom` upstream scans the context and stages these args name itself;
        // BuildKit's own fallback scans only the result, so refuse rather than differ.
        let scan_extras = ["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"]
            .iter()
            .find(|a| non_empty(&format!("build-arg:{a}")).is_some());
        let sbom = get("attest:sbom").or_else(|| get("build-arg:BUILDKIT_ATTEST_SBOM"));
        if let (Some(arg), Some(_)) = (scan_extras, sbom) {
            return Err(OptionError::Unsupported(format!(
                "scanning the build context or stages for an SBOM ({arg})"
            )));
        }
        if non_empty("override-copy-image").is_some() {
            return Err(OptionError::Upstream(
                "support for \"override-copy-image\" was removed in BuildKit 0.11".into(),
            ));
        }
        if get("build-arg:BUILDKIT_DISABLE_FILEOP")
            .and_then(crate::instructions::parse_go_bool)
            .unwrap_or(false)
        {
            return Err(OptionError::Upstream(
                "support for \"BUILDKIT_DISABLE_FILEOP\" build-arg was removed in BuildKit 0.11"
                    .into(),
            ));
        }

        let context_key = non_empty("contextkey").unwrap_or_else(|| "context".into());
        let remote_context = get(&context_key)
            .filter(|v| is_remote_url(v))
            .map(str::to_string);

        let convert = ConvertOptions {
            target: non_empty("target"),
            build_args,
            labels,
            no_cache: parse_no_cache(get("no-cache")),
            resolve_mode: parse_resolve_mode(get("image-resolve-mode").unwrap_or(""))?,
            network: parse_network_mode(get("force-network-mode").unwrap_or(""))?,
            extra_hosts: parse_extra_hosts(get("add-hosts").unwrap_or(""))?,
            // A non-empty BUILDKIT_SANDBOX_HOSTNAME build arg wins over the option.
            hostname: non_empty("build-arg:BUILDKIT_SANDBOX_HOSTNAME")
                .or_else(|| non_empty("hostname")),
            shm_size: match non_empty("shm-size") {
                Some(v) => Some(v.parse::<i64>().map_err(|e| {
                    OptionError::Upstream(format!(
                        "failed to parse shm size: {}",
                        go_int_error(&v, &e)
                    ))
                })?)
                .filter(|&n| n > 0)
                .and_then(|n| u64::try_from(n).ok()),
                None => None,
            },
            ulimits: parse_ulimits(get("ulimit").unwrap_or(""))
                .map_err(|e| OptionError::Upstream(format!("failed to parse ulimit: {e}")))?,
            cgroup_parent: non_empty("cgroup-parent"),
            epoch: match non_empty("build-arg:SOURCE_DATE_EPOCH") {
                Some(v) => Some(v.parse::<i64>().map_err(|e| {
                    OptionError::Upstream(format!(
                        "invalid SOURCE_DATE_EPOCH: {v}: {}",
                        go_int_error(&v, &e)
                    ))
                })?),
                None => None,
            },
            context_local: "context".into(),
            named_contexts,
            ..ConvertOptions::default()
        };
        Ok(BuildOptions {
            filename: non_empty("filename").unwrap_or_else(|| "Dockerfile".into()),
            dockerfile_local: non_empty("dockerfilekey").unwrap_or_else(|| "dockerfile".into()),
            convert,
            platforms: split_list(get("platform").unwrap_or("")),
            multi_platform,
            resource_options: RESOURCE_OPTIONS
                .iter()
                .filter(|k| non_empty(k).is_some())
                .map(|k| k.to_string())
                .collect(),
            forwarded_cmdline: get("cmdline").map(str::to_string),
            source: non_empty("source"),
            // Present, even empty, it is where upstream forwards to.
            syntax_arg: get("build-arg:BUILDKIT_SYNTAX").map(str::to_string),
            request_id: non_empty("requestid"),
            required_caps: split_list(get("frontend.caps").unwrap_or("")),
            remote_context,
            context_subdir: get("contextsubdir").map(str::to_string),
            context_keep_git_dir: get("build-arg:BUILDKIT_CONTEXT_KEEP_GIT_DIR")
                .and_then(crate::instructions::parse_go_bool)
                .unwrap_or(false),
            force_local_dockerfile: opts.contains_key("dockerfilekey"),
            local_session_ids,
        })
    }

    /// The session the local named `local` comes from (`default` unless the options say).
    pub fn session_for<'a>(&'a self, local: &str, default: &'a str) -> &'a str {
        self.local_session_ids
            .get(local)
            .map_or(default, String::as_str)
    }

    /// Build args as the Dockerfile sees them: BuildKit's own control args
    /// (`BUILDKIT_SYNTAX`, `BUILDKIT_MULTI_PLATFORM`, …) are kept; they behave like any other
    /// undeclared arg.
    pub fn build_arg(&self, name: &str) -> Option<&str> {
        self.convert.build_args.get(name).map(String::as_str)
    }
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
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
    ResolveMode::parse(v)
        .ok_or_else(|| OptionError::Upstream(format!("invalid image-resolve-mode: {v}")))
}

fn parse_network_mode(v: &str) -> Result<NetworkMode, OptionError> {
    match v {
        "" | "sandbox" => Ok(NetworkMode::Sandbox),
        "host" => Ok(NetworkMode::Host),
        "none" => Ok(NetworkMode::None),
        _ => Err(OptionError::Upstream(format!("invalid netmode {v}"))),
    }
}

/// `add-hosts`: CSV fields `host=ip` (lower-cased), the IP as Go prints it.
fn parse_extra_hosts(v: &str) -> Result<Vec<(String, String)>, OptionError> {
    let err = |m: String| OptionError::Upstream(format!("failed to parse additional hosts: {m}"));
    if v.is_empty() {
        return Ok(Vec::new());
    }
    let fields = crate::instructions::split_csv_record(v).map_err(err)?;
    fields
        .into_iter()
        .map(|field| {
            let lower = field.to_lowercase();
            let (host, ip) = lower
                .split_once('=')
                .ok_or_else(|| err(format!("invalid key-value pair {field}")))?;
            let ip: std::net::IpAddr = ip
                .parse()
                .map_err(|_| err(format!("failed to parse IP {ip}")))?;
            Ok((host.to_string(), go_ip_string(ip)))
        })
        .collect()
}

/// Go's `net.IP.String()`: IPv4-mapped IPv6 addresses print as IPv4.
fn go_ip_string(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        },
        v4 => v4.to_string(),
    }
}

/// `ulimit`: CSV fields as docker's `ParseUlimit` reads them.
fn parse_ulimits(v: &str) -> Result<Vec<crate::llb::Ulimit>, String> {
    const NAMES: [&str; 15] = [
        "core",
        "cpu",
        "data",
        "fsize",
        "locks",
        "memlock",
        "msgqueue",
        "nice",
        "nofile",
        "nproc",
        "rss",
        "rtprio",
        "rttime",
        "sigpending",
        "stack",
    ];
    if v.is_empty() {
        return Ok(Vec::new());
    }
    let fields = crate::instructions::split_csv_record(v)?;
    let number = |s: &str| s.parse::<i64>().map_err(|e| go_int_error(s, &e));
    fields
        .into_iter()
        .map(|field| {
            let (name, limits) = field
                .split_once('=')
                .ok_or_else(|| format!("invalid ulimit argument: {field}"))?;
            if !NAMES.contains(&name) {
                return Err(format!("invalid ulimit type: {name}"));
            }
            let (soft, hard) = match limits.split(':').collect::<Vec<_>>().as_slice() {
                [soft] => (number(soft)?, number(soft)?),
                [soft, hard] => (number(soft)?, number(hard)?),
                _ => {
                    return Err(format!(
                        "too many limit value arguments - {limits}, can only have up to two, `soft[:hard]`"
                    ));
                }
            };
            if hard != -1 {
                if soft == -1 {
                    return Err(format!(
                        "ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: {hard}"
                    ));
                }
                if soft > hard {
                    return Err(format!(
                        "ulimit soft limit must be less than or equal to hard limit: {soft} > {hard}"
                    ));
                }
            }
            Ok(crate::llb::Ulimit {
                name: name.to_string(),
                soft,
                hard,
            })
        })
        .collect()
}

/// Go's `strconv.ParseInt` error text.
fn go_int_error(value: &str, e: &std::num::ParseIntError) -> String {
    let what = match e.kind() {
        std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
            "value out of range"
        }
        _ => "invalid syntax",
    };
    format!("strconv.ParseInt: parsing {value:?}: {what}")
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
        assert_eq!(o.convert.context_local, "context");
        assert_eq!(o.convert.no_cache, NoCache::Off);
        assert_eq!(o.convert.network, NetworkMode::Sandbox);
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
        assert_eq!(o.convert.labels["org.x"], "1");
        assert_eq!(o.convert.target.as_deref(), Some("build"));
        assert_eq!(o.convert.no_cache, NoCache::All);
        assert!(o.convert.extra_hosts.is_empty());
        assert_eq!(o.convert.network, NetworkMode::None);
        assert_eq!(o.platforms, ["linux/amd64", "linux/arm64"]);
        assert_eq!(o.forwarded_cmdline.as_deref(), Some("org/rustfront"));
        assert_eq!(o.filename, "sub/Dockerfile.dev");
    }

    #[test]
    fn no_cache_for_some_stages() {
        let o = BuildOptions::from_opts(&opts(&[("no-cache", "Build,test")])).unwrap();
        assert!(o.convert.no_cache.applies_to(Some("build")));
        assert!(o.convert.no_cache.applies_to(Some("TEST")));
        assert!(!o.convert.no_cache.applies_to(Some("final")));
        assert!(!o.convert.no_cache.applies_to(None));
    }

    #[test]
    fn extra_hosts_and_errors() {
        let o = BuildOptions::from_opts(&opts(&[("add-hosts", "Foo=1.2.3.4,bar=::1")])).unwrap();
        assert_eq!(
            o.convert.extra_hosts,
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
        assert_eq!(
            o.convert.named_contexts["base"],
            "docker-image://busybox:local"
        );
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
