//! `RUN --network`, `RUN --security` and `RUN --device` values.

use super::csv::split_record;
use super::errors::InvalidInput;
use super::mount::go_parse_bool;
use super::suggest::with_suggestion;

/// `RUN --network=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NetworkMode {
    #[default]
    Default,
    None,
    Host,
}

impl NetworkMode {
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkMode::Default => "default",
            NetworkMode::None => "none",
            NetworkMode::Host => "host",
        }
    }

    /// Exact (case-sensitive) match; error `invalid network mode "x"`.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        match value {
            "default" => Ok(NetworkMode::Default),
            "none" => Ok(NetworkMode::None),
            "host" => Ok(NetworkMode::Host),
            _ => Err(InvalidInput(format!("invalid network mode {value:?}"))),
        }
    }
}

/// `RUN --security=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecurityMode {
    #[default]
    Sandbox,
    Insecure,
}

impl SecurityMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityMode::Sandbox => "sandbox",
            SecurityMode::Insecure => "insecure",
        }
    }

    /// Exact (case-sensitive) match; error `security "x" is not valid`.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        match value {
            "sandbox" => Ok(SecurityMode::Sandbox),
            "insecure" => Ok(SecurityMode::Insecure),
            _ => Err(InvalidInput(format!("security {value:?} is not valid"))),
        }
    }
}

/// One `RUN --device=…` (a CDI device name, e.g. `vendor1.com/device=foo`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Device {
    pub name: String,
    pub required: bool,
}

/// Parse a `--device` value: `name[,required[=bool]]` or `name=…[,required…]`.
///
/// The first field without a known key is the name; `name=` may be given once.
pub fn parse_device(value: &str) -> Result<Device, InvalidInput> {
    let fields = split_record(value)
        .map_err(|e| InvalidInput(format!("failed to parse csv devices: {e}")))?;
    let mut device = Device::default();
    for field in fields {
        let Some((raw_key, field_value)) = field.split_once('=') else {
            if field.eq_ignore_ascii_case("required") {
                device.required = true;
            } else if device.name.is_empty() {
                device.name = field;
            } else {
                return Err(InvalidInput(format!(
                    "invalid field '{field}' must be a key=value pair"
                )));
            }
            continue;
        };
        let key = raw_key.to_lowercase();
        match key.as_str() {
            "name" => {
                if !device.name.is_empty() {
                    return Err(InvalidInput(format!(
                        "device name already set to {}",
                        device.name
                    )));
                }
                device.name = field_value.to_string();
            }
            "required" => {
                device.required = go_parse_bool(field_value).ok_or_else(|| {
                    InvalidInput(format!("invalid value for {key}: {field_value}"))
                })?;
            }
            _ if device.name.is_empty() => device.name = field.clone(),
            _ => {
                return Err(InvalidInput(with_suggestion(
                    format!("unexpected key '{key}' in '{field}'"),
                    &key,
                    ["name", "required"],
                    true,
                )));
            }
        }
    }
    Ok(device)
}
