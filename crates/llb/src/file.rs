//! File ops: a chain of copy / mkdir / mkfile / rm actions applied to a base state.
//!
//! Index rules (protocol doc §3.4): an action's `input` is the base (an `Op.inputs` index, or
//! -1 for scratch) for the first action and the previous action's result
//! (`len(inputs) + previous action number`) afterwards; a copy's `secondaryInput` is the
//! source; only the last action has output 0, the others -1.
//!
//! This is Go's `llb.FileAction` (`client/llb/fileop.go`) and BuildKit's `pb.FileOp`.

use std::collections::BTreeSet;

use super::Error;
use super::caps;
use super::graph::{Inputs, OpMeta, Output, new_output};
use crate::proto::pb;

/// A user or group for chown: by numeric ID, or by name looked up in the destination's
/// `/etc/passwd` / `/etc/group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    /// A numeric uid or gid (`UserOpt.byID`).
    Id(u32),
    /// A name, looked up when the action runs (`UserOpt.byName`).
    Name(String),
}

impl UserRef {
    /// A number is an ID, `root` is 0, anything else is a name.
    pub fn parse(s: &str) -> Self {
        if s == "root" {
            return UserRef::Id(0);
        }
        match s.parse::<i32>() {
            Ok(id) => UserRef::Id(id as u32),
            Err(_) => UserRef::Name(s.to_owned()),
        }
    }
}

/// The owner to give created or copied files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chown {
    /// The owner (`None` = root, uid 0).
    pub user: Option<UserRef>,
    /// The group (`None` = BuildKit derives it from the user: its primary group for a name,
    /// the same number for an ID).
    pub group: Option<UserRef>,
}

impl Chown {
    /// Parses `user[:group]` (as `COPY --chown` does; see [`UserRef::parse`]).
    pub fn parse(spec: &str) -> Self {
        let (user, group) = match spec.split_once(':') {
            Some((u, g)) => (u, Some(g)),
            None => (spec, None),
        };
        Chown {
            user: Some(UserRef::parse(user)),
            group: group.map(UserRef::parse),
        }
    }

    /// Numeric owner and group.
    pub fn ids(uid: u32, gid: u32) -> Self {
        Chown {
            user: Some(UserRef::Id(uid)),
            group: Some(UserRef::Id(gid)),
        }
    }

    /// Names are resolved against op input `base` (the destination's base, -1 for scratch).
    fn to_pb(&self, base: i64) -> pb::ChownOpt {
        let user = |u: &UserRef| pb::UserOpt {
            user: Some(match u {
                UserRef::Id(id) => pb::user_opt::User::ById(*id),
                UserRef::Name(name) => pb::user_opt::User::ByName(pb::NamedUserOpt {
                    name: name.clone(),
                    input: base,
                }),
            }),
        };
        pb::ChownOpt {
            user: self.user.as_ref().map(user),
            group: self.group.as_ref().map(user),
        }
    }
}

/// Copy `src` (in the source state) to `dest` (in the chain's state). Paths are taken from `/`
/// and normalised as the Go client does (cleaned; `dest` keeps a trailing `/` or `/.`).
///
/// `pb.FileActionCopy`. [`Copy::new`] is a plain copy (every flag off); [`Copy::dockerfile`]
/// sets the flags a Dockerfile `COPY` uses.
#[derive(Debug, Clone, Default)]
pub struct Copy {
    /// The path to copy from, in the source state; a pattern with `allow_wildcard`.
    pub src: String,
    /// The path to copy to. A trailing `/` means "into this directory".
    pub dest: String,
    /// Owner of the copied files (`None` keeps the source's).
    pub owner: Option<Chown>,
    /// Mode bits (masked to 0o7777); `None` keeps the source mode.
    pub mode: Option<u32>,
    /// A symbolic mode (`u+x`, `go-w`) applied by the daemon instead of `mode`
    /// (`FileActionCopy.modeStr`, BuildKit 0.17 and later: cap `file.copy.modestring`, which the
    /// Go client does not declare).
    pub symbolic_mode: Option<String>,
    /// Copy what a symlink `src` points to instead of the link.
    pub follow_symlinks: bool,
    /// For a directory `src`, copy its contents rather than the directory itself.
    pub dir_copy_contents: bool,
    /// ADD-style: unpack local archives.
    pub attempt_unpack: bool,
    /// Create missing parent directories of `dest`.
    pub create_dest_path: bool,
    /// Treat `src` as a pattern (`*`, `?`, `[…]`).
    pub allow_wildcard: bool,
    /// A pattern that matches nothing copies nothing instead of failing.
    pub allow_empty_wildcard: bool,
    /// Copy only paths matching one of these patterns (relative to `src`). Needs cap
    /// [`FILE_COPY_INCLUDE_EXCLUDE_PATTERNS`](crate::caps::FILE_COPY_INCLUDE_EXCLUDE_PATTERNS),
    /// which is not declared in the op's metadata (the Go client does not either): check it
    /// first, older daemons ignore the field.
    pub include_patterns: Vec<String>,
    /// Skip paths matching these patterns (same cap as `include_patterns`).
    pub exclude_patterns: Vec<String>,
    /// Paths (absolute in the source) that must exist, or the copy fails. Needs cap
    /// [`FILE_COPY_REQUIRED_PATHS`](crate::caps::FILE_COPY_REQUIRED_PATHS), not declared
    /// either; older daemons ignore the field.
    pub required_paths: Vec<String>,
    /// Unix nanoseconds for the copied files' mtime; `None` keeps them.
    pub timestamp: Option<i64>,
}

impl Copy {
    /// A plain copy of `src` to `dest`: no wildcards, symlinks not followed, a directory is
    /// copied as itself, `dest`'s parents must exist.
    pub fn new(src: impl Into<String>, dest: impl Into<String>) -> Self {
        Copy {
            src: src.into(),
            dest: dest.into(),
            ..Copy::default()
        }
    }

    /// What the Dockerfile frontend sets for COPY: follow symlinks, copy directory contents,
    /// create the destination path, allow (empty) wildcards.
    pub fn dockerfile(src: impl Into<String>, dest: impl Into<String>) -> Self {
        Copy {
            follow_symlinks: true,
            dir_copy_contents: true,
            create_dest_path: true,
            allow_wildcard: true,
            allow_empty_wildcard: true,
            ..Copy::new(src, dest)
        }
    }
}

/// Create a directory (`pb.FileActionMkDir`).
#[derive(Debug, Clone)]
pub struct Mkdir {
    /// The directory to create (absolute, or relative to `/`).
    pub path: String,
    /// Permission bits (masked to 0o777, as the Go client does).
    pub mode: u32,
    /// Create missing parents too, like `mkdir -p` (an existing directory is never an error).
    pub make_parents: bool,
    /// Owner of the created directories (`None` = root).
    pub owner: Option<Chown>,
    /// Unix nanoseconds for the mtime; `None` = now.
    pub timestamp: Option<i64>,
}

impl Mkdir {
    /// Mode 0755, no parents.
    pub fn new(path: impl Into<String>) -> Self {
        Mkdir {
            path: path.into(),
            mode: 0o755,
            make_parents: false,
            owner: None,
            timestamp: None,
        }
    }
}

/// Create a file with the given content (`pb.FileActionMkFile`). The data travels inside the
/// op, so keep it small (requests to BuildKit before v0.14 are limited to 4 MiB).
#[derive(Debug, Clone)]
pub struct Mkfile {
    /// The file to create (absolute, or relative to `/`); its directory must exist.
    pub path: String,
    /// Permission bits (masked to 0o777, as the Go client does).
    pub mode: u32,
    /// The content.
    pub data: Vec<u8>,
    /// Owner of the file (`None` = root).
    pub owner: Option<Chown>,
    /// Unix nanoseconds for the mtime; `None` = now.
    pub timestamp: Option<i64>,
}

impl Mkfile {
    /// Mode 0644.
    pub fn new(path: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Mkfile {
            path: path.into(),
            mode: 0o644,
            data: data.into(),
            owner: None,
            timestamp: None,
        }
    }
}

/// Remove a path, recursively (`pb.FileActionRm`).
#[derive(Debug, Clone, Default)]
pub struct Rm {
    /// The path to remove (absolute, or relative to `/`).
    pub path: String,
    /// A missing path is not an error.
    pub allow_not_found: bool,
    /// Treat `path` as a pattern; declares
    /// [`caps::FILE_RM_WILDCARD`](crate::caps::FILE_RM_WILDCARD).
    pub allow_wildcard: bool,
}

impl Rm {
    /// Removes `path`, failing if it does not exist.
    pub fn new(path: impl Into<String>) -> Self {
        Rm {
            path: path.into(),
            ..Rm::default()
        }
    }
}

#[derive(Debug, Clone)]
enum Action {
    Copy(Option<Output>, Copy),
    Mkdir(Mkdir),
    Mkfile(Mkfile),
    Rm(Rm),
}

/// Builds one file op: actions applied in order, each on the result of the one before.
///
/// `pb.FileOp`, Go `llb.State.File`. Every file op declares
/// [`caps::FILE_BASE`](crate::caps::FILE_BASE). Unlike an exec it needs no shell in the image,
/// which makes it the way to assemble a final image from scratch:
///
/// ```
/// use rustfront_llb::{Chown, Copy, FileOp, Image, Mkdir, Mkfile};
///
/// let builder = Image::new("rust:1").build()?;
/// let image = FileOp::new(None) // scratch
///     .mkdir(Mkdir { make_parents: true, ..Mkdir::new("/app/data") })
///     .mkfile(Mkfile::new("/app/VERSION", "1.0\n"))
///     .copy(
///         Some(builder),
///         Copy { owner: Some(Chown::ids(1000, 1000)), ..Copy::new("/usr/local/cargo/bin/app", "/app/") },
///     )
///     .build()?;
/// assert_eq!(image.meta().caps.iter().collect::<Vec<_>>(), ["file.base"]);
/// # Ok::<(), rustfront_llb::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FileOp {
    base: Option<Output>,
    actions: Vec<Action>,
    meta: OpMeta,
}

impl FileOp {
    /// A chain on `base` (`None` = scratch).
    pub fn new(base: Option<Output>) -> Self {
        FileOp {
            base,
            actions: Vec::new(),
            meta: OpMeta::default(),
        }
    }

    /// Copies from `from` (`None` = scratch).
    pub fn copy(mut self, from: Option<Output>, copy: Copy) -> Self {
        self.actions.push(Action::Copy(from, copy));
        self
    }

    /// Creates a directory.
    pub fn mkdir(mut self, mkdir: Mkdir) -> Self {
        self.actions.push(Action::Mkdir(mkdir));
        self
    }

    /// Creates a file.
    pub fn mkfile(mut self, mkfile: Mkfile) -> Self {
        self.actions.push(Action::Mkfile(mkfile));
        self
    }

    /// Removes a path.
    pub fn rm(mut self, rm: Rm) -> Self {
        self.actions.push(Action::Rm(rm));
        self
    }

    /// Progress name, cache flags, extra caps and source locations; see [`OpMeta`].
    pub fn meta(mut self, meta: OpMeta) -> Self {
        self.meta = meta;
        self
    }

    /// The op's only output: the state after the last action.
    ///
    /// # Errors
    ///
    /// [`Error::NoFileActions`] when no action was added.
    pub fn build(self) -> Result<Output, Error> {
        if self.actions.is_empty() {
            return Err(Error::NoFileActions);
        }
        let mut inputs = Inputs::default();
        let base = inputs.index_of(self.base.as_ref());
        let mut caps = BTreeSet::from([caps::FILE_BASE]);
        // (input, secondary input, action): the chain's input is fixed up once the number of
        // op inputs is known, because action results are numbered after them.
        let mut staged = Vec::with_capacity(self.actions.len());
        for action in self.actions {
            let time = |t: Option<i64>| t.unwrap_or(-1);
            let owner = |o: &Option<Chown>| o.as_ref().map(|c| c.to_pb(base));
            let (secondary, action) = match action {
                Action::Copy(from, c) => {
                    let secondary = inputs.index_of(from.as_ref());
                    let copy = pb::FileActionCopy {
                        owner: owner(&c.owner),
                        mode: match (&c.symbolic_mode, c.mode) {
                            (Some(_), _) => 0,
                            (None, Some(m)) => (m & 0o7777) as i32,
                            (None, None) => -1,
                        },
                        mode_str: c.symbolic_mode.clone().unwrap_or_default(),
                        follow_symlink: c.follow_symlinks,
                        dir_copy_contents: c.dir_copy_contents,
                        attempt_unpack_docker_compatibility: c.attempt_unpack,
                        create_dest_path: c.create_dest_path,
                        allow_wildcard: c.allow_wildcard,
                        allow_empty_wildcard: c.allow_empty_wildcard,
                        timestamp: time(c.timestamp),
                        include_patterns: c.include_patterns,
                        exclude_patterns: c.exclude_patterns,
                        required_paths: c.required_paths,
                        src: resolve_path("/", &c.src, false),
                        dest: resolve_path("/", &c.dest, true),
                        ..pb::FileActionCopy::default()
                    };
                    (secondary, pb::file_action::Action::Copy(copy))
                }
                Action::Mkdir(m) => (
                    -1,
                    pb::file_action::Action::Mkdir(pb::FileActionMkDir {
                        owner: owner(&m.owner),
                        path: resolve_path("/", &m.path, false),
                        mode: (m.mode & 0o777) as i32,
                        make_parents: m.make_parents,
                        timestamp: time(m.timestamp),
                    }),
                ),
                Action::Mkfile(m) => (
                    -1,
                    pb::file_action::Action::Mkfile(pb::FileActionMkFile {
                        owner: owner(&m.owner),
                        path: resolve_path("/", &m.path, false),
                        mode: (m.mode & 0o777) as i32,
                        data: m.data,
                        timestamp: time(m.timestamp),
                    }),
                ),
                Action::Rm(r) => {
                    if r.allow_wildcard {
                        caps.insert(caps::FILE_RM_WILDCARD);
                    }
                    (
                        -1,
                        pb::file_action::Action::Rm(pb::FileActionRm {
                            path: resolve_path("/", &r.path, false),
                            allow_not_found: r.allow_not_found,
                            allow_wildcard: r.allow_wildcard,
                        }),
                    )
                }
            };
            staged.push((secondary, action));
        }
        let last = staged.len() - 1;
        let first_result = inputs.len();
        let actions = staged
            .into_iter()
            .enumerate()
            .map(|(i, (secondary_input, action))| pb::FileAction {
                input: match i {
                    0 => base,
                    _ => first_result + i as i64 - 1,
                },
                secondary_input,
                output: if i == last { 0 } else { -1 },
                action: Some(action),
            })
            .collect();
        let op = pb::Op {
            op: Some(pb::op::Op::File(pb::FileOp { actions })),
            ..pb::Op::default()
        };
        Ok(new_output(op, inputs, caps, self.meta))
    }
}

/// Go's `path.Clean` for slash-separated paths: `a//b/./c/..` → `a/b`, `""` → `.`.
pub fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// Resolves `path` against the working directory `cwd` the way the Go client does for file
/// actions: cleaned and made absolute; with `keep_slash`, a trailing `/` or `/.` (meaning
/// "into this directory") survives.
pub fn resolve_path(cwd: &str, path: &str, keep_slash: bool) -> String {
    let mut out = clean_path(path);
    if !out.starts_with('/') {
        out = clean_path(&format!("/{cwd}/{out}"));
    }
    if keep_slash {
        if path.ends_with("/.") {
            if out != "/" {
                out.push('/');
            }
            out.push('.');
        } else if path.ends_with('/') && !out.ends_with('/') {
            out.push('/');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Local;

    fn decode(out: &Output) -> pb::Op {
        use prost::Message;
        pb::Op::decode(out.node.bytes.as_slice()).unwrap_or_default()
    }

    fn actions(op: &pb::Op) -> Vec<(i64, i64, i64)> {
        match &op.op {
            Some(pb::op::Op::File(f)) => f
                .actions
                .iter()
                .map(|a| (a.input, a.secondary_input, a.output))
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn chained_actions_refer_to_earlier_results() {
        let base = Local::new("base").session("s").build();
        let ctx = Local::new("context").session("s").build();
        let out = FileOp::new(Some(base.clone()))
            .mkdir(Mkdir::new("/app"))
            .copy(Some(ctx.clone()), Copy::dockerfile("/src", "/app/"))
            .copy(Some(base.clone()), Copy::new("/etc/x", "/app/x"))
            .rm(Rm::new("/app/tmp"))
            .build();
        let Ok(out) = out else { panic!("build failed") };
        let op = decode(&out);
        let inputs: Vec<_> = op.inputs.iter().map(|i| i.digest.clone()).collect();
        assert_eq!(
            inputs,
            vec![base.digest().to_owned(), ctx.digest().to_owned()]
        );
        // 2 inputs: action k's result is index 2 + k
        assert_eq!(
            actions(&op),
            vec![(0, -1, -1), (2, 1, -1), (3, 0, -1), (4, -1, 0)]
        );
        assert_eq!(op.platform, None);
    }

    #[test]
    fn scratch_base_and_source_are_minus_one() -> Result<(), Error> {
        let out = FileOp::new(None)
            .copy(None, Copy::new("/a", "/b"))
            .mkfile(Mkfile::new("/f", "hi"))
            .build()?;
        let op = decode(&out);
        assert!(op.inputs.is_empty());
        assert_eq!(actions(&op), vec![(-1, -1, -1), (0, -1, 0)]);
        Ok(())
    }

    #[test]
    fn copy_fields_and_chown_by_name_use_the_base_input() -> Result<(), Error> {
        let base = Local::new("b").session("s").build();
        let src = Local::new("c").session("s").build();
        let copy = Copy {
            owner: Some(Chown::parse("app:1000")),
            include_patterns: vec!["*.rs".into()],
            timestamp: Some(5),
            ..Copy::dockerfile("/x", "/y")
        };
        let out = FileOp::new(Some(base)).copy(Some(src), copy).build()?;
        let op = decode(&out);
        let Some(pb::op::Op::File(f)) = &op.op else {
            panic!("not a file op")
        };
        let Some(pb::file_action::Action::Copy(c)) =
            f.actions.first().and_then(|a| a.action.clone())
        else {
            panic!("not a copy")
        };
        assert_eq!(c.mode, -1);
        assert_eq!(c.timestamp, 5);
        assert!(c.follow_symlink && c.dir_copy_contents && c.create_dest_path);
        assert!(
            c.allow_wildcard && c.allow_empty_wildcard && !c.attempt_unpack_docker_compatibility
        );
        let owner = c.owner.unwrap_or_default();
        assert_eq!(
            owner.user.and_then(|u| u.user),
            Some(pb::user_opt::User::ByName(pb::NamedUserOpt {
                name: "app".into(),
                input: 0
            }))
        );
        assert_eq!(
            owner.group.and_then(|u| u.user),
            Some(pb::user_opt::User::ById(1000))
        );
        // As the Go client: only `file.base` is declared, even with patterns.
        assert_eq!(
            out.meta().caps.iter().collect::<Vec<_>>(),
            [caps::FILE_BASE]
        );
        Ok(())
    }

    #[test]
    fn empty_chain_is_an_error() {
        assert!(matches!(
            FileOp::new(None).build(),
            Err(Error::NoFileActions)
        ));
    }

    #[test]
    fn paths() {
        assert_eq!(clean_path("a//b/./c/.."), "a/b");
        assert_eq!(clean_path("/../a/"), "/a");
        assert_eq!(clean_path(""), ".");
        assert_eq!(clean_path("../x"), "../x");
        assert_eq!(resolve_path("/work", "src", false), "/work/src");
        assert_eq!(resolve_path("/work", "src/", true), "/work/src/");
        assert_eq!(resolve_path("/work", "/abs/./x", true), "/abs/x");
        assert_eq!(resolve_path("/work", ".", true), "/work");
        assert_eq!(resolve_path("/", "/.", true), "/.");
        assert_eq!(resolve_path("/w", "d/.", true), "/w/d/.");
        assert_eq!(resolve_path("", "x", false), "/x");
    }

    #[test]
    fn chown_parsing() {
        assert_eq!(
            Chown::parse("root"),
            Chown {
                user: Some(UserRef::Id(0)),
                group: None
            }
        );
        assert_eq!(Chown::parse("1:2"), Chown::ids(1, 2));
        assert_eq!(
            Chown::parse("bin:staff").group,
            Some(UserRef::Name("staff".into()))
        );
    }
}
