//! Tests of [`super`]: the ops' bytes, attrs and caps as the Go client writes them.

use super::*;
use crate::source::Local;

fn exec_op(out: &ExecOutputs) -> pb::ExecOp {
    use prost::Message;
    let bytes = &out.node.node.bytes;
    match pb::Op::decode(bytes.as_slice()).ok().and_then(|o| o.op) {
        Some(pb::op::Op::Exec(e)) => e,
        _ => pb::ExecOp::default(),
    }
}

#[test]
fn outputs_follow_sorted_writable_binds() -> Result<(), Error> {
    let root = Local::new("root").session("s").build();
    let other = Local::new("other").session("s").build();
    let built = Exec::new(Some(root.clone()), ["true"])
        .mount(BindMount {
            dest: "/z".into(),
            source: Some(other.clone()),
            ..BindMount::default()
        })
        .mount(CacheMount {
            dest: "/cache".into(),
            id: "c".into(),
            sharing: pb::CacheSharingOpt::Locked,
            ..CacheMount::default()
        })
        .mount(BindMount {
            dest: "/ro".into(),
            source: Some(other.clone()),
            readonly: true,
            ..BindMount::default()
        })
        .mount(BindMount {
            dest: "/a".into(),
            source: None,
            ..BindMount::default()
        })
        .mount(Mount::Secret(SecretMount::new("/run/secrets/s", "s")))
        .mount(TmpfsMount {
            dest: "/tmp".into(),
            size: 0,
            readonly: false,
        })
        .mount(BindMount {
            dest: "/discard".into(),
            source: Some(root.clone()),
            discard_output: true,
            ..BindMount::default()
        })
        .build()?;
    let e = exec_op(&built);
    let layout: Vec<(&str, i64, i64)> = e
        .mounts
        .iter()
        .map(|m| (m.dest.as_str(), m.input, m.output))
        .collect();
    assert_eq!(
        layout,
        vec![
            ("/", 0, 0),
            ("/a", -1, 1),
            ("/cache", -1, -1),
            ("/discard", 0, -1),
            ("/ro", 1, -1),
            ("/tmp", -1, -1),
            ("/z", 1, 2),
            ("/run/secrets/s", -1, 0),
        ]
    );
    assert_eq!(built.root().map(|o| o.index()), Some(0));
    assert_eq!(
        built.root().map(|o| o.digest().to_owned()),
        Some(built.digest().to_owned())
    );
    assert_eq!(built.mount("/a").map(|o| o.index()), Some(1));
    assert_eq!(built.mount("/z").map(|o| o.index()), Some(2));
    assert_eq!(built.mount("/ro"), Some(other));
    assert_eq!(built.mount("/cache"), None);
    assert_eq!(built.mount("/discard"), None);
    let caps = &built.meta().caps;
    for cap in [
        caps::EXEC_META_BASE,
        caps::EXEC_MOUNT_BIND,
        caps::EXEC_MOUNT_CACHE,
        caps::EXEC_MOUNT_CACHE_SHARING,
        caps::EXEC_MOUNT_TMPFS,
        caps::EXEC_MOUNT_SECRET,
    ] {
        assert!(caps.contains(cap), "{cap}");
    }
    // The Go client never declares this one, although it uses such mounts.
    assert!(!caps.contains(caps::EXEC_MOUNT_BIND_READWRITE_NO_OUTPUT));
    assert!(!caps.contains(caps::EXEC_MOUNT_TMPFS_SIZE));
    assert!(!caps.contains(caps::EXEC_META_NETWORK));
    Ok(())
}

#[test]
fn readonly_root_returns_the_input() -> Result<(), Error> {
    let root = Local::new("root").session("s").build();
    let built = Exec::new(Some(root.clone()), ["ls"])
        .readonly_root()
        .build()?;
    assert_eq!(built.root(), Some(root));
    assert_eq!(exec_op(&built).mounts.first().map(|m| m.output), Some(-1));
    Ok(())
}

#[test]
fn meta_fields_and_caps() -> Result<(), Error> {
    let built = Exec::new(None, ["/bin/sh", "-c", "echo hi"])
        .env("PATH", "/bin")
        .envs(["A=1"])
        .cwd("/work")
        .user("1000:1000")
        .hostname("h")
        .extra_host("db", "10.0.0.2")
        .network(pb::NetMode::None)
        .security(pb::SecurityMode::Insecure)
        .ulimit("nofile", 1024, 2048)
        .secret_env("tok", "TOKEN", true)
        .mount(TmpfsMount {
            dest: "/dev/shm".into(),
            size: 1 << 20,
            readonly: false,
        })
        .mount(Mount::Ssh(SecretMount::ssh(
            "/run/buildkit/ssh_agent.0",
            "default",
        )))
        .platform(Platform::new("linux", "arm64"))
        .build()?;
    let e = exec_op(&built);
    let meta = e.meta.unwrap_or_default();
    assert_eq!(meta.args, vec!["/bin/sh", "-c", "echo hi"]);
    // The SSH socket becomes SSH_AUTH_SOCK, as with the Go client.
    assert_eq!(
        meta.env,
        vec![
            "PATH=/bin",
            "A=1",
            "SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0"
        ]
    );
    assert_eq!(
        (meta.cwd.as_str(), meta.user.as_str()),
        ("/work", "1000:1000")
    );
    assert!(meta.remove_mount_stubs_recursive);
    assert_eq!(e.network, pb::NetMode::None as i32);
    assert_eq!(e.secretenv.len(), 1);
    // root has no input: scratch
    assert_eq!(e.mounts.first().map(|m| (m.input, m.output)), Some((-1, 0)));
    assert_eq!(
        e.mounts
            .last()
            .and_then(|m| m.ssh_opt.as_ref())
            .map(|o| o.mode),
        Some(0o600)
    );
    let caps = &built.meta().caps;
    for cap in [
        caps::EXEC_META_NETWORK,
        caps::EXEC_META_SECURITY,
        caps::EXEC_META_ULIMIT,
        caps::EXEC_SECRET_ENV,
        caps::EXEC_MOUNT_TMPFS_SIZE,
        caps::EXEC_MOUNT_SSH,
    ] {
        assert!(caps.contains(cap), "{cap}");
    }
    assert!(!caps.contains(caps::EXEC_MOUNT_BIND));
    Ok(())
}

#[test]
fn ssh_targets_default_per_socket() -> Result<(), Error> {
    let built = Exec::new(None, ["true"])
        .env("SSH_AUTH_SOCK", "/mine")
        .mount(TmpfsMount {
            dest: "/tmp".into(),
            size: 0,
            readonly: false,
        })
        .mount(Mount::Ssh(SecretMount::ssh("", "")))
        .mount(Mount::Ssh(SecretMount::ssh("", "github")))
        .build()?;
    let e = exec_op(&built);
    let ssh: Vec<(&str, &str)> = e
        .mounts
        .iter()
        .filter_map(|m| m.ssh_opt.as_ref().map(|o| (m.dest.as_str(), o.id.as_str())))
        .collect();
    assert_eq!(
        ssh,
        vec![
            ("/run/buildkit/ssh_agent.0", ""),
            ("/run/buildkit/ssh_agent.1", "github")
        ]
    );
    assert_eq!(
        e.meta.map(|m| m.env),
        Some(vec!["SSH_AUTH_SOCK=/mine".to_string()])
    );
    Ok(())
}

#[test]
fn default_path_follows_the_daemon() -> Result<(), Error> {
    let run = |who| -> Result<(Vec<String>, bool), Error> {
        let built = Exec::new(None, ["true"])
            .platform(Platform::new("linux", "amd64"))
            .default_path(who)
            .build()?;
        let caps = built
            .meta()
            .caps
            .contains(caps::EXEC_META_SETS_DEFAULT_PATH);
        Ok((
            exec_op(&built).meta.map(|m| m.env).unwrap_or_default(),
            caps,
        ))
    };
    assert_eq!(run(DefaultPath::Unknown)?, (vec![], false));
    assert_eq!(run(DefaultPath::Daemon)?, (vec![], true));
    assert_eq!(
        run(DefaultPath::Client)?,
        (vec![format!("PATH={}", crate::DEFAULT_LINUX_PATH)], false)
    );
    Ok(())
}

#[test]
fn rejects_empty_args_and_duplicate_mounts() {
    assert!(matches!(
        Exec::new(None, Vec::<String>::new()).build(),
        Err(Error::EmptyArgs)
    ));
    let dup = Exec::new(None, ["x"])
        .mount(TmpfsMount {
            dest: "/t".into(),
            size: 0,
            readonly: false,
        })
        .mount(TmpfsMount {
            dest: "/t".into(),
            size: 0,
            readonly: false,
        })
        .build();
    assert!(matches!(dup, Err(Error::DuplicateMount(d)) if d == "/t"));
}

#[test]
fn mount_order_does_not_change_bytes() -> Result<(), Error> {
    let src = Local::new("x").session("s").build();
    let a = BindMount {
        dest: "/a".into(),
        source: Some(src.clone()),
        ..BindMount::default()
    };
    let b = CacheMount {
        dest: "/b".into(),
        id: "b".into(),
        ..CacheMount::default()
    };
    let one = Exec::new(None, ["x"])
        .mount(a.clone())
        .mount(b.clone())
        .build()?;
    let two = Exec::new(None, ["x"]).mount(b).mount(a).build()?;
    assert_eq!(one.digest(), two.digest());
    Ok(())
}
