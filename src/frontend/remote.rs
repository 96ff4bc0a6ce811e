//! Remote build contexts (`docker buildx build <git URL | https URL>`: the `context` option
//! holds the URL), loaded as dockerui's `initContext` does:
//!
//! - a git URL is checked out (`#ref:subdir`, the query form, `BUILDKIT_CONTEXT_KEEP_GIT_DIR`);
//! - an http(s) URL is downloaded as `context`: an archive (gzip, bzip2, xz, tar) is unpacked
//!   and is the context, anything else is the Dockerfile itself;
//! - `contextsubdir` narrows the context (not the Dockerfile's source) to a directory.
//!
//! The Dockerfile is read from the remote context unless `dockerfilekey` names a local.
//! Frontend inputs (`context`, `dockerfile`) replace the locals the same way.

use super::FrontendError;
use crate::convert::contexts::{git_source, git_unsupported};
use crate::gateway::{CacheOptionsEntry, FileRange, GatewayClient};
use crate::instructions::{GitSource, parse_git_ref};
use crate::llb::{self, Caps, Copy, FileOp, Http, MarshalOptions, OpMeta, Output};

/// The name a downloaded context is saved as.
const DOWNLOAD: &str = "context";

/// A remote context, or the context and Dockerfile a client hands over as frontend inputs.
pub(super) struct RemoteContext {
    /// What the build's `COPY`/`ADD` read (`None`: the client's `context` local).
    pub context: Option<Output>,
    /// Where the Dockerfile is read from (`None`: the client's `dockerfile` local).
    pub dockerfile: Option<Output>,
    /// The Dockerfile's name there when the download is the Dockerfile itself.
    pub filename: Option<String>,
}

/// The Dockerfile (`dockerfilekey`'s input, unless that option names a local) and the
/// context (input `context`) a client hands over as frontend inputs (buildx's
/// `dockerfile-inline`, bake's contexts), as dockerui's `initContext` takes them;
/// `contextsubdir` narrows the context. `None` when neither is given.
pub(super) async fn from_inputs(
    client: &GatewayClient,
    (dockerfile_local, force_local): (&str, bool),
    subdir: Option<&str>,
) -> Result<Option<RemoteContext>, FrontendError> {
    let inputs = client.inputs().await?;
    let graph = |name: &str| -> Result<Option<Output>, FrontendError> {
        match inputs.get(name) {
            Some(definition) => Output::from_definition(definition)?
                .map(Some)
                .ok_or_else(|| {
                    FrontendError::Unsupported(format!(
                        "the frontend input {name} is empty; an empty input is not supported by this frontend yet"
                    ))
                }),
            None => Ok(None),
        }
    };
    let dockerfile = if force_local {
        None
    } else {
        graph(dockerfile_local)?
    };
    let context = match (graph("context")?, subdir) {
        (Some(context), Some(dir)) => Some(scope_to(context, dir)?),
        (context, _) => context,
    };
    if dockerfile.is_none() && context.is_none() {
        return Ok(None);
    }
    Ok(Some(RemoteContext {
        context,
        dockerfile,
        filename: None,
    }))
}

/// The directory `dir` of `context` as a context of its own (`contextsubdir`).
fn scope_to(context: Output, dir: &str) -> Result<Output, FrontendError> {
    let copy = Copy {
        dir_copy_contents: true,
        ..Copy::new(dir, "/")
    };
    Ok(FileOp::new(None).copy(Some(context), copy).build()?)
}

/// Loads the remote context `url` (solving the download to look at its first bytes).
pub(super) async fn load(
    client: &GatewayClient,
    url: &str,
    (keep_git_dir, subdir): (bool, Option<&str>),
    caps: &Caps,
    cache_imports: &[CacheOptionsEntry],
) -> Result<RemoteContext, FrontendError> {
    let (context, filename) = match parse_git_ref(url) {
        GitSource::Invalid(message) => return Err(FrontendError::Unsupported(message)),
        GitSource::Git(git) => {
            let has_cap = |cap: &str| caps.contains(cap);
            if let Some(message) = git_unsupported(&git, !git.checksum.is_empty(), has_cap) {
                return Err(FrontendError::Unsupported(format!(
                    "remote build context {url}: {message}"
                )));
            }
            (git_source(&git, url, keep_git_dir), None)
        }
        GitSource::NotGit if url.starts_with("http://") || url.starts_with("https://") => {
            download(client, url, cache_imports).await?
        }
        GitSource::NotGit => {
            return Err(FrontendError::Unsupported(format!(
                "remote build contexts ({url}) are not supported by this frontend yet"
            )));
        }
    };
    let dockerfile = context.clone();
    let context = match subdir {
        Some(dir) => scope_to(context, dir)?,
        None => context,
    };
    Ok(RemoteContext {
        context: Some(context),
        dockerfile: Some(dockerfile),
        filename,
    })
}

/// Downloads `url`: an archive becomes the unpacked context, anything else is the Dockerfile.
async fn download(
    client: &GatewayClient,
    url: &str,
    cache_imports: &[CacheOptionsEntry],
) -> Result<(Output, Option<String>), FrontendError> {
    let http = Http::new(url)
        .filename(DOWNLOAD)
        .meta(OpMeta::new().custom_name("[internal] load remote build context"))
        .build();
    let definition = llb::marshal(Some(&http), &MarshalOptions::default())?;
    let ref_id = client
        .solve(definition, cache_imports, false)
        .await
        .map_err(|e| {
            FrontendError::Unsupported(format!("failed to resolve httpcontext: {}", e.message()))
        })?;
    let range = FileRange {
        offset: 0,
        length: 1024,
    };
    let header = client
        .read_file(&ref_id, DOWNLOAD, Some(range))
        .await
        .map_err(|e| {
            FrontendError::Unsupported(format!(
                "failed to read downloaded context: {}",
                e.message()
            ))
        })?;
    if is_archive(&header) {
        let copy = Copy {
            attempt_unpack: true,
            ..Copy::new(format!("/{DOWNLOAD}"), "/")
        };
        Ok((FileOp::new(None).copy(Some(http), copy).build()?, None))
    } else {
        Ok((http, Some(DOWNLOAD.to_string())))
    }
}

/// Whether `header` (the first bytes of a download) starts an archive BuildKit unpacks:
/// bzip2, gzip or xz magic, or a valid tar header.
fn is_archive(header: &[u8]) -> bool {
    const MAGIC: [&[u8]; 3] = [
        &[0x42, 0x5A, 0x68],
        &[0x1F, 0x8B, 0x08],
        &[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00],
    ];
    MAGIC.iter().any(|m| header.starts_with(m)) || is_tar_header(header)
}

/// A 512-byte tar header whose checksum field matches its bytes (the check Go's tar reader
/// makes; an all-zero block is the end of an archive, not a header).
fn is_tar_header(header: &[u8]) -> bool {
    let Some(block) = header.get(..512) else {
        return false;
    };
    if block.iter().all(|&b| b == 0) {
        return false;
    }
    let field = &block[148..156];
    let text: String = field
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| b as char)
        .collect();
    let Ok(expected) = u64::from_str_radix(text.trim(), 8) else {
        return false;
    };
    let unsigned: u64 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    let signed: i64 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                i64::from(b as i8)
            }
        })
        .sum();
    expected == unsigned || i64::try_from(expected).is_ok_and(|e| e == signed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_header(name: &str) -> Vec<u8> {
        let mut block = vec![0u8; 512];
        block[..name.len()].copy_from_slice(name.as_bytes());
        block[100..107].copy_from_slice(b"0000644");
        block[124..135].copy_from_slice(b"00000000000");
        block[156] = b'0';
        block[257..263].copy_from_slice(b"ustar\0");
        block[148..156].copy_from_slice(b"        ");
        let sum: u32 = block.iter().map(|&b| u32::from(b)).sum();
        block[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        block
    }

    #[test]
    fn archives_are_recognised_as_upstream_does() {
        assert!(is_archive(&[0x1F, 0x8B, 0x08, 0, 0]));
        assert!(is_archive(b"BZh91AY"));
        assert!(is_archive(&[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 1]));
        assert!(is_archive(&tar_header("Dockerfile")));
        let mut corrupt = tar_header("Dockerfile");
        corrupt[0] = b'X';
        assert!(!is_archive(&corrupt));
        assert!(!is_archive(b"FROM busybox\nRUN true\n"));
        assert!(!is_archive(&[0u8; 1024]));
    }
}
