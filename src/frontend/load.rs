//! Loading what a build reads before it converts: the Dockerfile (with its own
//! `<name>.dockerignore`) and the context's `.dockerignore`, as dockerui's `ReadEntrypoint`
//! and `DockerIgnorePatterns` do.

use super::FrontendError;
use super::options::BuildOptions;
use crate::gateway::{CacheOptionsEntry, GatewayClient};
use crate::llb::{self, Local, MarshalOptions, OpMeta};

/// The Dockerfile as loaded from the client.
pub(super) struct LoadedDockerfile {
    pub(super) data: Vec<u8>,
    pub(super) filename: String,
    /// `<Dockerfile>.dockerignore`, when it exists.
    pub(super) own_ignore: Option<Vec<u8>>,
    /// The op that loaded it (warnings about the Dockerfile are attached to it).
    pub(super) digest: String,
    /// The LLB that loaded it: as dockerui does, the source map and every source info of
    /// the Dockerfile carry it.
    pub(super) definition: llb::pb::Definition,
}

/// Read the Dockerfile (and its own ignore file) from the client's `dockerfile` local, or from
/// a remote context's source (with the file name a download is saved as).
pub(super) async fn load_dockerfile(
    client: &GatewayClient,
    opts: &BuildOptions,
    (session_id, remote): (&str, Option<(llb::Output, Option<String>)>),
    cache_imports: &[CacheOptionsEntry],
) -> Result<LoadedDockerfile, FrontendError> {
    let filename = match &remote {
        Some((_, Some(name))) => name.clone(),
        _ => opts.filename.clone(),
    };
    let ignore_name = format!("{filename}.dockerignore");
    let lowercase = lowercase_fallback(&filename);
    let mut follow = vec![filename.clone(), ignore_name.clone()];
    follow.extend(lowercase.clone());
    let local = match remote {
        Some((source, _)) => source,
        None => Local::new(opts.dockerfile_local.clone())
            .session(session_id)
            .follow_paths(&follow)
            .shared_key_hint(opts.dockerfile_local.clone())
            .differ(llb::Differ::None, false)
            .meta(
                OpMeta::new()
                    .custom_name(format!("[internal] load build definition from {filename}")),
            )
            .build(),
    };
    let definition = llb::marshal(Some(&local), &MarshalOptions::default())?;
    let ref_id = client
        .solve(definition.clone(), cache_imports, false)
        .await?;
    let (data, filename) = match client.read_file(&ref_id, &filename, None).await {
        Ok(data) => (data, filename),
        Err(first) => match lowercase {
            Some(lower) => match client.read_file(&ref_id, &lower, None).await {
                Ok(data) => (data, lower),
                Err(_) => return Err(FrontendError::ReadDockerfile(first)),
            },
            None => return Err(FrontendError::ReadDockerfile(first)),
        },
    };
    if data.is_empty() {
        return Err(FrontendError::Unsupported(
            "the Dockerfile cannot be empty".into(),
        ));
    }
    let own_ignore = client.read_file(&ref_id, &ignore_name, None).await.ok();
    Ok(LoadedDockerfile {
        data,
        filename,
        own_ignore,
        digest: local.digest().to_string(),
        definition,
    })
}

/// `dir/dockerfile` when the name is `dir/Dockerfile`.
pub(super) fn lowercase_fallback(filename: &str) -> Option<String> {
    let (dir, base) = filename.rsplit_once('/').unwrap_or(("", filename));
    (base == "Dockerfile").then(|| {
        if dir.is_empty() {
            "dockerfile".to_string()
        } else {
            format!("{dir}/dockerfile")
        }
    })
}

/// The context's `.dockerignore`; a missing or unreadable file means none.
pub(super) async fn load_context_ignore(
    client: &GatewayClient,
    opts: &BuildOptions,
    session_id: &str,
    cache_imports: &[CacheOptionsEntry],
) -> Option<Vec<u8>> {
    let local = &opts.convert.context_local;
    let ignore = LocalIgnore {
        local,
        session: session_id,
        key_hint: local,
        name: "[internal] load .dockerignore",
    };
    read_ignore(client, &ignore, cache_imports).await.ok()?
}

/// Where a local directory's `.dockerignore` is read from, and how its solve is named.
pub(super) struct LocalIgnore<'a> {
    pub local: &'a str,
    pub session: &'a str,
    /// The shared key hint, without the `-.dockerignore` suffix.
    pub key_hint: &'a str,
    /// The progress name.
    pub name: &'a str,
}

/// Reads the `.dockerignore` of a local directory as dockerui does: a solve that transfers
/// only that file. `Ok(None)` when the directory has none (or it cannot be read); a failed
/// solve is an error.
pub(super) async fn read_ignore(
    client: &GatewayClient,
    ignore: &LocalIgnore<'_>,
    cache_imports: &[CacheOptionsEntry],
) -> Result<Option<Vec<u8>>, String> {
    const IGNORE: &str = ".dockerignore";
    let local = Local::new(ignore.local)
        .session(ignore.session)
        .follow_paths(&[IGNORE.to_string()])
        .shared_key_hint(format!("{}-{IGNORE}", ignore.key_hint))
        .differ(llb::Differ::None, false)
        .meta(OpMeta::new().custom_name(ignore.name))
        .build();
    let definition =
        llb::marshal(Some(&local), &MarshalOptions::default()).map_err(|e| e.to_string())?;
    let ref_id = client
        .solve(definition, cache_imports, false)
        .await
        .map_err(|e| e.message())?;
    Ok(client.read_file(&ref_id, IGNORE, None).await.ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_dockerfile_fallback() {
        assert_eq!(
            lowercase_fallback("Dockerfile").as_deref(),
            Some("dockerfile")
        );
        assert_eq!(
            lowercase_fallback("a/Dockerfile").as_deref(),
            Some("a/dockerfile")
        );
        assert_eq!(lowercase_fallback("Dockerfile.dev"), None);
    }
}
