//! Target platforms (`os/arch[/variant]`), normalized the way containerd does it.
//!
//! BuildKit keys results, refs and metadata by the normalized `os/arch[/variant]` string, so
//! every platform that enters the frontend (options, worker lists, image configs) should pass
//! through [`Platform::normalized`] or [`Platform::parse`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Error;
use crate::proto::pb;

/// An OCI platform. Serializes with the OCI keys (`os`, `architecture`, `variant`, `os.version`,
/// `os.features`), empty fields omitted, as image configs and `refs.platforms` expect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Platform {
    /// The OS as Go's `GOOS` names it: `linux`, `windows`, `darwin`, …
    #[serde(default)]
    pub os: String,
    /// The CPU architecture as Go's `GOARCH` names it: `amd64`, `arm64`, `arm`, `386`, …
    #[serde(default)]
    pub architecture: String,
    /// The CPU variant, e.g. `v7` for `arm`; empty when there is none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub variant: String,
    /// The OS version (Windows images: `10.0.17763.1234`); usually empty.
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub os_version: String,
    /// Required OS features (Windows); usually empty.
    #[serde(rename = "os.features", default, skip_serializing_if = "Vec::is_empty")]
    pub os_features: Vec<String>,
}

impl Platform {
    /// A normalized platform from an OS and an architecture (`Platform::new("linux", "arm")` is
    /// `linux/arm/v7`).
    pub fn new(os: &str, architecture: &str) -> Self {
        Self::with_variant(os, architecture, "")
    }

    /// A normalized platform from an OS, an architecture and a variant.
    pub fn with_variant(os: &str, architecture: &str, variant: &str) -> Self {
        Platform {
            os: os.to_owned(),
            architecture: architecture.to_owned(),
            variant: variant.to_owned(),
            ..Platform::default()
        }
        .normalized()
    }

    /// Parses `os/arch[/variant]` (or a bare architecture, meaning Linux) and normalizes it.
    /// The OS part may carry a version in parentheses: `windows(10.0.17763)/amd64`.
    pub fn parse(spec: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::InvalidPlatform {
            spec: spec.to_owned(),
            reason: reason.to_owned(),
        };
        let parts: Vec<&str> = spec.trim().split('/').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(invalid("empty component"));
        }
        let ok_chars = |s: &str| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        };
        let (os, os_version, architecture, variant) = match parts.as_slice() {
            [single] => {
                let lower = single.to_ascii_lowercase();
                if !is_known_arch(&normalize_arch(&lower, "").0) {
                    return Err(invalid(if is_known_os(&lower) {
                        "an architecture is required"
                    } else {
                        "unknown architecture"
                    }));
                }
                ("linux".to_owned(), String::new(), lower, String::new())
            }
            [os, arch] | [os, arch, _] => {
                let (os, os_version) = split_os_version(os).ok_or_else(|| invalid("bad OS"))?;
                let variant = parts.get(2).copied().unwrap_or_default();
                (os, os_version, (*arch).to_owned(), variant.to_owned())
            }
            _ => return Err(invalid("expected os/arch[/variant]")),
        };
        if ![&os, &architecture, &variant].iter().all(|s| ok_chars(s)) {
            return Err(invalid("unexpected character"));
        }
        Ok(Platform {
            os,
            architecture,
            variant,
            os_version,
            os_features: Vec::new(),
        }
        .normalized())
    }

    /// The containerd normalization: lower-case names, `macos` → `darwin`, `x86_64` → `amd64`
    /// (variant `v1` dropped), `aarch64` → `arm64` (variant `v8` dropped), `armhf`/`armel` →
    /// `arm/v7`/`arm/v6`, bare `arm` → `arm/v7`, `i386` → `386`.
    pub fn normalized(&self) -> Self {
        let mut os = self.os.to_ascii_lowercase();
        if os == "macos" {
            os = "darwin".to_owned();
        }
        let (architecture, variant) = normalize_arch(&self.architecture, &self.variant);
        Platform {
            os,
            architecture,
            variant,
            os_version: self.os_version.clone(),
            os_features: self.os_features.clone(),
        }
    }

    /// The wire form used by ops and gateway requests.
    pub fn to_pb(&self) -> pb::Platform {
        pb::Platform {
            architecture: self.architecture.clone(),
            os: self.os.clone(),
            variant: self.variant.clone(),
            os_version: self.os_version.clone(),
            os_features: self.os_features.clone(),
        }
    }
}

/// `os/arch[/variant]`, the key format for `refs` and `refs.platforms`.
impl Platform {
    /// containerd's `FormatAll`: like the display form, with the OS version in parentheses
    /// after the OS (`windows(10.0.17763)/amd64`).
    pub fn format_all(&self) -> String {
        let plain = self.to_string();
        if self.os.is_empty() || self.os_version.is_empty() {
            return plain;
        }
        let rest = &plain[self.os.len()..];
        format!("{}({}){rest}", self.os, self.os_version)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let os = if self.os.is_empty() {
            "unknown"
        } else {
            &self.os
        };
        f.write_str(os)?;
        for part in [&self.architecture, &self.variant] {
            if !part.is_empty() {
                write!(f, "/{part}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for Platform {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Platform::parse(s)
    }
}

impl From<&Platform> for pb::Platform {
    fn from(p: &Platform) -> Self {
        p.to_pb()
    }
}

/// Not normalized: a worker or op reports what it reports. Call [`Platform::normalized`].
impl From<&pb::Platform> for Platform {
    fn from(p: &pb::Platform) -> Self {
        Platform {
            os: p.os.clone(),
            architecture: p.architecture.clone(),
            variant: p.variant.clone(),
            os_version: p.os_version.clone(),
            os_features: p.os_features.clone(),
        }
    }
}

fn split_os_version(os: &str) -> Option<(String, String)> {
    match os.split_once('(') {
        None => Some((os.to_owned(), String::new())),
        Some((name, rest)) => {
            let version = rest.strip_suffix(')')?;
            (!name.is_empty() && !version.contains(['(', ')']))
                .then(|| (name.to_owned(), version.to_owned()))
        }
    }
}

fn normalize_arch(arch: &str, variant: &str) -> (String, String) {
    let arch = arch.to_ascii_lowercase();
    let variant = variant.to_ascii_lowercase();
    let (arch, variant): (&str, String) = match arch.as_str() {
        "i386" => ("386", String::new()),
        "x86_64" | "x86-64" | "amd64" => (
            "amd64",
            if variant == "v1" {
                String::new()
            } else {
                variant
            },
        ),
        "aarch64" | "arm64" => (
            "arm64",
            match variant.as_str() {
                "8" | "v8" | "v8.0" => String::new(),
                "9" | "9.0" | "v9.0" => "v9".to_owned(),
                _ => variant,
            },
        ),
        "armhf" => ("arm", "v7".to_owned()),
        "armel" => ("arm", "v6".to_owned()),
        "arm" => (
            "arm",
            match variant.as_str() {
                "" | "7" => "v7".to_owned(),
                "5" | "6" | "8" => format!("v{variant}"),
                _ => variant,
            },
        ),
        _ => return (arch, variant),
    };
    (arch.to_owned(), variant)
}

fn is_known_os(os: &str) -> bool {
    matches!(
        os,
        "aix"
            | "android"
            | "darwin"
            | "macos"
            | "dragonfly"
            | "freebsd"
            | "hurd"
            | "illumos"
            | "ios"
            | "js"
            | "linux"
            | "nacl"
            | "netbsd"
            | "openbsd"
            | "plan9"
            | "solaris"
            | "wasip1"
            | "windows"
            | "zos"
    )
}

fn is_known_arch(arch: &str) -> bool {
    matches!(
        arch,
        "386"
            | "amd64"
            | "amd64p32"
            | "arm"
            | "armbe"
            | "arm64"
            | "arm64be"
            | "ppc64"
            | "ppc64le"
            | "loong64"
            | "mips"
            | "mipsle"
            | "mips64"
            | "mips64le"
            | "mips64p32"
            | "mips64p32le"
            | "ppc"
            | "riscv"
            | "riscv64"
            | "s390"
            | "s390x"
            | "sparc"
            | "sparc64"
            | "wasm"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(spec: &str) -> String {
        match Platform::parse(spec) {
            Ok(p) => p.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn parses_and_normalizes() {
        assert_eq!(fmt("linux/amd64"), "linux/amd64");
        assert_eq!(fmt("linux/x86_64"), "linux/amd64");
        assert_eq!(fmt("linux/amd64/v1"), "linux/amd64");
        assert_eq!(fmt("linux/amd64/v3"), "linux/amd64/v3");
        assert_eq!(fmt("linux/arm64/v8"), "linux/arm64");
        assert_eq!(fmt("linux/aarch64"), "linux/arm64");
        assert_eq!(fmt("linux/arm64/9"), "linux/arm64/v9");
        assert_eq!(fmt("linux/arm"), "linux/arm/v7");
        assert_eq!(fmt("linux/arm/6"), "linux/arm/v6");
        assert_eq!(fmt("linux/armhf"), "linux/arm/v7");
        assert_eq!(fmt("linux/armel"), "linux/arm/v6");
        assert_eq!(fmt("linux/i386"), "linux/386");
        assert_eq!(fmt("Linux/AMD64"), "linux/amd64");
        assert_eq!(fmt("macos/arm64"), "darwin/arm64");
        assert_eq!(fmt("arm64"), "linux/arm64");
        assert_eq!(fmt("s390x"), "linux/s390x");
        assert_eq!(fmt("linux/riscv64"), "linux/riscv64");
    }

    #[test]
    fn rejects_bad_specs() {
        for bad in [
            "",
            "linux/",
            "/amd64",
            "linux/amd64/v8/x",
            "linux",
            "foo",
            "linux/am d64",
            "a(b/amd64",
        ] {
            assert!(Platform::parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn os_version_in_parentheses() -> Result<(), Error> {
        let p = Platform::parse("windows(10.0.17763)/amd64")?;
        assert_eq!(p.os, "windows");
        assert_eq!(p.os_version, "10.0.17763");
        assert_eq!(p.to_string(), "windows/amd64");
        Ok(())
    }

    #[test]
    fn pb_round_trip_and_json_keys() -> Result<(), Box<dyn std::error::Error>> {
        let p = Platform::with_variant("linux", "arm", "v6");
        let back = Platform::from(&p.to_pb());
        assert_eq!(back, p);
        let json = serde_json::to_value(&p)?;
        assert_eq!(
            json,
            serde_json::json!({"os": "linux", "architecture": "arm", "variant": "v6"})
        );
        let parsed: Platform = serde_json::from_value(
            serde_json::json!({"os": "linux", "architecture": "amd64", "os.features": ["x"]}),
        )?;
        assert_eq!(parsed.os_features, vec!["x".to_owned()]);
        Ok(())
    }
}
