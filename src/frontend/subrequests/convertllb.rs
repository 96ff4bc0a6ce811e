//! `frontend.convertllb`: the LLB a build of the Dockerfile would solve, as JSON (BuildKit's
//! `frontend/subrequests/convertllb`, filled as `dockerfile2llb.DockerfileConvertLLB` does:
//! the target converted for the default platform and marshalled as a build marshals it).

use super::{Named, Request};
use crate::llb::{self, pb};
use crate::proto::moby::buildkit::v1::frontend::Result as BridgeResult;

pub const NAME: &str = "frontend.convertllb";

pub static DEFINITION: Request = Request {
    name: NAME,
    version: "0.1.0",
    kind: "rpc",
    description: "Convert Dockerfile to LLB",
    opts: Some(&[]),
    inputs: None,
    metadata: Some(&[Named::new("result.json")]),
    refs: None,
};

/// The answer for `def`: `result.json` (every op decoded and keyed by digest, the metadata,
/// the source map) and the `version`.
pub fn answer(def: &pb::Definition) -> Result<BridgeResult, llb::Error> {
    let json = llb::convert_llb_json(def)?;
    Ok(super::result(&DEFINITION, json, None, &[]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_as_upstream_marshals_it() {
        // `convertllb.SubrequestConvertLLBDefinition` through `json.MarshalIndent`.
        let expected = r#"{
  "name": "frontend.convertllb",
  "version": "0.1.0",
  "type": "rpc",
  "description": "Convert Dockerfile to LLB",
  "opts": [],
  "inputs": null,
  "metadata": [
    {
      "name": "result.json",
      "description": ""
    }
  ],
  "refs": null
}"#;
        assert_eq!(super::super::go_json(&DEFINITION), expected);
    }

    #[test]
    fn answer_carries_result_json_and_version() {
        let result = answer(&pb::Definition::default()).map_err(|e| e.to_string());
        let metadata = result.map(|r| r.metadata).unwrap_or_default();
        let mut keys: Vec<&str> = metadata.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["result.json", "version"]);
        assert_eq!(metadata["version"], b"0.1.0");
        assert_eq!(
            String::from_utf8_lossy(&metadata["result.json"]),
            "{\n  \"def\": {},\n  \"metadata\": {},\n  \"source\": {}\n}"
        );
    }
}
