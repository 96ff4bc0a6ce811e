use super::*;

fn compact(json: &Json) -> String {
    serde_json::to_string(json).unwrap_or_default()
}

#[test]
fn declaration_order_with_the_oneof_between_inputs_and_platform() {
    let op = pb::Op {
        inputs: vec![pb::Input {
            digest: "sha256:a".into(),
            index: 0,
        }],
        platform: Some(pb::Platform {
            architecture: "amd64".into(),
            os: "linux".into(),
            ..Default::default()
        }),
        constraints: Some(pb::WorkerConstraints::default()),
        op: Some(pb::op::Op::Merge(pb::MergeOp {
            inputs: vec![pb::MergeInput { input: 0 }, pb::MergeInput { input: 1 }],
        })),
    };
    assert_eq!(
        compact(&super::op(&op)),
        r#"{"inputs":[{"digest":"sha256:a"}],"merge":{"inputs":[{},{"input":"1"}]},"platform":{"Architecture":"amd64","OS":"linux"},"constraints":{}}"#
    );
}

#[test]
fn int64_as_strings_enums_by_name_and_oneof_zero_written() {
    let exec = pb::ExecOp {
        meta: Some(pb::Meta {
            args: vec!["sh".into()],
            ulimit: vec![pb::Ulimit {
                name: "nofile".into(),
                soft: 1024,
                hard: 2048,
            }],
            valid_exit_codes: vec![0, 3],
            ..Default::default()
        }),
        mounts: vec![pb::Mount {
            input: -1,
            dest: "/cache".into(),
            output: -1,
            mount_type: pb::MountType::Cache as i32,
            cache_opt: Some(pb::CacheOpt {
                id: "c".into(),
                sharing: pb::CacheSharingOpt::Locked as i32,
            }),
            ..Default::default()
        }],
        network: pb::NetMode::None as i32,
        security: 7,
        ..Default::default()
    };
    assert_eq!(
        compact(&super::exec(&exec)),
        r#"{"meta":{"args":["sh"],"ulimit":[{"Name":"nofile","Soft":"1024","Hard":"2048"}],"validExitCodes":[0,3]},"mounts":[{"input":"-1","dest":"/cache","output":"-1","mountType":"CACHE","cacheOpt":{"ID":"c","sharing":"LOCKED"}}],"network":"NONE","security":7}"#
    );
    let owner = pb::ChownOpt {
        user: Some(pb::UserOpt {
            user: Some(pb::user_opt::User::ById(0)),
        }),
        group: None,
    };
    assert_eq!(compact(&chown(&owner)), r#"{"user":{"byID":0}}"#);
}

#[test]
fn bytes_as_padded_base64() {
    // RFC 4648's vectors.
    let cases = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];
    for (plain, encoded) in cases {
        assert_eq!(base64(plain.as_bytes()), encoded);
    }
    assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    let action = pb::FileAction {
        input: -1,
        secondary_input: -1,
        output: 0,
        action: Some(pb::file_action::Action::Mkfile(pb::FileActionMkFile {
            path: "/a".into(),
            mode: 0o644,
            data: b"hi\n".to_vec(),
            ..Default::default()
        })),
    };
    assert_eq!(
        compact(&file_action(&action)),
        r#"{"input":"-1","secondaryInput":"-1","mkfile":{"path":"/a","mode":420,"data":"aGkK"}}"#
    );
}

#[test]
fn convertllb_result_sorts_digests_and_escapes_html() {
    let source = pb::Op {
        op: Some(pb::op::Op::Source(pb::SourceOp {
            identifier: "local://context".into(),
            ..Default::default()
        })),
        ..Default::default()
    };
    let bytes = source.encode_to_vec();
    let digest = digest_of(&bytes);
    let terminal = pb::Op {
        inputs: vec![pb::Input {
            digest: digest.clone(),
            index: 0,
        }],
        ..Default::default()
    }
    .encode_to_vec();
    let mut metadata = BTreeMap::new();
    metadata.insert(
        digest.clone(),
        pb::OpMetadata {
            description: [("llb.customname".to_string(), "a && b".to_string())].into(),
            caps: [("source.local".to_string(), true)].into(),
            ..Default::default()
        },
    );
    let def = pb::Definition {
        def: vec![bytes, terminal.clone()],
        metadata,
        source: None,
    };
    let json = convert_llb_json(&def).unwrap_or_default();
    let (first, second) = if digest < digest_of(&terminal) {
        (digest.clone(), digest_of(&terminal))
    } else {
        (digest_of(&terminal), digest.clone())
    };
    assert!(
        json.find(&format!("\"{first}\"")) < json.find(&format!("\"{second}\"")),
        "{json}"
    );
    assert!(
        json.contains(r#""llb.customname": "a \u0026\u0026 b""#),
        "{json}"
    );
    assert!(json.contains(r#""caps": {"#), "{json}");
    assert!(
        json.ends_with("\"source\": {}\n}") || json.ends_with("\"source\": {}}"),
        "{json}"
    );
    assert!(
        convert_llb_json(&pb::Definition {
            def: vec![vec![0xff]],
            ..Default::default()
        })
        .is_err()
    );
}
