//! HEALTHCHECK settings and Go-compatible durations (`30s`, `1m30s`, `100ms`).

use std::time::Duration;

use super::errors::InvalidInput;
use crate::dockerfile::go_quote;

/// The health check of an image config (`Healthcheck` in the OCI/Docker config).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HealthConfig {
    /// `["NONE"]`, `["CMD", args…]` (JSON form) or `["CMD-SHELL", "command line"]`.
    pub test: Vec<String>,
    /// Zero means "not set" (inherit/default), as in the image config.
    pub interval: Duration,
    pub timeout: Duration,
    pub start_period: Duration,
    pub start_interval: Duration,
    /// Zero means "not set".
    pub retries: i32,
}

impl HealthConfig {
    /// Go's `%q` of a pointer to the config, as BuildKit writes it into the image history:
    /// `&{["CMD-SHELL" "curl -f http://x/"] "30s" "3s" "0s" "0s" '\x03'}`. BuildKit 0.8's
    /// config has no `StartInterval` field, so pass `with_start_interval = false` for it.
    pub fn history_string(&self, with_start_interval: bool) -> String {
        let test: Vec<String> = self.test.iter().map(|t| go_quote(t)).collect();
        let mut durations = vec![self.interval, self.timeout, self.start_period];
        if with_start_interval {
            durations.push(self.start_interval);
        }
        let durations: Vec<String> = durations
            .into_iter()
            .map(|d| go_quote(&go_duration_string(d)))
            .collect();
        format!(
            "&{{[{}] {} {}}}",
            test.join(" "),
            durations.join(" "),
            go_quote_rune(self.retries)
        )
    }
}

/// Go's `%q` of an integer: a single-quoted character literal (`'A'`, `'\x03'`).
fn go_quote_rune(value: i32) -> String {
    let c = u32::try_from(value)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{fffd}');
    let body = match c {
        '\'' => "\\'".to_string(),
        '\\' => "\\\\".to_string(),
        '\x07' => "\\a".to_string(),
        '\x08' => "\\b".to_string(),
        '\x0c' => "\\f".to_string(),
        '\n' => "\\n".to_string(),
        '\r' => "\\r".to_string(),
        '\t' => "\\t".to_string(),
        '\x0b' => "\\v".to_string(),
        c if (c as u32) < 0x20 || c == '\x7f' => format!("\\x{:02x}", c as u32),
        c if c.is_control() && (c as u32) < 0x10000 => format!("\\u{:04x}", c as u32),
        c if c.is_control() => format!("\\U{:08x}", c as u32),
        c => c.to_string(),
    };
    format!("'{body}'")
}

/// The shortest health check interval BuildKit accepts (other than 0).
pub const MINIMUM_DURATION: Duration = Duration::from_millis(1);

/// Parse an interval flag (`--interval`, `--timeout`, `--start-period`, `--start-interval`):
/// empty or zero means unset; anything else must be at least 1ms
/// (`Interval "interval" cannot be less than 1ms`).
pub(crate) fn parse_interval(flag: &str, value: &str) -> Result<Duration, InvalidInput> {
    if value.is_empty() {
        return Ok(Duration::ZERO);
    }
    let nanos = parse_go_duration(value)?;
    if nanos == 0 {
        return Ok(Duration::ZERO);
    }
    match u64::try_from(nanos) {
        Ok(n) if Duration::from_nanos(n) >= MINIMUM_DURATION => Ok(Duration::from_nanos(n)),
        _ => Err(InvalidInput(format!(
            "Interval {flag:?} cannot be less than {}",
            go_duration_string(MINIMUM_DURATION)
        ))),
    }
}

/// Parse `--retries`: a 32-bit integer, not negative; empty means unset (0).
pub(crate) fn parse_retries(value: &str) -> Result<i32, InvalidInput> {
    if value.is_empty() {
        return Ok(0);
    }
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    let parsed = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        value.parse::<i64>().ok()
    } else {
        None
    };
    let Some(n) = parsed else {
        return Err(InvalidInput(format!(
            "strconv.ParseInt: parsing {value:?}: invalid syntax"
        )));
    };
    let Ok(n) = i32::try_from(n) else {
        return Err(InvalidInput(format!(
            "strconv.ParseInt: parsing {value:?}: value out of range"
        )));
    };
    if n < 0 {
        return Err(InvalidInput(format!("--retries cannot be negative ({n})")));
    }
    Ok(n)
}

/// Go's `time.ParseDuration`, in nanoseconds: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` with units
/// `ns`, `us`/`µs`/`μs`, `ms`, `s`, `m`, `h`; a bare `0` is allowed.
pub fn parse_go_duration(text: &str) -> Result<i64, InvalidInput> {
    let invalid = || InvalidInput(format!("time: invalid duration {text:?}"));
    let mut s = text;
    let mut negative = false;
    if let Some(rest) = s.strip_prefix('-') {
        negative = true;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, rest) = s.split_at(int_len);
        s = rest;
        let mut frac_part = "";
        if let Some(rest) = s.strip_prefix('.') {
            let frac_len = rest.bytes().take_while(u8::is_ascii_digit).count();
            (frac_part, s) = rest.split_at(frac_len);
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = s
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        let (unit, rest) = s.split_at(unit_len);
        s = rest;
        if unit.is_empty() {
            return Err(InvalidInput(format!(
                "time: missing unit in duration {text:?}"
            )));
        }
        let unit_nanos: u128 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(InvalidInput(format!(
                    "time: unknown unit {unit:?} in duration {text:?}"
                )));
            }
        };
        let whole: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| invalid())?
        };
        let mut value = whole.checked_mul(unit_nanos).ok_or_else(invalid)?;
        // Fractional digits beyond the unit's precision are dropped, as Go does.
        let mut scale = unit_nanos;
        for digit in frac_part.bytes() {
            if scale < 10 {
                break;
            }
            scale /= 10;
            value += u128::from(digit - b'0') * scale;
        }
        total = total.checked_add(value).ok_or_else(invalid)?;
        if total > i64::MAX as u128 + u128::from(negative) {
            return Err(invalid());
        }
    }
    let total = i128::try_from(total).map_err(|_| invalid())?;
    let signed = if negative { -total } else { total };
    i64::try_from(signed).map_err(|_| invalid())
}

/// Go's `time.Duration.String()`: `0s`, `1.5µs`, `100ms`, `1m30s`, `2h0m0s`.
pub fn go_duration_string(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos == 0 {
        return "0s".into();
    }
    if nanos < 1_000_000_000 {
        let (unit, per) = if nanos < 1_000 {
            ("ns", 1)
        } else if nanos < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{}{unit}", decimal(nanos, per));
    }
    let hours = nanos / 3_600_000_000_000;
    let minutes = nanos / 60_000_000_000 % 60;
    let seconds = decimal(nanos % 60_000_000_000, 1_000_000_000);
    if hours > 0 {
        format!("{hours}h{minutes}m{seconds}s")
    } else if minutes > 0 {
        format!("{minutes}m{seconds}s")
    } else {
        format!("{seconds}s")
    }
}

/// `value / per` with the fraction written out and trailing zeros dropped.
fn decimal(value: u128, per: u128) -> String {
    let whole = value / per;
    let frac = value % per;
    if frac == 0 {
        return whole.to_string();
    }
    let width = per.ilog10() as usize;
    let digits = format!("{frac:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse_go_duration("0").unwrap(), 0);
        assert_eq!(parse_go_duration("1ms").unwrap(), 1_000_000);
        assert_eq!(parse_go_duration("1m30s").unwrap(), 90_000_000_000);
        assert_eq!(parse_go_duration("1.5h").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_go_duration(".5s").unwrap(), 500_000_000);
        assert_eq!(parse_go_duration("-2s").unwrap(), -2_000_000_000);
        assert_eq!(parse_go_duration("50ns").unwrap(), 50);
        assert_eq!(parse_go_duration("3µs").unwrap(), 3_000);
        assert_eq!(
            parse_go_duration("1").unwrap_err().0,
            r#"time: missing unit in duration "1""#
        );
        assert_eq!(
            parse_go_duration("1x").unwrap_err().0,
            r#"time: unknown unit "x" in duration "1x""#
        );
        assert_eq!(
            parse_go_duration("").unwrap_err().0,
            r#"time: invalid duration """#
        );
        assert!(parse_go_duration("s").is_err());
        assert!(parse_go_duration("9999999999h").is_err());
    }

    #[test]
    fn formats_go_durations() {
        let s = |n: u64| go_duration_string(Duration::from_nanos(n));
        assert_eq!(s(0), "0s");
        assert_eq!(s(50), "50ns");
        assert_eq!(s(1_500), "1.5µs");
        assert_eq!(s(100_000_000), "100ms");
        assert_eq!(s(1_000_000_000), "1s");
        assert_eq!(s(90_000_000_000), "1m30s");
        assert_eq!(s(3_600_000_000_000), "1h0m0s");
        assert_eq!(s(3_723_500_000_000), "1h2m3.5s");
    }

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("interval", "").unwrap(), Duration::ZERO);
        assert_eq!(parse_interval("interval", "0ms").unwrap(), Duration::ZERO);
        assert_eq!(
            parse_interval("interval", "1ms").unwrap(),
            Duration::from_millis(1)
        );
        assert_eq!(
            parse_interval("interval", "50ns").unwrap_err().0,
            r#"Interval "interval" cannot be less than 1ms"#
        );
        assert!(parse_interval("timeout", "-5s").is_err());
    }

    #[test]
    fn retries() {
        assert_eq!(parse_retries("").unwrap(), 0);
        assert_eq!(parse_retries("5").unwrap(), 5);
        assert_eq!(
            parse_retries("-1").unwrap_err().0,
            "--retries cannot be negative (-1)"
        );
        assert!(parse_retries("x").is_err());
        assert!(parse_retries("99999999999").is_err());
    }

    #[test]
    fn history_string() {
        let hc = HealthConfig {
            test: vec!["bin".into(), "-c".into(), "exit 0".into()],
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(10),
            start_period: Duration::from_secs(3),
            start_interval: Duration::from_millis(100),
            retries: 5,
        };
        assert_eq!(
            hc.history_string(true),
            r#"&{["bin" "-c" "exit 0"] "1s" "10s" "3s" "100ms" '\x05'}"#
        );
        assert_eq!(
            hc.history_string(false),
            r#"&{["bin" "-c" "exit 0"] "1s" "10s" "3s" '\x05'}"#
        );
        assert_eq!(go_quote_rune(65), "'A'");
        assert_eq!(go_quote_rune(10), r"'\n'");
        assert_eq!(go_quote_rune(0), r"'\x00'");
    }
}
