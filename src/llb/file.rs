//! File ops: a chain of copy / mkdir / mkfile / rm actions applied to a base state.
//!
//! Index rules (protocol doc §3.4): an action's `input` is the base (an `Op.inputs` index, or
//! -1 for scratch) for the first action and the previous action's result
//! (`len(inputs) + previous action number`) afterwards; a copy's `secondaryInput` is the
//! source; only the last action has output 0, the others -1.

use std::collections::BTreeSet;

use super::Error;
use super::caps;
use super::graph::{Inputs, OpMeta, Output, new_output};
use crate::proto::pb;

/// A user or group for chown: by numeric ID, or by name looked up in the destination's
/// `/etc/passwd` / `/etc/group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Id(u32),
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
    pub user: Option<UserRef>,
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

/// Copy `src` (in the source state) to `dest` (in the chain's state). Paths are absolute.
#[derive(Debug, Clone, Default)]
pub struct Copy {
    pub src: String,
    pub dest: String,
    pub owner: Option<Chown>,
    /// Mode bits (masked to 0o7777); `None` keeps the source mode.
    pub mode: Option<u32>,
    pub follow_symlinks: bool,
    pub dir_copy_contents: bool,
    /// ADD-style: unpack local archives.
    pub attempt_unpack: bool,
    pub create_dest_path: bool,
    pub allow_wildcard: bool,
    pub allow_empty_wildcard: bool,
    /// Needs cap `file.copy.includeexcludepatterns` (added automatically).
    pub include_patterns: Vec<String>,
    pub exclude_patterns: Vec<String>,
    /// Unix nanoseconds for the copied files' mtime; `None` keeps them.
    pub timestamp: Option<i64>,
}

impl Copy {
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

/// Create a directory.
#[derive(Debug, Clone)]
pub struct Mkdir {
    pub path: String,
    /// Permission bits (masked to 0o777, as the Go client does).
    pub mode: u32,
    pub make_parents: bool,
    pub owner: Option<Chown>,
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

/// Create a file with the given content.
#[derive(Debug, Clone)]
pub struct Mkfile {
    pub path: String,
    /// Permission bits (masked to 0o777, as the Go client does).
    pub mode: u32,
    pub data: Vec<u8>,
    pub owner: Option<Chown>,
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

/// Remove a path.
#[derive(Debug, Clone, Default)]
pub struct Rm {
    pub path: String,
    pub allow_not_found: bool,
    pub allow_wildcard: bool,
}

impl Rm {
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

    pub fn mkdir(mut self, mkdir: Mkdir) -> Self {
        self.actions.push(Action::Mkdir(mkdir));
        self
    }

    pub fn mkfile(mut self, mkfile: Mkfile) -> Self {
        self.actions.push(Action::Mkfile(mkfile));
        self
    }

    pub fn rm(mut self, rm: Rm) -> Self {
        self.actions.push(Action::Rm(rm));
        self
    }

    pub fn meta(mut self, meta: OpMeta) -> Self {
        self.meta = meta;
        self
    }

    /// The op's only output: the state after the last action.
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
                    if !c.include_patterns.is_empty() || !c.exclude_patterns.is_empty() {
                        caps.insert(caps::FILE_COPY_INCLUDE_EXCLUDE_PATTERNS);
                    }
                    let secondary = inputs.index_of(from.as_ref());
                    let copy = pb::FileActionCopy {
                        owner: owner(&c.owner),
                        mode: c.mode.map_or(-1, |m| (m & 0o7777) as i32),
                        follow_symlink: c.follow_symlinks,
                        dir_copy_contents: c.dir_copy_contents,
                        attempt_unpack_docker_compatibility: c.attempt_unpack,
                        create_dest_path: c.create_dest_path,
                        allow_wildcard: c.allow_wildcard,
                        allow_empty_wildcard: c.allow_empty_wildcard,
                        timestamp: time(c.timestamp),
                        include_patterns: c.include_patterns,
                        exclude_patterns: c.exclude_patterns,
                        src: c.src,
                        dest: c.dest,
                        ..pb::FileActionCopy::default()
                    };
                    (secondary, pb::file_action::Action::Copy(copy))
                }
                Action::Mkdir(m) => (
                    -1,
                    pb::file_action::Action::Mkdir(pb::FileActionMkDir {
                        owner: owner(&m.owner),
                        path: m.path,
                        mode: (m.mode & 0o777) as i32,
                        make_parents: m.make_parents,
                        timestamp: time(m.timestamp),
                    }),
                ),
                Action::Mkfile(m) => (
                    -1,
                    pb::file_action::Action::Mkfile(pb::FileActionMkFile {
                        owner: owner(&m.owner),
                        path: m.path,
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
                            path: r.path,
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
    use crate::llb::source::Local;

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
        assert!(
            out.meta()
                .caps
                .contains(caps::FILE_COPY_INCLUDE_EXCLUDE_PATTERNS)
        );
        assert!(out.meta().caps.contains(caps::FILE_BASE));
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
