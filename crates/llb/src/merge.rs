//! Merge and diff ops (BuildKit v0.10+, caps `mergeop` / `diffop`).

use std::collections::BTreeSet;

use super::caps;
use super::graph::{Inputs, OpMeta, Output, new_output};
use crate::proto::pb;

/// Layers `inputs` on top of each other, first at the bottom. Scratch inputs are dropped; no
/// input left gives scratch, one gives that input unchanged (as the Go client does).
pub fn merge<I>(inputs: I, meta: OpMeta) -> Option<Output>
where
    I: IntoIterator<Item = Option<Output>>,
{
    let outputs: Vec<Output> = inputs.into_iter().flatten().collect();
    if outputs.len() < 2 {
        return outputs.into_iter().next();
    }
    let mut inputs = Inputs::default();
    let merge_inputs = outputs
        .iter()
        .map(|o| pb::MergeInput {
            input: inputs.push(o),
        })
        .collect();
    let op = pb::Op {
        op: Some(pb::op::Op::Merge(pb::MergeOp {
            inputs: merge_inputs,
        })),
        ..pb::Op::default()
    };
    Some(new_output(
        op,
        inputs,
        BTreeSet::from([caps::MERGE_OP]),
        meta,
    ))
}

/// The changes that turn `lower` into `upper`. A scratch `lower` gives `upper` itself.
pub fn diff(lower: Option<Output>, upper: Option<Output>, meta: OpMeta) -> Option<Output> {
    let Some(lower) = lower else {
        return upper;
    };
    let mut inputs = Inputs::default();
    let lower_index = inputs.push(&lower);
    let upper_index = match &upper {
        Some(u) => inputs.push(u),
        None => -1,
    };
    let op = pb::Op {
        op: Some(pb::op::Op::Diff(pb::DiffOp {
            lower: Some(pb::LowerDiffInput { input: lower_index }),
            upper: Some(pb::UpperDiffInput { input: upper_index }),
        })),
        ..pb::Op::default()
    };
    Some(new_output(
        op,
        inputs,
        BTreeSet::from([caps::DIFF_OP]),
        meta,
    ))
}
