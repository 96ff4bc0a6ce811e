//! Replacing one op of a built graph by another, e.g. a build context source whose attributes
//! (the paths to send) are only known once every instruction has been converted. BuildKit's Go
//! client does this with a mutable output read at marshal time; here the ops that depend on
//! the replaced one are re-encoded (only those: the rest of the graph is shared).

use std::collections::HashMap;
use std::sync::Arc;

use prost::Message;

use super::encode::encode_op;
use super::graph::{Node, Output, digest_of};
use super::marshal::post_order;
use crate::proto::pb;

/// The graph behind `root` with every use of the op of `old` (any of its outputs) replaced by
/// the same output of `new`'s op. Ops not depending on `old` are kept as they are.
pub fn substitute(root: &Output, old: &Output, new: &Output) -> Output {
    if old.node.digest == new.node.digest {
        return root.clone();
    }
    // Rebuilt nodes by the address of the node they replace (nodes with equal bytes built
    // separately stay separate, so each keeps its metadata), and digests old → new.
    let mut rebuilt: HashMap<*const Node, Arc<Node>> = HashMap::new();
    let mut digests: HashMap<String, String> =
        HashMap::from([(old.node.digest.clone(), new.node.digest.clone())]);
    for node in post_order(&root.node) {
        let key: *const Node = node;
        if node.digest == old.node.digest {
            rebuilt.insert(key, Arc::clone(&new.node));
            continue;
        }
        let changed = |o: &Output| rebuilt.contains_key(&Arc::as_ptr(&o.node));
        if !node.inputs.iter().any(changed) {
            continue;
        }
        let Ok(mut op) = pb::Op::decode(node.bytes.as_slice()) else {
            // Bytes this crate encoded always decode.
            continue;
        };
        for input in &mut op.inputs {
            if let Some(digest) = digests.get(&input.digest) {
                input.digest = digest.clone();
            }
        }
        let inputs = node
            .inputs
            .iter()
            .map(|o| match rebuilt.get(&Arc::as_ptr(&o.node)) {
                Some(n) => Output {
                    node: Arc::clone(n),
                    index: o.index,
                },
                None => o.clone(),
            })
            .collect();
        let bytes = encode_op(&op);
        let digest = digest_of(&bytes);
        digests.insert(node.digest.clone(), digest.clone());
        rebuilt.insert(
            key,
            Arc::new(Node {
                digest,
                bytes,
                inputs,
                meta: node.meta.clone(),
            }),
        );
    }
    match rebuilt.get(&Arc::as_ptr(&root.node)) {
        Some(node) => Output {
            node: Arc::clone(node),
            index: root.index,
        },
        None => root.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Copy, FileOp, Image, Local, MarshalOptions, Platform, marshal};

    #[test]
    fn replaces_a_source_and_re_encodes_its_users() -> Result<(), crate::Error> {
        let base = Image::new("alpine")
            .platform(Platform::new("linux", "amd64"))
            .build()?;
        let context = Local::new("context").session("").build();
        let copy = |ctx: &Output| {
            FileOp::new(Some(base.clone()))
                .copy(Some(ctx.clone()), Copy::dockerfile("/a", "/a"))
                .build()
        };
        let built = copy(&context)?;
        let narrowed = Local::new("context")
            .session("")
            .follow_paths(&["a".into()])
            .build();
        let substituted = substitute(&built, &context, &narrowed);
        // The same as building on the narrowed source from the start.
        assert_eq!(substituted, copy(&narrowed)?);
        let def = marshal(Some(&substituted), &MarshalOptions::default())?;
        let defs = |d: &pb::Definition| d.def.iter().map(|b| digest_of(b)).collect::<Vec<_>>();
        let direct = marshal(Some(&copy(&narrowed)?), &MarshalOptions::default())?;
        assert_eq!(defs(&def), defs(&direct));
        // Ops that do not use the context are shared, not rebuilt.
        assert!(Arc::ptr_eq(&substituted.node.inputs[0].node, &base.node));
        Ok(())
    }
}
