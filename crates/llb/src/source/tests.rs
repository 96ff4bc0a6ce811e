//! Tests of [`super`]: the ops' bytes, attrs and caps as the Go client writes them.

use super::*;

#[test]
fn normalizes_image_refs() -> Result<(), Error> {
    let cases = [
        ("alpine", "docker.io/library/alpine:latest"),
        ("alpine:3.18", "docker.io/library/alpine:3.18"),
        ("library/alpine", "docker.io/library/alpine:latest"),
        ("docker.io/alpine", "docker.io/library/alpine:latest"),
        ("index.docker.io/foo/bar:1", "docker.io/foo/bar:1"),
        ("foo/bar", "docker.io/foo/bar:latest"),
        ("localhost/foo", "localhost/foo:latest"),
        ("localhost:5000/foo:tag", "localhost:5000/foo:tag"),
        ("ghcr.io/a/b/c:v1.2", "ghcr.io/a/b/c:v1.2"),
        (
            "my-registry.local:5000/a__b/c-d",
            "my-registry.local:5000/a__b/c-d:latest",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(normalize_image_ref(input)?, want, "{input}");
    }
    let pinned = "alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    assert_eq!(
        normalize_image_ref(pinned)?,
        "docker.io/library/alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    );
    let both = "alpine:3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    assert_eq!(
        normalize_image_ref(both)?,
        format!("docker.io/library/{both}")
    );
    // idempotent
    let once = normalize_image_ref("ubuntu:22.04")?;
    assert_eq!(normalize_image_ref(&once)?, once);
    Ok(())
}

#[test]
fn rejects_bad_image_refs() {
    for bad in [
        "",
        "Alpine",
        "alpine:",
        "alpine:-x",
        "a@sha256:xyz",
        "foo//bar",
        "foo/-bar",
        "a b",
    ] {
        assert!(normalize_image_ref(bad).is_err(), "{bad:?} should fail");
    }
}

#[test]
fn git_identifiers() {
    let id = |git: Git| match describe_source(&git.build()) {
        Some((id, _)) => id,
        None => String::new(),
    };
    assert_eq!(
        id(Git::new("https://github.com/moby/buildkit.git")),
        "git://github.com/moby/buildkit.git"
    );
    assert_eq!(
        id(Git::new("https://github.com/moby/buildkit.git#v0.8.3")),
        "git://github.com/moby/buildkit.git#v0.8.3"
    );
    assert_eq!(
        id(Git::new("git@github.com:moby/buildkit.git#main:docs/")),
        // the subdir as given, as the Go client writes it
        "git://github.com/moby/buildkit.git#main:docs/"
    );
    assert_eq!(
        id(Git::new("github.com/moby/buildkit").subdir("a/../b")),
        "git://github.com/moby/buildkit#:a/../b"
    );
    assert_eq!(
        id(Git::new("ssh://git@example.com:2222//repo/")),
        "git://example.com:2222/repo"
    );
}

#[test]
fn git_attrs_and_caps() {
    let out = Git::new("git@github.com:moby/buildkit.git")
        .keep_git_dir()
        .build();
    let Some((_, attrs)) = describe_source(&out) else {
        panic!("not a source op");
    };
    assert_eq!(attrs["git.fullurl"], "git@github.com:moby/buildkit.git");
    assert_eq!(attrs["git.keepgitdir"], "true");
    assert_eq!(attrs["git.authtokensecret"], "GIT_AUTH_TOKEN");
    assert_eq!(attrs["git.authheadersecret"], "GIT_AUTH_HEADER");
    assert_eq!(attrs["git.mountsshsock"], "default");
    let caps = &out.meta().caps;
    for cap in [
        caps::SOURCE_GIT,
        caps::SOURCE_GIT_FULL_URL,
        caps::SOURCE_GIT_KEEP_DIR,
        caps::SOURCE_GIT_MOUNT_SSH_SOCK,
        caps::SOURCE_GIT_KNOWN_SSH_HOSTS,
    ] {
        assert!(caps.contains(cap), "{cap}");
    }
    assert!(!caps.contains(caps::SOURCE_GIT_HTTP_AUTH));
}

#[test]
fn local_attrs_are_go_json() {
    let out = Local::new("context")
        .session("sid")
        .exclude_patterns(&["*.md".into(), "a<b>&c".into()])
        .follow_paths(&[])
        .differ(Differ::None, false)
        .build();
    let Some((id, attrs)) = describe_source(&out) else {
        panic!("not a source op");
    };
    assert_eq!(id, "local://context");
    assert_eq!(
        attrs["local.excludepatterns"],
        r#"["*.md","a\u003cb\u003e\u0026c"]"#
    );
    assert_eq!(attrs["local.session"], "sid");
    assert_eq!(attrs["local.differ"], "none");
    assert!(!attrs.contains_key("local.followpaths"));
    let caps = &out.meta().caps;
    assert!(caps.contains(caps::SOURCE_LOCAL_EXCLUDE_PATTERNS));
    assert!(!caps.contains(caps::SOURCE_LOCAL_FOLLOW_PATHS));
    assert!(!caps.contains(caps::SOURCE_LOCAL_DIFFER));
}

#[test]
fn http_attrs() {
    let out = Http::new("https://example.com/a.tar")
        .filename("a.tar")
        .perm(0o644)
        .owner(0, 1000)
        .checksum("sha256:abc")
        .build();
    let Some((id, attrs)) = describe_source(&out) else {
        panic!("not a source op");
    };
    assert_eq!(id, "https://example.com/a.tar");
    assert_eq!(attrs["http.perm"], "0644");
    assert_eq!(attrs["http.gid"], "1000");
    assert!(!attrs.contains_key("http.uid"));
    assert!(out.meta().caps.contains(caps::SOURCE_HTTP_UID_GID));
}

fn describe_source(out: &Output) -> Option<(String, BTreeMap<String, String>)> {
    use prost::Message;
    match pb::Op::decode(out.node.bytes.as_slice()).ok()?.op? {
        pb::op::Op::Source(s) => Some((s.identifier, s.attrs)),
        _ => None,
    }
}
