//! `RUN --device=<CDI device>[,required]` (repeatable).

use super::RunFlag;
use crate::instructions::csv::split_record;
use crate::instructions::errors::InvalidInput;
use crate::instructions::flags::{FlagSpec, ParsedFlags, parse_go_bool};
use crate::instructions::suggest::with_suggestion;

/// The `--device` values of a RUN, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Devices(pub Vec<Device>);

impl RunFlag for Devices {
    const SPEC: FlagSpec = FlagSpec::strings("device");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        flags
            .strings("device")
            .iter()
            .map(|w| parse_device(&w.text))
            .collect::<Result<_, _>>()
            .map(Devices)
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
                device.required = parse_go_bool(field_value).ok_or_else(|| {
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
