//! Go's byte layout for ops, which the digests (and so BuildKit's cache keys) depend on.
//!
//! prost writes fields in field-number order and leaves out empty map values; Go's
//! deterministic marshaller writes the fields of `pb.Op` that are not in its `op` oneof first
//! (`inputs`, `platform`, `constraints`) and the oneof member after them, and writes every map
//! entry with both key and value. Everything else is the same in both.

use prost::Message;
use prost::encoding::{WireType, encode_key, encode_varint};

use crate::proto::pb;

/// Field numbers of the `pb.Op` oneof members and of `SourceOp`.
const OP_SOURCE: u32 = 3;
const SOURCE_IDENTIFIER: u32 = 1;
const SOURCE_ATTRS: u32 = 2;

/// The bytes Go's `proto.MarshalOptions{Deterministic: true}` writes for `op`.
pub(crate) fn encode_op(op: &pb::Op) -> Vec<u8> {
    let head = pb::Op {
        inputs: op.inputs.clone(),
        platform: op.platform.clone(),
        constraints: op.constraints.clone(),
        op: None,
    };
    let mut out = head.encode_to_vec();
    match &op.op {
        None => {}
        Some(pb::op::Op::Source(source)) => {
            let body = encode_source(source);
            encode_key(OP_SOURCE, WireType::LengthDelimited, &mut out);
            encode_varint(body.len() as u64, &mut out);
            out.extend_from_slice(&body);
        }
        Some(other) => {
            let body = pb::Op {
                op: Some(other.clone()),
                ..pb::Op::default()
            };
            body.encode(&mut out).unwrap_or_default();
        }
    }
    out
}

fn encode_source(source: &pb::SourceOp) -> Vec<u8> {
    let mut out = Vec::new();
    if !source.identifier.is_empty() {
        encode_bytes(SOURCE_IDENTIFIER, source.identifier.as_bytes(), &mut out);
    }
    // A BTreeMap iterates in key order, as Go's deterministic mode sorts map keys.
    for (key, value) in &source.attrs {
        let mut entry = Vec::with_capacity(key.len() + value.len() + 4);
        encode_bytes(1, key.as_bytes(), &mut entry);
        encode_bytes(2, value.as_bytes(), &mut entry);
        encode_bytes(SOURCE_ATTRS, &entry, &mut out);
    }
    out
}

fn encode_bytes(field: u32, bytes: &[u8], out: &mut Vec<u8>) {
    encode_key(field, WireType::LengthDelimited, out);
    encode_varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::digest_of;

    /// The data README's example: the image source op of probe `from-image`.
    #[test]
    fn oneof_after_platform_and_constraints() {
        let op = pb::Op {
            platform: Some(pb::Platform {
                architecture: "amd64".into(),
                os: "linux".into(),
                ..Default::default()
            }),
            constraints: Some(pb::WorkerConstraints::default()),
            op: Some(pb::op::Op::Source(pb::SourceOp {
                identifier: "docker-image://docker.io/library/alpine:3.20".into(),
                attrs: Default::default(),
            })),
            ..Default::default()
        };
        let bytes = encode_op(&op);
        assert_eq!(&bytes[..4], &[0x52, 0x0e, 0x0a, 0x05]);
        assert_eq!(
            digest_of(&bytes),
            "sha256:52ad980af60eade03cf05fce2206c19483941c8d9a53f43a293199ac3344a235"
        );
        assert_eq!(pb::Op::decode(bytes.as_slice()).ok(), Some(op));
    }

    #[test]
    fn empty_map_values_are_written() {
        let mut source = pb::SourceOp {
            identifier: "local://context".into(),
            attrs: Default::default(),
        };
        source.attrs.insert("local.session".into(), String::new());
        let bytes = encode_source(&source);
        let entry = [
            0x12, 0x11, 0x0a, 0x0d, b'l', b'o', b'c', b'a', b'l', b'.', b's', b'e', b's', b's',
            b'i', b'o', b'n', 0x12, 0x00,
        ];
        assert!(bytes.ends_with(&entry));
    }
}
