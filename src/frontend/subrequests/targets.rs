//! `frontend.targets`: the stages a build can target (BuildKit's
//! `frontend/subrequests/targets/targets.go`, filled as `dockerfile2llb.ListTargets` does).

use serde::Serialize;

use super::{JSON_AND_TEXT, Location, Request, SourceFiles, base64, go_json, tabwrite};
use crate::convert::outline::Target as StageTarget;
use crate::proto::moby::buildkit::v1::frontend::Result as BridgeResult;

pub const NAME: &str = "frontend.targets";

pub static DEFINITION: Request = Request {
    name: NAME,
    version: "1.0.0",
    kind: "rpc",
    description: "List all targets current build supports",
    opts: Some(&[]),
    inputs: None,
    metadata: Some(&JSON_AND_TEXT),
    refs: None,
};

/// `targets.List`.
#[derive(Debug, Serialize)]
pub struct List {
    pub targets: Vec<Target>,
    /// The Dockerfile, base64 (Go's `[][]byte`).
    pub sources: Vec<String>,
}

/// `targets.Target`.
#[derive(Debug, Serialize)]
pub struct Target {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub default: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub base: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub platform: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl List {
    pub fn new(targets: &[StageTarget], files: &SourceFiles) -> Self {
        List {
            targets: targets
                .iter()
                .map(|t| Target {
                    name: t.name.clone().unwrap_or_default(),
                    default: t.default,
                    description: t.description.clone(),
                    base: t.base.clone(),
                    platform: t.platform.clone().unwrap_or_default(),
                    location: (t.span.start.line > 0).then(|| Location::of(t.span)),
                })
                .collect(),
            sources: files.iter().map(|(_, data)| base64(data)).collect(),
        }
    }

    pub fn json(&self) -> String {
        go_json(self)
    }

    /// As buildx prints it (`targets.PrintTargets`).
    pub fn text(&self) -> String {
        let mut rows = vec![vec!["TARGET".to_string(), "DESCRIPTION".to_string()]];
        for t in &self.targets {
            let name = match (t.name.as_str(), t.default) {
                ("", true) => "(default)".to_string(),
                (name, true) => format!("{name} (default)"),
                (name, false) => name.to_string(),
            };
            rows.push(vec![name, t.description.clone()]);
        }
        tabwrite(&rows, 1)
    }

    pub fn answer(&self) -> BridgeResult {
        super::result(&DEFINITION, self.json(), Some(self.text()), &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Field by field as upstream's `ListTargets` fills `targets.List` for this file.
    #[test]
    fn json_as_upstream_writes_it() -> Result<(), crate::dockerfile::Error> {
        let text = "ARG GO=1.22\n# build compiles <it>\nFROM --platform=$BUILDPLATFORM golang:${GO} AS build\nRUN make\n\nFROM scratch\nCOPY --from=build /app /app\n";
        let df = crate::dockerfile::parse(text.as_bytes())?;
        let files = [("Dockerfile".to_string(), text.as_bytes().to_vec())];
        let list = List::new(&crate::convert::outline::targets(&df)?, &files);
        let expected = format!(
            r#"{{
  "targets": [
    {{
      "name": "build",
      "description": "compiles \u003cit\u003e",
      "base": "golang:${{GO}}",
      "platform": "$BUILDPLATFORM",
      "location": {{
        "ranges": [
          {{
            "start": {{
              "line": 3
            }},
            "end": {{
              "line": 3
            }}
          }}
        ]
      }}
    }},
    {{
      "default": true,
      "base": "scratch",
      "location": {{
        "ranges": [
          {{
            "start": {{
              "line": 6
            }},
            "end": {{
              "line": 6
            }}
          }}
        ]
      }}
    }}
  ],
  "sources": [
    "{}"
  ]
}}"#,
            base64(text.as_bytes())
        );
        assert_eq!(list.json(), expected);
        assert_eq!(
            list.text(),
            "TARGET    DESCRIPTION\nbuild     compiles <it>\n(default) \n"
        );
        Ok(())
    }
}
