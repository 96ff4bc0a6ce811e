//! `frontend.graph` — a rustfront extension, not in docker/dockerfile: the stage graph of the
//! build (stages, steps, FROM/COPY --from/mount edges, pruned stages, critical path), the data
//! `rustfront debug graph` draws. `result.json` is its JSON form, `result.txt` Graphviz dot.

use super::{JSON_AND_TEXT, Request, TARGET_OPT, go_json};
use crate::convert::graph::StageGraph;
use crate::proto::moby::buildkit::v1::frontend::Result as BridgeResult;

pub const NAME: &str = "frontend.graph";

pub static DEFINITION: Request = Request {
    name: NAME,
    version: "0.1.0",
    kind: "rpc",
    description: "Show the stage graph and critical path of the build (rustfront extension)",
    opts: Some(TARGET_OPT),
    inputs: None,
    metadata: Some(&JSON_AND_TEXT),
    refs: None,
};

pub fn answer(graph: &StageGraph) -> BridgeResult {
    super::result(&DEFINITION, go_json(graph), Some(graph.to_dot()), &[])
}
