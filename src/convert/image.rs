//! The image config we hand to the exporter: an OCI image config with Docker's extra
//! `config` fields. Unknown fields of a base image are carried through untouched.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::llb::Platform;

/// Comment the official frontend puts on every history entry it adds.
pub const HISTORY_COMMENT: &str = "buildkit.dockerfile.v0";

/// An image config (`application/vnd.oci.image.config.v1+json` plus Docker fields).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Image {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    /// `os`, `architecture`, `variant`, `os.version`, `os.features`.
    #[serde(flatten)]
    pub platform: Platform,
    #[serde(default)]
    pub config: ImageConfig,
    #[serde(default)]
    pub rootfs: RootFs,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<History>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// The runtime part of an image config (Docker's capitalised keys).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageConfig {
    #[serde(rename = "User", default, skip_serializing_if = "String::is_empty")]
    pub user: String,
    #[serde(
        rename = "ExposedPorts",
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub exposed_ports: BTreeMap<String, Empty>,
    #[serde(
        rename = "Env",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub env: Vec<String>,
    #[serde(rename = "Entrypoint", default, skip_serializing_if = "none_or_empty")]
    pub entrypoint: Option<Vec<String>>,
    #[serde(rename = "Cmd", default, skip_serializing_if = "none_or_empty")]
    pub cmd: Option<Vec<String>>,
    #[serde(
        rename = "Volumes",
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub volumes: BTreeMap<String, Empty>,
    #[serde(
        rename = "WorkingDir",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub working_dir: String,
    #[serde(
        rename = "Labels",
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub labels: BTreeMap<String, String>,
    #[serde(
        rename = "StopSignal",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub stop_signal: String,
    #[serde(
        rename = "ArgsEscaped",
        default,
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub args_escaped: bool,
    #[serde(
        rename = "Healthcheck",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub healthcheck: Option<Healthcheck>,
    #[serde(
        rename = "OnBuild",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub on_build: Vec<String>,
    #[serde(
        rename = "Shell",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub shell: Vec<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// Go's `omitempty` on a slice: neither nil nor empty is written.
fn none_or_empty(v: &Option<Vec<String>>) -> bool {
    v.as_ref().is_none_or(Vec::is_empty)
}

/// The `{}` value of `ExposedPorts` and `Volumes` entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

/// A container health check. Durations are nanoseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Healthcheck {
    #[serde(rename = "Test", default, skip_serializing_if = "Vec::is_empty")]
    pub test: Vec<String>,
    #[serde(rename = "Interval", default, skip_serializing_if = "is_zero")]
    pub interval: i64,
    #[serde(rename = "Timeout", default, skip_serializing_if = "is_zero")]
    pub timeout: i64,
    #[serde(rename = "StartPeriod", default, skip_serializing_if = "is_zero")]
    pub start_period: i64,
    #[serde(rename = "StartInterval", default, skip_serializing_if = "is_zero")]
    pub start_interval: i64,
    #[serde(rename = "Retries", default, skip_serializing_if = "is_zero")]
    pub retries: i64,
}

/// The layer list; exporters overwrite it with the real diff IDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootFs {
    #[serde(rename = "type", default)]
    pub kind: String,
    /// `None` is Go's nil slice (`null`), which is what a `FROM scratch` image has.
    #[serde(default)]
    pub diff_ids: Option<Vec<String>>,
}

impl Default for RootFs {
    fn default() -> Self {
        RootFs {
            kind: "layers".into(),
            diff_ids: None,
        }
    }
}

/// One history entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub created_by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub empty_layer: bool,
}

/// `secs` since the Unix epoch as Go marshals a UTC `time.Time`: `2024-01-02T03:04:05Z`.
pub fn rfc3339_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// Go writes `null` for nil slices and maps; read it as empty.
fn null_as_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// Docker's default `PATH` for Linux containers.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

impl Image {
    /// The config a `FROM scratch` stage starts from.
    pub fn scratch(platform: &Platform) -> Image {
        Image {
            platform: platform.clone(),
            config: ImageConfig {
                env: vec![format!("PATH={DEFAULT_PATH}")],
                working_dir: "/".into(),
                ..ImageConfig::default()
            },
            ..Image::default()
        }
    }

    /// Parse a base image config as a registry returns it. `created` is cleared, as the
    /// official frontend does, so the result does not pretend to be the base image.
    pub fn from_base_json(data: &[u8]) -> Result<Image, serde_json::Error> {
        let mut image: Image = serde_json::from_slice(data)?;
        image.created = None;
        Ok(image)
    }

    /// Whether a resolved base config describes an empty image (no layers, no real history):
    /// such a base is treated as scratch.
    pub fn is_empty_base(&self) -> bool {
        self.rootfs.diff_ids.as_ref().is_none_or(Vec::is_empty)
            && self.history.iter().all(|h| h.empty_layer)
    }

    /// Append a history entry for an instruction of ours, created at `epoch` (Unix seconds,
    /// from `SOURCE_DATE_EPOCH`) if given.
    pub fn add_history(&mut self, created_by: String, empty_layer: bool, epoch: Option<i64>) {
        self.history.push(History {
            created: epoch.map(rfc3339_utc),
            created_by,
            comment: HISTORY_COMMENT.into(),
            empty_layer,
            ..History::default()
        });
    }
}

impl ImageConfig {
    /// The value of `name` in the config's `Env`.
    pub fn env_value(&self, name: &str) -> Option<&str> {
        self.env.iter().find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
            (k == name).then_some(v)
        })
    }

    /// Set `name=value` in `Env`, replacing an existing entry in place (Docker keeps order).
    pub fn set_env(&mut self, name: &str, value: &str) {
        let entry = format!("{name}={value}");
        // The key of `K=V` is what comes before the first `=` (all of it without one).
        // (A name with `=` is no entry's key.)
        let is_key = |kv: &String| match kv.as_bytes().get(name.len()) {
            Some(b'=') => kv.starts_with(name),
            Some(_) => false,
            None => kv == name,
        };
        let existing = if name.contains('=') {
            None
        } else {
            self.env.iter_mut().find(|kv| is_key(kv))
        };
        match existing {
            Some(slot) => *slot = entry,
            None => self.env.push(entry),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_timestamps() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_704_067_200), "2024-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(1_735_689_599), "2024-12-31T23:59:59Z");
        assert_eq!(rfc3339_utc(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn base_config_round_trips_unknown_fields_and_drops_created() {
        let json = br#"{"created":"2024-01-01T00:00:00Z","architecture":"amd64","os":"linux",
            "config":{"Env":["PATH=/bin"],"Cmd":["sh"],"Foo":1},"rootfs":{"type":"layers","diff_ids":["sha256:aa"]},
            "history":[{"created_by":"x"}],"moby.extra":true}"#;
        let image = Image::from_base_json(json).unwrap();
        assert_eq!(image.created, None);
        assert_eq!(image.config.cmd, Some(vec!["sh".to_string()]));
        assert_eq!(image.config.extra.get("Foo"), Some(&Value::from(1)));
        assert!(!image.is_empty_base());
        assert_eq!(image.platform, Platform::new("linux", "amd64"));
        assert!(!image.extra.contains_key("os") && !image.extra.contains_key("architecture"));
        let out = serde_json::to_value(&image).unwrap();
        assert_eq!(out["moby.extra"], Value::Bool(true));
        assert_eq!(out["config"]["Foo"], Value::from(1));
        assert!(out.get("created").is_none());
    }

    #[test]
    fn go_nulls_read_as_empty() {
        let json = br#"{"architecture":"amd64","os":"linux","config":{"Env":null,"Labels":null,"ExposedPorts":null},"rootfs":{"type":"layers","diff_ids":null}}"#;
        let image = Image::from_base_json(json).unwrap();
        assert!(image.config.env.is_empty());
        assert!(image.is_empty_base());
    }

    #[test]
    fn set_env_replaces_in_place() {
        let mut c = ImageConfig {
            env: vec!["A=1".into(), "B=2".into()],
            ..ImageConfig::default()
        };
        c.set_env("A", "3");
        c.set_env("C", "x=y");
        assert_eq!(c.env, ["A=3", "B=2", "C=x=y"]);
        // Keys end at the first `=`; an entry without one is all key.
        c.env.push("BARE".into());
        c.set_env("BARE", "1");
        c.set_env("B=2", "z");
        c.set_env("AB", "4");
        assert_eq!(c.env, ["A=3", "B=2", "C=x=y", "BARE=1", "B=2=z", "AB=4"]);
        assert_eq!(c.env_value("C"), Some("x=y"));
        assert_eq!(c.env_value("D"), None);
    }

    #[test]
    fn scratch_has_default_path_and_root_workdir() {
        let image = Image::scratch(&Platform::new("linux", "amd64"));
        assert_eq!(image.config.env_value("PATH"), Some(DEFAULT_PATH));
        assert_eq!(image.config.working_dir, "/");
        let out = serde_json::to_value(&image).unwrap();
        assert_eq!(out["rootfs"]["type"], "layers");
        assert!(out.get("variant").is_none());
    }
}
