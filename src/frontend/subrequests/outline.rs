//! `frontend.outline`: the build args, secrets and SSH sockets a target uses (BuildKit's
//! `frontend/subrequests/outline/outline.go`, filled as `dockerfile2llb/outline.go` does).

use serde::Serialize;

use super::{JSON_AND_TEXT, Location, Request, SourceFiles, TARGET_OPT, base64, go_json, tabwrite};
use crate::convert::outline::{MountUse, Outline as TargetOutline};
use crate::proto::moby::buildkit::v1::frontend::Result as BridgeResult;

pub const NAME: &str = "frontend.outline";

pub static DEFINITION: Request = Request {
    name: NAME,
    version: "1.0.0",
    kind: "rpc",
    description: "List all parameters current build target supports",
    opts: Some(TARGET_OPT),
    inputs: None,
    metadata: Some(&JSON_AND_TEXT),
    refs: None,
};

/// `outline.Outline` (its `cache` list is never filled by docker/dockerfile 1.20).
#[derive(Debug, Serialize)]
pub struct Outline {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<Arg>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<Mount>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ssh: Vec<Mount>,
    /// The Dockerfile, base64.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// `outline.Arg`.
#[derive(Debug, Serialize)]
pub struct Arg {
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// `outline.Secret` and `outline.SSH`.
#[derive(Debug, Serialize)]
pub struct Mount {
    pub name: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

fn location(span: crate::dockerfile::Span) -> Option<Location> {
    (span.start.line > 0).then(|| Location::of(span))
}

fn mounts(list: &[MountUse]) -> Vec<Mount> {
    list.iter()
        .map(|m| Mount {
            name: m.id.clone(),
            required: m.required,
            location: location(m.span),
        })
        .collect()
}

impl Outline {
    pub fn new(outline: &TargetOutline, files: &SourceFiles) -> Self {
        Outline {
            name: outline.name.clone().unwrap_or_default(),
            description: outline.description.clone(),
            args: outline
                .args
                .iter()
                .map(|a| Arg {
                    name: a.name.clone(),
                    description: a.description.clone(),
                    value: a.value.clone(),
                    location: location(a.span),
                })
                .collect(),
            secrets: mounts(&outline.secrets),
            ssh: mounts(&outline.ssh),
            sources: files.iter().map(|(_, data)| base64(data)).collect(),
        }
    }

    pub fn json(&self) -> String {
        go_json(self)
    }

    /// As buildx prints it (`outline.PrintOutline`).
    pub fn text(&self) -> String {
        let mut out = String::new();
        if !self.name.is_empty() || !self.description.is_empty() {
            let name = if self.name.is_empty() {
                "(default)"
            } else {
                &self.name
            };
            let mut rows = vec![vec!["TARGET:".to_string(), name.to_string()]];
            if !self.description.is_empty() {
                rows.push(vec!["DESCRIPTION:".to_string(), self.description.clone()]);
            }
            out.push_str(&tabwrite(&rows, 1));
            out.push('\n');
        }
        if !self.args.is_empty() {
            let mut rows = vec![vec![
                "BUILD ARG".to_string(),
                "VALUE".to_string(),
                "DESCRIPTION".to_string(),
            ]];
            for a in &self.args {
                rows.push(vec![a.name.clone(), a.value.clone(), a.description.clone()]);
            }
            out.push_str(&tabwrite(&rows, 3));
            out.push('\n');
        }
        for (title, list) in [("SECRET", &self.secrets), ("SSH", &self.ssh)] {
            if list.is_empty() {
                continue;
            }
            let mut rows = vec![vec![title.to_string(), "REQUIRED".to_string()]];
            for m in list {
                let required = if m.required { "true" } else { "" };
                rows.push(vec![m.name.clone(), required.to_string()]);
            }
            out.push_str(&tabwrite(&rows, 3));
            out.push('\n');
        }
        out
    }

    pub fn answer(&self) -> BridgeResult {
        super::result(&DEFINITION, self.json(), Some(self.text()), &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{self, ConvertOptions, ResolvedImage};

    /// Field by field as upstream's `outline.Outline` marshals for this file and target: the
    /// global ARG counts because FROM uses it (a RUN using it would not).
    #[test]
    fn json_and_text_as_upstream_writes_them() -> Result<(), crate::dockerfile::Error> {
        let text = "# VERSION of the app\nARG VERSION=1.0\n# build builds it\nFROM alpine:${VERSION} AS build\nRUN --mount=type=secret,id=tok,required --mount=type=ssh echo $VERSION\n";
        let df = crate::dockerfile::parse(text.as_bytes())?;
        let opts = ConvertOptions {
            target: Some("build".into()),
            ..ConvertOptions::default()
        };
        let found = convert::outline(&df, &Default::default(), &opts, |_| {
            ResolvedImage::default()
        })?;
        let outline = Outline::new(
            &found,
            &[("Dockerfile".to_string(), text.as_bytes().to_vec())],
        );
        let range = |line: u32| {
            format!(
                "{{\n            \"start\": {{\n              \"line\": {line}\n            }},\n            \"end\": {{\n              \"line\": {line}\n            }}\n          }}"
            )
        };
        let expected = format!(
            r#"{{
  "name": "build",
  "description": "builds it",
  "args": [
    {{
      "name": "VERSION",
      "description": "of the app",
      "value": "1.0",
      "location": {{
        "ranges": [
          {}
        ]
      }}
    }}
  ],
  "secrets": [
    {{
      "name": "tok",
      "required": true,
      "location": {{
        "ranges": [
          {}
        ]
      }}
    }}
  ],
  "ssh": [
    {{
      "name": "default",
      "location": {{
        "ranges": [
          {}
        ]
      }}
    }}
  ],
  "sources": [
    "{}"
  ]
}}"#,
            range(2),
            range(5),
            range(5),
            base64(text.as_bytes())
        );
        assert_eq!(outline.json(), expected);
        assert_eq!(
            outline.text(),
            "TARGET:      build\nDESCRIPTION: builds it\n\n\
             BUILD ARG   VALUE   DESCRIPTION\nVERSION     1.0     of the app\n\n\
             SECRET   REQUIRED\ntok      true\n\n\
             SSH       REQUIRED\ndefault   \n\n"
        );
        Ok(())
    }
}
