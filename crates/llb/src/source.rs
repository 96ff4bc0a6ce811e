//! Source ops: container images, client directories (`local://`), HTTP files and git repos.
//!
//! Each builder collects the attrs of protocol doc §5 and the caps they need; `build` makes
//! the op. Only image sources carry a platform (the Go client does the same).
//!
//! These are Go's `llb.Image`, `llb.Local`, `llb.HTTP` and `llb.Git` (`client/llb/source.go`):
//! `pb.SourceOp` with an identifier and string attrs.

use std::collections::{BTreeMap, BTreeSet};

use super::Error;
use super::caps;
use super::file::clean_path;
use super::graph::{Inputs, OpMeta, Output, new_output};
use super::platform::Platform;
use super::reference::normalize_image_ref;
use crate::proto::pb;

fn source_output(
    identifier: String,
    attrs: BTreeMap<String, String>,
    platform: Option<&Platform>,
    caps: BTreeSet<&'static str>,
    meta: OpMeta,
) -> Output {
    let op = pb::Op {
        platform: platform.map(Platform::to_pb),
        op: Some(pb::op::Op::Source(pb::SourceOp { identifier, attrs })),
        ..pb::Op::default()
    };
    new_output(op, Inputs::default(), caps, meta)
}

/// `image.resolvemode`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResolveMode {
    /// No attr: the daemon decides.
    #[default]
    Default,
    /// Always pull (`pull`).
    Pull,
    /// Prefer a local image (`local`).
    Local,
}

impl ResolveMode {
    /// Parses the `image-resolve-mode` option (`default`, `pull`, `local`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "" | "default" => Some(Self::Default),
            "pull" => Some(Self::Pull),
            "local" => Some(Self::Local),
            _ => None,
        }
    }

    /// The option and attr spelling: `default`, `pull` or `local`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Pull => "pull",
            Self::Local => "local",
        }
    }
}

/// A `docker-image://` source: an image's root filesystem, pulled from a registry (or taken
/// from the daemon's image store).
///
/// Only the filesystem: the image config (`Env`, `WorkingDir`, `Entrypoint`, …) is not part of
/// LLB. Fetch it with the gateway's `ResolveImageConfig` and apply what matters yourself (an
/// [`Exec`](crate::Exec) on this image gets no environment otherwise). Pin the reference with
/// the digest that call returns to build exactly the image whose config you read.
///
/// ```
/// use rustfront_llb::{Image, Platform, ResolveMode};
///
/// let alpine = Image::new("alpine:3.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
///     .platform(Platform::parse("linux/amd64")?)
///     .resolve_mode(ResolveMode::Pull)
///     .build()?;
/// assert!(alpine.meta().caps.contains("source.image.resolvemode"));
/// # Ok::<(), rustfront_llb::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Image {
    reference: String,
    platform: Option<Platform>,
    resolve_mode: ResolveMode,
    record_type: String,
    meta: OpMeta,
}

impl Image {
    /// `reference` is normalized on build (`alpine` → `docker.io/library/alpine:latest`).
    pub fn new(reference: impl Into<String>) -> Self {
        Image {
            reference: reference.into(),
            platform: None,
            resolve_mode: ResolveMode::Default,
            record_type: String::new(),
            meta: OpMeta::default(),
        }
    }

    /// The platform to pull (and `Op.platform`). Without one the daemon's default is used.
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }

    /// `image.resolvemode`: whether to check the registry for a newer image or prefer one the
    /// daemon has. [`ResolveMode::Pull`] declares
    /// [`caps::SOURCE_IMAGE_RESOLVE_MODE`](crate::caps::SOURCE_IMAGE_RESOLVE_MODE).
    pub fn resolve_mode(mut self, mode: ResolveMode) -> Self {
        self.resolve_mode = mode;
        self
    }

    /// `image.recordtype` (`frontend`, `regular`, `internal`).
    pub fn record_type(mut self, record_type: impl Into<String>) -> Self {
        self.record_type = record_type.into();
        self
    }

    /// Progress name, cache flags, extra caps and source locations; see [`OpMeta`].
    pub fn meta(mut self, meta: OpMeta) -> Self {
        self.meta = meta;
        self
    }

    /// Normalizes the reference and marshals the op.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidImageRef`] when the reference does not parse (see
    /// [`normalize_image_ref`]).
    pub fn build(self) -> Result<Output, Error> {
        let reference = normalize_image_ref(&self.reference)?;
        let mut attrs = BTreeMap::new();
        let mut caps = BTreeSet::from([caps::SOURCE_IMAGE]);
        if self.resolve_mode != ResolveMode::Default {
            attrs.insert(
                "image.resolvemode".into(),
                self.resolve_mode.as_str().into(),
            );
            if self.resolve_mode == ResolveMode::Pull {
                caps.insert(caps::SOURCE_IMAGE_RESOLVE_MODE);
            }
        }
        if !self.record_type.is_empty() {
            attrs.insert("image.recordtype".into(), self.record_type);
        }
        Ok(source_output(
            format!("docker-image://{reference}"),
            attrs,
            self.platform.as_ref(),
            caps,
            self.meta,
        ))
    }
}

/// An `oci-layout://<name>@<digest>` source: an image from an OCI layout directory the client
/// exposes on the session (buildx `--build-context name=oci-layout://dir@digest`).
///
/// ```
/// use rustfront_llb::OciLayout;
///
/// let digest = format!("sha256:{}", "0".repeat(64));
/// let base = OciLayout::new(format!("docker.io/library/base@{digest}"))
///     .store("session-id", "store-name")
///     .build();
/// assert!(base.meta().caps.contains("source.ocilayout"));
/// ```
#[derive(Debug, Clone)]
pub struct OciLayout {
    reference: String,
    attrs: BTreeMap<String, String>,
    platform: Option<Platform>,
    meta: OpMeta,
}

impl OciLayout {
    /// The image `reference` (a name with a digest; only the digest selects the image).
    pub fn new(reference: impl Into<String>) -> Self {
        OciLayout {
            reference: reference.into(),
            attrs: BTreeMap::new(),
            platform: None,
            meta: OpMeta::default(),
        }
    }

    /// `oci.session` / `oci.store`: the session that exposes the layout and its store id
    /// (empty values set nothing, as in Go).
    pub fn store(mut self, session: impl Into<String>, store: impl Into<String>) -> Self {
        for (key, value) in [("oci.session", session.into()), ("oci.store", store.into())] {
            if !value.is_empty() {
                self.attrs.insert(key.into(), value);
            }
        }
        self
    }

    /// The platform to load (and `Op.platform`).
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }

    /// Progress name, cache flags, extra caps and source locations; see [`OpMeta`].
    pub fn meta(mut self, meta: OpMeta) -> Self {
        self.meta = meta;
        self
    }

    /// Marshals the op.
    pub fn build(self) -> Output {
        source_output(
            format!("oci-layout://{}", self.reference),
            self.attrs,
            self.platform.as_ref(),
            BTreeSet::from([caps::SOURCE_OCI_LAYOUT]),
            self.meta,
        )
    }
}

/// `local.differ`: how the client compares files with the previous transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Differ {
    /// Send everything (`none`).
    None,
    /// Compare metadata (`metadata`), the default.
    Metadata,
}

/// A `local://<name>` source: a directory the client exposes on the session.
///
/// `docker build` and buildx expose the build context as `context` and the directory of the
/// Dockerfile as `dockerfile`. BuildKit transfers the files when the source is solved; narrow
/// the transfer with [`follow_paths`](Self::follow_paths) or
/// [`exclude_patterns`](Self::exclude_patterns).
///
/// ```
/// use rustfront_llb::Local;
///
/// let manifest = Local::new("context")
///     .session("sessionid-from-BUILDKIT_SESSION_ID")
///     .follow_paths(&["Cargo.toml".to_owned()])
///     .shared_key_hint("Cargo.toml")
///     .build();
/// assert!(manifest.meta().caps.contains("source.local.followpaths"));
/// ```
#[derive(Debug, Clone)]
pub struct Local {
    name: String,
    attrs: BTreeMap<String, String>,
    caps: BTreeSet<&'static str>,
    meta: OpMeta,
}

impl Local {
    /// The client directory named `name` (attrs are added by the other methods).
    pub fn new(name: impl Into<String>) -> Self {
        Local {
            name: name.into(),
            attrs: BTreeMap::new(),
            caps: BTreeSet::from([caps::SOURCE_LOCAL]),
            meta: OpMeta::default(),
        }
    }

    fn attr(mut self, key: &str, value: String, cap: &'static str) -> Self {
        self.attrs.insert(key.to_owned(), value);
        self.caps.insert(cap);
        self
    }

    fn list_attr(self, key: &str, values: &[String], cap: &'static str) -> Self {
        if values.is_empty() {
            return self;
        }
        self.attr(key, go_json_strings(values), cap)
    }

    /// `local.session`: always set it, or the op is not deterministic across clients.
    pub fn session(self, id: impl Into<String>) -> Self {
        self.attr("local.session", id.into(), caps::SOURCE_LOCAL_SESSION_ID)
    }

    /// `local.unique`: a cache-buster for sources without a session.
    pub fn unique(self, id: impl Into<String>) -> Self {
        self.attr("local.unique", id.into(), caps::SOURCE_LOCAL_UNIQUE)
    }

    /// `local.includepattern` (JSON array); nothing when empty.
    pub fn include_patterns(self, patterns: &[String]) -> Self {
        self.list_attr(
            "local.includepattern",
            patterns,
            caps::SOURCE_LOCAL_INCLUDE_PATTERNS,
        )
    }

    /// `local.excludepatterns` (JSON array); nothing when empty.
    pub fn exclude_patterns(self, patterns: &[String]) -> Self {
        self.list_attr(
            "local.excludepatterns",
            patterns,
            caps::SOURCE_LOCAL_EXCLUDE_PATTERNS,
        )
    }

    /// `local.followpaths` (JSON array); nothing when empty.
    pub fn follow_paths(self, paths: &[String]) -> Self {
        self.list_attr("local.followpaths", paths, caps::SOURCE_LOCAL_FOLLOW_PATHS)
    }

    /// `local.sharedkeyhint`.
    pub fn shared_key_hint(self, hint: impl Into<String>) -> Self {
        self.attr(
            "local.sharedkeyhint",
            hint.into(),
            caps::SOURCE_LOCAL_SHARED_KEY_HINT,
        )
    }

    /// `local.differ`. Daemons before v0.9 ignore the attr, so it is safe to send; only when
    /// `required` is the `source.local.differ` cap added (which those daemons reject).
    pub fn differ(mut self, differ: Differ, required: bool) -> Self {
        let value = match differ {
            Differ::None => "none",
            Differ::Metadata => "metadata",
        };
        self.attrs.insert("local.differ".into(), value.into());
        if required {
            self.caps.insert(caps::SOURCE_LOCAL_DIFFER);
        }
        self
    }

    /// Progress name, cache flags, extra caps and source locations; see [`OpMeta`].
    pub fn meta(mut self, meta: OpMeta) -> Self {
        self.meta = meta;
        self
    }

    /// Marshals the op.
    pub fn build(self) -> Output {
        source_output(
            format!("local://{}", self.name),
            self.attrs,
            None,
            self.caps,
            self.meta,
        )
    }
}

/// An `http://` or `https://` source: one downloaded file, at the root of an otherwise empty
/// state. BuildKit names it [`filename`](Self::filename) if set, else after the server's
/// `Content-Disposition`, else after the URL's last path segment, else `download`.
#[derive(Debug, Clone)]
pub struct Http {
    url: String,
    attrs: BTreeMap<String, String>,
    caps: BTreeSet<&'static str>,
    meta: OpMeta,
}

impl Http {
    /// Downloads `url` (the identifier is the URL itself).
    pub fn new(url: impl Into<String>) -> Self {
        Http {
            url: url.into(),
            attrs: BTreeMap::new(),
            caps: BTreeSet::from([caps::SOURCE_HTTP]),
            meta: OpMeta::default(),
        }
    }

    /// `http.checksum`: the expected digest of the content.
    pub fn checksum(mut self, digest: impl Into<String>) -> Self {
        self.attrs.insert("http.checksum".into(), digest.into());
        self.caps.insert(caps::SOURCE_HTTP_CHECKSUM);
        self
    }

    /// `http.filename`: the name of the file in the result.
    pub fn filename(mut self, name: impl Into<String>) -> Self {
        self.attrs.insert("http.filename".into(), name.into());
        self
    }

    /// `http.perm` (permission bits; 0 sets nothing).
    pub fn perm(mut self, mode: u32) -> Self {
        let mode = mode & 0o777;
        if mode != 0 {
            self.attrs.insert("http.perm".into(), format!("0{mode:o}"));
            self.caps.insert(caps::SOURCE_HTTP_PERM);
        }
        self
    }

    /// `http.uid` / `http.gid` (0 sets nothing, as in Go).
    pub fn owner(mut self, uid: u32, gid: u32) -> Self {
        for (key, id) in [("http.uid", uid), ("http.gid", gid)] {
            if id != 0 {
                self.attrs.insert(key.into(), id.to_string());
                self.caps.insert(caps::SOURCE_HTTP_UID_GID);
            }
        }
        self
    }

    /// Progress name, cache flags, extra caps and source locations; see [`OpMeta`].
    pub fn meta(mut self, meta: OpMeta) -> Self {
        self.meta = meta;
        self
    }

    /// Marshals the op.
    pub fn build(self) -> Output {
        source_output(self.url, self.attrs, None, self.caps, self.meta)
    }
}

/// A `git://` source: a checkout of one ref of a repository (without `.git` unless
/// [`keep_git_dir`](Self::keep_git_dir)).
///
/// ```
/// use rustfront_llb::Git;
///
/// let src = Git::new("https://github.com/moby/buildkit.git#v0.13.2").build();
/// assert!(src.meta().caps.contains("source.git"));
/// ```
#[derive(Debug, Clone)]
pub struct Git {
    url: String,
    reference: String,
    subdir: String,
    keep_git_dir: bool,
    auth_token_secret: Option<String>,
    auth_header_secret: Option<String>,
    known_ssh_hosts: String,
    mount_ssh_sock: String,
    checksum: String,
    skip_submodules: bool,
    meta: OpMeta,
}

impl Git {
    /// `url` is any git remote (`https://…`, `git@host:path`, `ssh://…`, `git://…`, or
    /// `host/path` meaning https). A `#ref[:subdir]` fragment is taken as the ref and subdir.
    pub fn new(url: impl Into<String>) -> Self {
        let url = url.into();
        let (url, reference, subdir) = match url.split_once('#') {
            Some((url, fragment)) => {
                let (reference, subdir) = fragment.split_once(':').unwrap_or((fragment, ""));
                (url.to_owned(), reference.to_owned(), subdir.to_owned())
            }
            None => (url, String::new(), String::new()),
        };
        Git {
            url,
            reference,
            subdir,
            keep_git_dir: false,
            auth_token_secret: None,
            auth_header_secret: None,
            known_ssh_hosts: String::new(),
            mount_ssh_sock: String::new(),
            checksum: String::new(),
            skip_submodules: false,
            meta: OpMeta::default(),
        }
    }

    /// `git.checksum`: the commit the ref must resolve to.
    pub fn checksum(mut self, commit: impl Into<String>) -> Self {
        self.checksum = commit.into();
        self
    }

    /// `git.skipsubmodules=true`.
    pub fn skip_submodules(mut self) -> Self {
        self.skip_submodules = true;
        self
    }

    /// The branch, tag or commit.
    pub fn reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = reference.into();
        self
    }

    /// Only this directory of the checkout becomes the state (BuildKit v0.9+).
    pub fn subdir(mut self, subdir: impl Into<String>) -> Self {
        self.subdir = subdir.into();
        self
    }

    /// `git.keepgitdir=true`.
    pub fn keep_git_dir(mut self) -> Self {
        self.keep_git_dir = true;
        self
    }

    /// The secret holding an auth token (default `GIT_AUTH_TOKEN`).
    pub fn auth_token_secret(mut self, id: impl Into<String>) -> Self {
        self.auth_token_secret = Some(id.into());
        self
    }

    /// The secret holding an auth header (default `GIT_AUTH_HEADER`).
    pub fn auth_header_secret(mut self, id: impl Into<String>) -> Self {
        self.auth_header_secret = Some(id.into());
        self
    }

    /// `git.knownsshhosts` (ssh remotes only).
    pub fn known_ssh_hosts(mut self, hosts: impl Into<String>) -> Self {
        self.known_ssh_hosts = hosts.into();
        self
    }

    /// `git.mountsshsock`: the SSH agent ID (ssh remotes only; default `default`).
    pub fn mount_ssh_sock(mut self, id: impl Into<String>) -> Self {
        self.mount_ssh_sock = id.into();
        self
    }

    /// Progress name, cache flags, extra caps and source locations; see [`OpMeta`].
    pub fn meta(mut self, meta: OpMeta) -> Self {
        self.meta = meta;
        self
    }

    /// Marshals the op. The identifier is `git://<host>/<path>[#<ref>[:<subdir>]]` and the
    /// remote as given goes into `git.fullurl`, as the Go client writes them.
    pub fn build(self) -> Output {
        let remote = GitRemote::parse(&self.url);
        let full_url = remote.as_ref().map_or(self.url.clone(), |r| r.url.clone());
        // As the Go client, the subdir goes into the identifier as given.
        let subdir = self.subdir.clone();
        let mut identifier = match &remote {
            Some(r) => format!("{}{}", r.host, clean_path(&format!("/{}", r.path))),
            None => self.url.clone(),
        };
        if remote.is_some() && (!self.reference.is_empty() || !subdir.is_empty()) {
            identifier.push('#');
            identifier.push_str(&self.reference);
            if !subdir.is_empty() {
                identifier.push(':');
                identifier.push_str(&subdir);
            }
        }

        let mut attrs = BTreeMap::new();
        let mut caps = BTreeSet::from([caps::SOURCE_GIT, caps::SOURCE_GIT_FULL_URL]);
        attrs.insert("git.fullurl".to_owned(), full_url);
        if self.keep_git_dir {
            attrs.insert("git.keepgitdir".into(), "true".into());
            caps.insert(caps::SOURCE_GIT_KEEP_DIR);
        }
        for (key, custom, default) in [
            (
                "git.authtokensecret",
                &self.auth_token_secret,
                "GIT_AUTH_TOKEN",
            ),
            (
                "git.authheadersecret",
                &self.auth_header_secret,
                "GIT_AUTH_HEADER",
            ),
        ] {
            if custom.is_some() {
                caps.insert(caps::SOURCE_GIT_HTTP_AUTH);
            }
            let value = custom.clone().unwrap_or_else(|| default.to_owned());
            if !value.is_empty() {
                attrs.insert(key.to_owned(), value);
            }
        }
        if remote.as_ref().is_some_and(|r| r.ssh) {
            if !self.known_ssh_hosts.is_empty() {
                attrs.insert("git.knownsshhosts".into(), self.known_ssh_hosts);
            }
            caps.insert(caps::SOURCE_GIT_KNOWN_SSH_HOSTS);
            let sock = if self.mount_ssh_sock.is_empty() {
                "default".to_owned()
            } else {
                self.mount_ssh_sock
            };
            attrs.insert("git.mountsshsock".into(), sock);
            caps.insert(caps::SOURCE_GIT_MOUNT_SSH_SOCK);
        }
        if !self.checksum.is_empty() {
            attrs.insert("git.checksum".into(), self.checksum);
            caps.insert(caps::SOURCE_GIT_CHECKSUM);
        }
        if self.skip_submodules {
            attrs.insert("git.skipsubmodules".into(), "true".into());
            caps.insert(caps::SOURCE_GIT_SKIP_SUBMODULES);
        }
        source_output(format!("git://{identifier}"), attrs, None, caps, self.meta)
    }
}

/// A git remote split into what the identifier needs.
struct GitRemote {
    /// The remote as fetched (with `https://` added to scheme-less remotes).
    url: String,
    host: String,
    path: String,
    ssh: bool,
}

impl GitRemote {
    fn parse(url: &str) -> Option<Self> {
        if let Some((scheme, rest)) = url.split_once("://") {
            let ssh = match scheme {
                "ssh" => true,
                "http" | "https" | "git" => false,
                _ => return None,
            };
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let path = path.split(['?', '#']).next().unwrap_or_default();
            return (!host.is_empty()).then(|| GitRemote {
                url: url.to_owned(),
                host: host.to_owned(),
                path: path.to_owned(),
                ssh,
            });
        }
        if let Some((user_host, path)) = url.split_once(':') {
            // scp-like `user@host:path`
            if let Some((user, host)) = user_host.split_once('@') {
                let word = |s: &str| {
                    !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                };
                if word(user) && word(host) {
                    return Some(GitRemote {
                        url: url.to_owned(),
                        host: host.to_owned(),
                        path: path.to_owned(),
                        ssh: true,
                    });
                }
            }
        }
        if url.is_empty() {
            return None;
        }
        GitRemote::parse(&format!("https://{url}"))
    }
}

/// A JSON array of strings encoded the way Go's `encoding/json` does, so attrs match the
/// official frontend byte for byte.
fn go_json_strings(values: &[String]) -> String {
    go_html_escape(&serde_json::Value::from(values.to_vec()).to_string())
}

/// JSON text with `<`, `>`, `&`, U+2028 and U+2029 escaped as Go's `encoding/json` escapes
/// them (they only occur inside strings, so the text stays valid JSON).
pub fn go_html_escape(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
