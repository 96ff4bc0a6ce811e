//! Graphs made elsewhere: a marshaled [`pb::Definition`] (a frontend input, another frontend's
//! result) as an [`Output`] that ops of this crate can build on. Its ops keep their bytes (and
//! so their digests) and their metadata.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use prost::Message;

use super::Error;
use super::graph::{Node, OpMeta, Output, digest_of};
use crate::proto::pb;

impl Output {
    /// The result of `definition`: what its terminal op (the last one) points at, `None` when
    /// it is scratch.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDefinition`] when an op does not decode or names an input the
    /// definition does not hold.
    pub fn from_definition(definition: &pb::Definition) -> Result<Option<Output>, Error> {
        let invalid = |why: String| Error::InvalidDefinition(why);
        let mut ops: HashMap<String, (&[u8], pb::Op)> = HashMap::new();
        let mut last = None;
        for bytes in &definition.def {
            let op = pb::Op::decode(bytes.as_slice())
                .map_err(|e| invalid(format!("an op does not decode: {e}")))?;
            let digest = digest_of(bytes);
            last = Some(digest.clone());
            ops.insert(digest, (bytes.as_slice(), op));
        }
        let Some(terminal) = last.and_then(|d| ops.get(&d)) else {
            return Ok(None);
        };
        let Some(result) = terminal.1.inputs.first() else {
            return Ok(None);
        };
        // Nodes bottom-up without recursion: a node is made once all its inputs are.
        let mut made: HashMap<String, Arc<Node>> = HashMap::new();
        let mut pending = vec![result.digest.clone()];
        while let Some(digest) = pending.last().cloned() {
            if made.contains_key(&digest) {
                pending.pop();
                continue;
            }
            let (bytes, op) = ops
                .get(&digest)
                .ok_or_else(|| invalid(format!("no op {digest}")))?;
            let missing: Vec<String> = op
                .inputs
                .iter()
                .filter(|i| !made.contains_key(&i.digest))
                .map(|i| i.digest.clone())
                .collect();
            if !missing.is_empty() {
                if missing.iter().any(|m| pending.contains(m)) {
                    return Err(invalid(format!("op {digest} depends on itself")));
                }
                pending.extend(missing);
                continue;
            }
            let inputs = op
                .inputs
                .iter()
                .map(|i| Output {
                    node: Arc::clone(&made[&i.digest]),
                    index: i.index,
                })
                .collect();
            let meta = definition
                .metadata
                .get(&digest)
                .map(op_meta)
                .unwrap_or_default();
            let node = Node {
                bytes: bytes.to_vec(),
                digest: digest.clone(),
                inputs,
                meta,
            };
            made.insert(digest, Arc::new(node));
            pending.pop();
        }
        Ok(Some(Output {
            node: Arc::clone(&made[&result.digest]),
            index: result.index,
        }))
    }
}

/// An op's metadata as [`OpMeta`] (source locations are left out: they point into the other
/// definition's source maps).
fn op_meta(meta: &pb::OpMetadata) -> OpMeta {
    OpMeta {
        description: meta
            .description
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        ignore_cache: meta.ignore_cache,
        export_cache: meta.export_cache.as_ref().map(|e| e.value),
        progress_group: meta.progress_group.clone(),
        caps: meta
            .caps
            .iter()
            .filter(|(_, on)| **on)
            .map(|(k, _)| k.clone())
            .collect(),
        locations: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Exec, Image, MarshalOptions, Platform, marshal};

    #[test]
    fn a_marshaled_graph_comes_back_with_its_digests() -> Result<(), Error> {
        let base = Image::new("alpine")
            .platform(Platform::new("linux", "amd64"))
            .build()?;
        let run = Exec::new(Some(base), ["true"]).build()?.root();
        let definition = marshal(run.as_ref(), &MarshalOptions::default())?;
        let imported = Output::from_definition(&definition)?;
        assert_eq!(
            imported.as_ref().map(Output::digest),
            run.as_ref().map(Output::digest)
        );
        // Built on, it marshals to the same ops plus the new one.
        let again = marshal(imported.as_ref(), &MarshalOptions::default())?;
        assert_eq!(again.def, definition.def);
        assert_eq!(
            Output::from_definition(&pb::Definition::default())?.map(|o| o.index()),
            None
        );
        Ok(())
    }
}
