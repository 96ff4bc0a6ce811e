//! Named build contexts (`docker buildx build --build-context NAME=VALUE`, frontend option
//! `context:NAME[::PLATFORM]`): what each value names, and which stages and images of the plan
//! they replace — as docker/dockerfile decides it:
//!
//! - a stage whose `AS` name has a context is replaced by it (its instructions are not run);
//! - an image a `FROM`, `COPY --from` or `--mount from=` names (not a stage) is looked up by its
//!   familiar name (`alpine`, `alpine:3`, `ghcr.io/org/x`; `:latest` dropped);
//! - `NAME::os/arch[/variant]` (the platform the stage is built for) wins over `NAME`;
//! - `scratch` and `context` are never looked up; contexts nothing uses are not loaded.

use std::collections::BTreeMap;

use super::ConvertError;
use super::plan::{Base, PlannedStage};
use crate::instructions::{GitRef, GitSource, parse_git_ref};
use crate::llb::{self, Platform};

/// What a named context's value names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextSource {
    /// `docker-image://REF`: the image (and its config) as written.
    Image(String),
    /// `docker-image://scratch`: an empty filesystem without config.
    Scratch,
    /// A git repository (`git@…`, `git://…`, `https://…/x.git#ref:dir`); the value as given.
    Git(GitRef, String),
    /// Any other `http(s)://` URL: the downloaded file.
    Http(String),
    /// `oci-layout://STORE@DIGEST` (`STORE` is the client's store id).
    OciLayout { store: String, digest: String },
    /// `local:NAME`: a directory the client exposes on the session.
    Local(String),
    /// `input:NAME`: a frontend input (buildx bake's `target:` contexts).
    Input(String),
}

impl ContextSource {
    /// Parses the value of option `context:KEY`; the error is upstream's message.
    pub fn parse(key: &str, value: &str) -> Result<Self, String> {
        let Some((scheme, rest)) = value.split_once(':') else {
            return Err(format!("invalid context specifier {value} for {key}"));
        };
        // `git@host:repo` without a scheme is an ssh git URL.
        let scheme = if scheme.starts_with("git@") {
            "git"
        } else {
            scheme
        };
        let git = || match parse_git_ref(value) {
            GitSource::Git(git) => Ok(Some(ContextSource::Git(git, value.to_string()))),
            GitSource::Invalid(message) => Err(message),
            GitSource::NotGit => Ok(None),
        };
        match scheme {
            "docker-image" => {
                let reference = rest.strip_prefix("//").unwrap_or(rest);
                Ok(if reference == "scratch" {
                    ContextSource::Scratch
                } else {
                    ContextSource::Image(reference.to_string())
                })
            }
            "git" => git()?.ok_or_else(|| format!("invalid git context {value}")),
            "http" | "https" => Ok(git()?.unwrap_or_else(|| ContextSource::Http(value.into()))),
            "oci-layout" => {
                let spec = rest.strip_prefix("//").unwrap_or(rest);
                let parse_error = |reason: &str| {
                    format!("could not parse oci-layout reference {spec:?}: {reason}")
                };
                let (name, digest) = spec
                    .split_once('@')
                    .ok_or_else(|| format!("oci-layout reference {spec:?} has no digest"))?;
                // The store id is the name without a tag.
                let store = match name.rfind(':') {
                    Some(i) if !name[i..].contains('/') => &name[..i],
                    _ => name,
                };
                if store.is_empty() {
                    return Err(parse_error("invalid reference format"));
                }
                llb::normalize_image_ref(&format!("x@{digest}"))
                    .map_err(|_| parse_error("invalid reference format"))?;
                Ok(ContextSource::OciLayout {
                    store: store.to_string(),
                    digest: digest.to_string(),
                })
            }
            "local" => Ok(ContextSource::Local(rest.to_string())),
            "input" => Ok(ContextSource::Input(rest.to_string())),
            other => Err(format!("unsupported context source {other} for {key}")),
        }
    }
}

/// A named context the plan uses, for one platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextRequest {
    /// The option's name part that matched: `NAME` or `NAME::PLATFORM` (progress names say
    /// `[context KEY]`).
    pub key: String,
    /// The familiar name looked up (`alpine`, `build`).
    pub name: String,
    pub source: ContextSource,
    /// The platform it is loaded for; `None` leaves it to the daemon (a stage without
    /// `--platform` in a build without one).
    pub platform: Option<Platform>,
}

/// What the frontend learned about a named context before dispatch.
#[derive(Debug, Clone, Default)]
pub struct ResolvedContext {
    /// An image's (docker-image, oci-layout) config and the reference BuildKit answered with.
    pub image: Option<super::ResolvedImage>,
    /// The resolved reference of an image (empty: as written, normalized).
    pub reference: String,
    /// A local directory's `.dockerignore` patterns.
    pub excludes: Vec<String>,
    /// The session a local directory (or OCI layout) comes from; empty: the build's.
    pub session: String,
    /// A frontend input's graph (`input:NAME`; `None`: scratch).
    pub state: Option<llb::Output>,
}

/// A git repository as upstream loads a git context (`DetectGitContext`): named
/// `[internal] load git source VALUE`, with the `.git` directory when the URL's query or
/// `keep_git_dir` asks for it.
pub fn git_source(git: &GitRef, value: &str, keep_git_dir: bool) -> llb::Output {
    let mut repo = llb::Git::new(git.remote.clone())
        .reference(git.reference.clone())
        .subdir(git.subdir.clone())
        .meta(llb::OpMeta::new().custom_name(format!("[internal] load git source {value}")));
    if keep_git_dir || git.keep_git_dir == Some(true) {
        repo = repo.keep_git_dir();
    }
    if !git.checksum.is_empty() {
        repo = repo.checksum(git.checksum.clone());
    }
    if git.submodules == Some(false) {
        repo = repo.skip_submodules();
    }
    repo.build()
}

/// What a git source asks of the daemon that older BuildKits lack (an `ssh://` URL or a
/// subdirectory before 0.9, a checksum before 0.23, skipping submodules before 0.24): the message for the first missing cap, so that it is refused rather
/// than sent to a daemon that fails on it (BuildKit 0.8 even crashes on a subdirectory).
/// `keep_git_dir`/`checksum` are the effective settings (flags and URL combined).
pub fn git_unsupported(
    git: &GitRef,
    checksum: bool,
    has_cap: impl Fn(&str) -> bool,
) -> Option<String> {
    // BuildKit 0.8 takes `ssh://` for a host name (`https://ssh://…`) and its daemon crashes on
    // the failed fetch; `ssh://` came with 0.9, as the subdir cap did.
    let needs = [
        (
            git.remote.starts_with("ssh://"),
            llb::caps::SOURCE_GIT_SUBDIR,
            "an ssh:// URL (user@host:path works on older daemons)",
        ),
        (
            !git.subdir.is_empty(),
            llb::caps::SOURCE_GIT_SUBDIR,
            "a subdirectory (#ref:dir)",
        ),
        (checksum, llb::caps::SOURCE_GIT_CHECKSUM, "a checksum"),
        (
            git.submodules == Some(false),
            llb::caps::SOURCE_GIT_SKIP_SUBMODULES,
            "submodules=false",
        ),
    ];
    needs
        .into_iter()
        .find(|(wanted, cap, _)| *wanted && !has_cap(cap))
        .map(|(_, cap, what)| {
            format!(
                "a git source with {what} needs a newer BuildKit (this one lacks the {cap} cap)"
            )
        })
}

/// The familiar form of an image reference as upstream matches context names:
/// `docker.io/library/alpine:latest` → `alpine`, `docker.io/org/x:1` → `org/x:1`.
pub fn familiar_name(reference: &str) -> Result<String, String> {
    let normalized = llb::normalize_image_ref(reference)
        .map_err(|e| format!("invalid context name {reference}: {e}"))?;
    let familiar = match normalized.strip_prefix("docker.io/") {
        Some(rest) => match rest.strip_prefix("library/") {
            Some(name) if !name.split(['@', ':']).next().unwrap_or("").contains('/') => name,
            _ => rest,
        },
        None => normalized.as_str(),
    };
    Ok(familiar
        .strip_suffix(":latest")
        .unwrap_or(familiar)
        .to_string())
}

/// The named contexts of a build, and the requests the plan makes of them.
#[derive(Debug, Clone, Default)]
pub struct NamedContexts<'a> {
    options: Option<&'a BTreeMap<String, String>>,
    build_platform: Option<&'a Platform>,
    pub requests: Vec<ContextRequest>,
}

impl<'a> NamedContexts<'a> {
    pub fn new(options: &'a BTreeMap<String, String>, build_platform: &'a Platform) -> Self {
        NamedContexts {
            options: (!options.is_empty()).then_some(options),
            build_platform: Some(build_platform),
            requests: Vec::new(),
        }
    }

    /// The context that replaces `name` (a stage name or an image reference) on `platform`,
    /// as an index into [`requests`](Self::requests); `None` when there is none.
    pub fn lookup(
        &mut self,
        name: &str,
        platform: Option<&Platform>,
    ) -> Result<Option<usize>, String> {
        let Some(options) = self.options else {
            return Ok(None);
        };
        if name.eq_ignore_ascii_case("scratch") || name.eq_ignore_ascii_case("context") {
            return Ok(None);
        }
        let familiar = familiar_name(name)?;
        let keyed_platform = platform.or(self.build_platform).map(Platform::normalized);
        let with_platform = keyed_platform
            .as_ref()
            .map(|p| format!("{familiar}::{}", p.format_all()));
        let Some((key, value)) = with_platform
            .into_iter()
            .chain(std::iter::once(familiar.clone()))
            .find_map(|key| options.get(&key).map(|v| (key, v)))
        else {
            return Ok(None);
        };
        let source = ContextSource::parse(&key, value)?;
        let request = ContextRequest {
            key,
            name: familiar,
            source,
            platform: platform.cloned(),
        };
        let index = match self.requests.iter().position(|r| *r == request) {
            Some(index) => index,
            None => {
                self.requests.push(request);
                self.requests.len() - 1
            }
        };
        Ok(Some(index))
    }
}

/// A stage whose `AS` name has a named context becomes that context: its FROM and
/// instructions are dropped (upstream never dispatches them).
pub(super) fn replace_stages(
    planned: &mut [PlannedStage],
    contexts: &mut NamedContexts<'_>,
    target_platform: Option<&Platform>,
) -> Result<(), ConvertError> {
    for stage in planned.iter_mut() {
        let Some(name) = stage.stage.name.clone() else {
            continue;
        };
        let span = stage.stage.source.span;
        let platform = stage.platform.as_ref().or(target_platform);
        let found = contexts
            .lookup(&name, platform)
            .map_err(|e| ConvertError::at(span, e))?;
        if let Some(context) = found {
            stage.base = Base::Context {
                context,
                replaced: true,
            };
            stage.stage.commands.clear();
        }
    }
    Ok(())
}

/// An image a FROM, `COPY --from` or `--mount from=` names is replaced by the named context
/// of its familiar name, for the platform the stage is built for.
pub(super) fn replace_images(
    planned: &mut [PlannedStage],
    contexts: &mut NamedContexts<'_>,
    target_platform: &Platform,
) -> Result<(), ConvertError> {
    for stage in planned.iter_mut() {
        let Base::Image(reference) = &stage.base else {
            continue;
        };
        let span = stage.stage.source.span;
        let platform = stage.platform.as_ref().unwrap_or(target_platform);
        let found = contexts
            .lookup(reference, Some(platform))
            .map_err(|e| ConvertError::at(span, e))?;
        if let Some(context) = found {
            stage.base = Base::Context {
                context,
                replaced: false,
            };
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn familiar_names_match_upstream() {
        for (reference, familiar) in [
            ("alpine", "alpine"),
            ("docker.io/library/alpine:latest", "alpine"),
            ("alpine:3.20", "alpine:3.20"),
            ("docker.io/org/tool:1", "org/tool:1"),
            ("127.0.0.1:5000/base", "127.0.0.1:5000/base"),
            ("ghcr.io/astral-sh/uv:latest", "ghcr.io/astral-sh/uv"),
            ("build", "build"),
        ] {
            assert_eq!(
                familiar_name(reference).as_deref(),
                Ok(familiar),
                "{reference}"
            );
        }
    }

    #[test]
    fn values_parse_as_upstream_reads_them() {
        let parse = |v: &str| ContextSource::parse("base", v);
        assert_eq!(
            parse("docker-image://alpine:3"),
            Ok(ContextSource::Image("alpine:3".into()))
        );
        assert_eq!(parse("docker-image://scratch"), Ok(ContextSource::Scratch));
        assert_eq!(parse("local:src"), Ok(ContextSource::Local("src".into())));
        assert_eq!(parse("input:base"), Ok(ContextSource::Input("base".into())));
        assert_eq!(
            parse("https://example.invalid/f.tar.gz"),
            Ok(ContextSource::Http(
                "https://example.invalid/f.tar.gz".into()
            ))
        );
        assert!(matches!(
            parse("https://example.invalid/org/repo.git#v1"),
            Ok(ContextSource::Git(g, _)) if g.reference == "v1"
        ));
        assert!(matches!(
            parse("git@example.invalid:org/repo.git"),
            Ok(ContextSource::Git(..))
        ));
        let digest = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            parse(&format!("oci-layout://store:v1@{digest}")),
            Ok(ContextSource::OciLayout {
                store: "store".into(),
                digest: digest.clone()
            })
        );
        assert_eq!(
            parse("oci-layout://store"),
            Err("oci-layout reference \"store\" has no digest".into())
        );
        assert_eq!(
            parse("nonsense"),
            Err("invalid context specifier nonsense for base".into())
        );
        assert_eq!(
            parse("ftp://x"),
            Err("unsupported context source ftp for base".into())
        );
    }

    #[test]
    fn the_platform_key_wins_and_scratch_is_never_replaced() -> Result<(), String> {
        let options = BTreeMap::from([
            ("alpine".to_string(), "docker-image://busybox".to_string()),
            (
                "alpine::linux/arm64".to_string(),
                "docker-image://arm-alpine".to_string(),
            ),
            ("scratch".to_string(), "docker-image://busybox".to_string()),
        ]);
        let build = Platform::new("linux", "amd64");
        let mut contexts = NamedContexts::new(&options, &build);
        let arm = Platform::new("linux", "arm64");
        let on_arm = contexts.lookup("docker.io/library/alpine:latest", Some(&arm))?;
        let on_build = contexts.lookup("alpine", None)?;
        assert_eq!(contexts.lookup("scratch", None)?, None);
        assert_eq!(contexts.lookup("alpine:3", None)?, None);
        let key = |i: Option<usize>| i.map(|i| contexts.requests[i].key.clone());
        assert_eq!(key(on_arm).as_deref(), Some("alpine::linux/arm64"));
        assert_eq!(key(on_build).as_deref(), Some("alpine"));
        Ok(())
    }
}
