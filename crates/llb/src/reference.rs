//! Image references as Docker normalizes them (Go's `distribution/reference`:
//! `ParseNormalizedNamed` + `TagNameOnly`).

use crate::Error;

/// Normalizes an image reference like Docker does: `alpine` →
/// `docker.io/library/alpine:latest`, `localhost:5000/x` → `localhost:5000/x:latest`;
/// a digest-only reference gets no tag.
pub fn normalize_image_ref(reference: &str) -> Result<String, Error> {
    // Reasons are the texts of Go's distribution/reference errors.
    let invalid = |_: &str| Error::InvalidImageRef {
        reference: reference.to_owned(),
        reason: "invalid reference format".to_owned(),
    };
    if reference.len() == 64
        && reference
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(Error::InvalidImageRef {
            reference: reference.to_owned(),
            reason: format!(
                "invalid repository name ({reference}), cannot specify 64-byte hexadecimal strings"
            ),
        });
    }
    let (name_tag, digest) = match reference.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (reference, None),
    };
    if let Some(d) = digest {
        let (algo, hex) = d.split_once(':').ok_or_else(|| invalid("bad digest"))?;
        let algo_ok = !algo.is_empty()
            && algo
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+._-".contains(c));
        if !algo_ok || hex.len() < 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(invalid("bad digest"));
        }
    }
    let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_tag[last_slash..].rfind(':') {
        Some(i) => (
            &name_tag[..last_slash + i],
            Some(&name_tag[last_slash + i + 1..]),
        ),
        None => (name_tag, None),
    };
    if let Some(tag) = tag {
        let mut chars = tag.chars();
        let first_ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if !first_ok
            || tag.len() > 128
            || !chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        {
            return Err(invalid("bad tag"));
        }
    }
    if name.is_empty() {
        return Err(invalid("empty name"));
    }
    let (domain, path) = match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            (first, rest.to_owned())
        }
        _ => ("docker.io", name.to_owned()),
    };
    let domain = if domain == "index.docker.io" {
        "docker.io"
    } else {
        domain
    };
    let path = if domain == "docker.io" && !path.contains('/') {
        format!("library/{path}")
    } else {
        path
    };
    if path.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(Error::InvalidImageRef {
            reference: reference.to_owned(),
            reason: format!("invalid reference format: repository name ({path}) must be lowercase"),
        });
    }
    if !path.split('/').all(valid_path_component) {
        return Err(invalid("invalid repository name"));
    }
    if !domain
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
    {
        return Err(invalid("invalid domain"));
    }
    let mut out = format!("{domain}/{path}");
    match (tag, digest) {
        (Some(tag), _) => {
            out.push(':');
            out.push_str(tag);
        }
        (None, None) => out.push_str(":latest"),
        (None, Some(_)) => {}
    }
    if let Some(d) = digest {
        out.push('@');
        out.push_str(d);
    }
    Ok(out)
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
fn valid_path_component(component: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    component.chars().next().is_some_and(alnum)
        && component.chars().last().is_some_and(alnum)
        && component
            .split(alnum)
            .filter(|sep| !sep.is_empty())
            .all(|sep| matches!(sep, "." | "_" | "__") || sep.chars().all(|c| c == '-'))
}
