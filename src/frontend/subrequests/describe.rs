//! `frontend.subrequests.describe`: the subrequests this frontend answers (BuildKit's
//! `frontend/subrequests/describe.go` and `dockerui.describe`).
//!
//! docker/dockerfile 1.20 lists only outline, targets and itself although it answers lint and
//! convertllb too; rustfront lists every subrequest it answers, rustfront's own last.

use super::{JSON_AND_TEXT, Request, go_json, tabwrite};
use crate::proto::moby::buildkit::v1::frontend::Result as BridgeResult;

pub const NAME: &str = "frontend.subrequests.describe";

pub static DEFINITION: Request = Request {
    name: NAME,
    version: "1.0.0",
    kind: "rpc",
    description: "List available subrequest types",
    opts: None,
    inputs: None,
    metadata: Some(&JSON_AND_TEXT),
    refs: None,
};

/// The list as JSON (`result.json`).
pub fn json() -> String {
    go_json(&super::all())
}

/// The list as buildx prints it (`result.txt`): names without `frontend.`.
pub fn text() -> String {
    let mut rows = vec![vec![
        "NAME".to_string(),
        "VERSION".to_string(),
        "DESCRIPTION".to_string(),
    ]];
    for r in super::all() {
        rows.push(vec![
            r.name.trim_start_matches("frontend.").to_string(),
            r.version.to_string(),
            r.description.to_string(),
        ]);
    }
    tabwrite(&rows, 1)
}

pub fn answer() -> BridgeResult {
    super::result(&DEFINITION, json(), Some(text()), &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_upstreams_definitions_field_by_field() {
        let list: serde_json::Value = serde_json::from_str(&json()).unwrap_or_default();
        let names: Vec<&str> = list
            .as_array()
            .map(|a| a.iter().filter_map(|r| r["name"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            names,
            [
                "frontend.outline",
                "frontend.targets",
                "frontend.lint",
                "frontend.convertllb",
                "frontend.subrequests.describe",
                "frontend.graph"
            ]
        );
        // As upstream marshals `outline.SubrequestsOutlineDefinition`.
        let expected = r#"{
  "name": "frontend.outline",
  "version": "1.0.0",
  "type": "rpc",
  "description": "List all parameters current build target supports",
  "opts": [
    {
      "name": "target",
      "description": "Target build stage"
    }
  ],
  "inputs": null,
  "metadata": [
    {
      "name": "result.json",
      "description": ""
    },
    {
      "name": "result.txt",
      "description": ""
    }
  ],
  "refs": null
}"#;
        assert_eq!(go_json(&super::super::outline::DEFINITION), expected);
        // Columns as Go's tabwriter pads them: the widest name plus one space.
        let lines: Vec<String> = text().lines().map(str::to_string).collect();
        assert_eq!(
            lines[0],
            format!("{:<21}{:<8}DESCRIPTION", "NAME", "VERSION")
        );
        assert_eq!(
            lines[4],
            format!(
                "{:<21}{:<8}Convert Dockerfile to LLB",
                "convertllb", "0.1.0"
            )
        );
        assert_eq!(
            lines[5],
            format!(
                "{:<21}{:<8}List available subrequest types",
                "subrequests.describe", "1.0.0"
            )
        );
    }
}
