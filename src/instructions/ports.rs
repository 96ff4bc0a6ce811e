//! EXPOSE port specs: `[ip:][hostPort:]containerPort[/proto]`, ranges allowed.

use std::net::IpAddr;

use super::errors::InvalidInput;

/// Turn already-expanded EXPOSE words into `port/proto` entries (`80/tcp`, `53/udp`), in
/// order, ranges expanded. Only the container port is kept; an IP or host port is checked and
/// dropped. Errors read `invalid port: "<spec>": <reason>`.
pub fn parse_port_specs<S: AsRef<str>>(specs: &[S]) -> Result<Vec<String>, InvalidInput> {
    let mut out = Vec::new();
    for spec in specs {
        let spec = spec.as_ref();
        let ports = parse_port_spec(spec)
            .map_err(|reason| InvalidInput(format!("invalid port: {spec:?}: {reason}")))?;
        out.extend(ports);
    }
    Ok(out)
}

fn parse_port_spec(raw: &str) -> Result<Vec<String>, String> {
    let (ip, host_port, container) = split_parts(raw);
    let (port, proto) = container.split_once('/').unwrap_or((container, ""));
    if port.is_empty() {
        return Err("no port specified".into());
    }
    let proto = match proto.to_lowercase().as_str() {
        "" | "tcp" => "tcp",
        "udp" => "udp",
        "sctp" => "sctp",
        other => return Err(format!("invalid proto: {other}")),
    };
    if !ip.is_empty() {
        let bare = match ip.strip_prefix('[') {
            Some(inner) => inner
                .strip_suffix(']')
                .ok_or_else(|| format!("invalid IP address {ip}: missing ']' in address"))?,
            None => ip,
        };
        if bare.parse::<IpAddr>().is_err() {
            return Err(format!("invalid IP address: {ip}"));
        }
    }
    let (start, end) =
        parse_port_range(port).ok_or_else(|| format!("invalid containerPort: {port}"))?;
    if !host_port.is_empty() {
        let (host_start, host_end) =
            parse_port_range(host_port).ok_or_else(|| format!("invalid hostPort: {host_port}"))?;
        if end - start != host_end - host_start && end != start {
            return Err(format!(
                "invalid ranges specified for container and host Ports: {port} and {host_port}"
            ));
        }
    }
    Ok((start..=end).map(|p| format!("{p}/{proto}")).collect())
}

/// `ip:host:container`, where the IP may itself contain `:` (IPv6).
fn split_parts(raw: &str) -> (&str, &str, &str) {
    let parts: Vec<&str> = raw.split(':').collect();
    match parts.as_slice() {
        [container] => ("", "", container),
        [host, container] => ("", host, container),
        [ip, host, container] => (ip, host, container),
        _ => {
            // Everything before the last two colons is the IP.
            let mut it = raw.rsplitn(3, ':');
            let container = it.next().unwrap_or("");
            let host = it.next().unwrap_or("");
            let ip = it.next().unwrap_or("");
            (ip, host, container)
        }
    }
}

/// `80` or `8000-8010`, each a 16-bit number, `end >= start`.
fn parse_port_range(ports: &str) -> Option<(u32, u32)> {
    let number = |s: &str| -> Option<u32> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<u16>().ok().map(u32::from)
    };
    match ports.split_once('-') {
        None => number(ports).map(|p| (p, p)),
        Some((a, b)) => {
            let (start, end) = (number(a)?, number(b)?);
            (end >= start).then_some((start, end))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_port_range("80"), Some((80, 80)));
        assert_eq!(parse_port_range("1-3"), Some((1, 3)));
        assert_eq!(parse_port_range("3-1"), None);
        assert_eq!(parse_port_range("1-2-3"), None);
        assert_eq!(parse_port_range("65536"), None);
        assert_eq!(parse_port_range("+1"), None);
    }

    #[test]
    fn parts() {
        assert_eq!(split_parts("80"), ("", "", "80"));
        assert_eq!(split_parts("1:80"), ("", "1", "80"));
        assert_eq!(split_parts("::1:80:80"), ("::1", "80", "80"));
        assert_eq!(split_parts("::::80"), ("::", "", "80"));
    }
}
