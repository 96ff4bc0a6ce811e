//! `frontend.lint`: the build-check warnings of a Dockerfile and the error that stops it from
//! building (BuildKit's `frontend/subrequests/lint/lint.go`, filled as
//! `dockerfile2llb.DockerfileLint` does), and the human form buildx prints for `--check`.

use serde::Serialize;

use super::{Location, Named, Request, SourceFiles, base64, go_json, source_snippet};
use crate::convert::LintReport;
use crate::proto::moby::buildkit::v1::frontend::Result as BridgeResult;

pub const NAME: &str = "frontend.lint";

pub static DEFINITION: Request = Request {
    name: NAME,
    version: "1.0.0",
    kind: "rpc",
    description: "Lint a Dockerfile",
    opts: Some(&[]),
    inputs: None,
    metadata: Some(&[
        Named::new("result.json"),
        Named::new("result.txt"),
        Named::new("result.statuscode"),
    ]),
    refs: None,
};

/// `lint.LintResults`.
#[derive(Debug, Serialize)]
pub struct Results {
    /// `None` (Go's nil slice, `null`) when nothing was found.
    pub warnings: Option<Vec<Warning>>,
    pub sources: Vec<SourceInfo>,
    #[serde(rename = "buildError", skip_serializing_if = "Option::is_none")]
    pub error: Option<BuildError>,
}

/// `lint.Warning`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub rule_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
    pub location: Location,
}

/// `pb.SourceInfo` as `encoding/json` writes it.
#[derive(Debug, Serialize)]
pub struct SourceInfo {
    pub filename: String,
    /// base64
    pub data: String,
    pub language: String,
    #[serde(skip)]
    raw: Vec<u8>,
}

/// `lint.BuildError`.
#[derive(Debug, Serialize)]
pub struct BuildError {
    pub message: String,
    pub location: Location,
}

impl Results {
    pub fn new(report: &LintReport, files: &SourceFiles) -> Self {
        let warnings: Vec<Warning> = report
            .warnings
            .iter()
            .map(|w| Warning {
                rule_name: w.rule.name.to_string(),
                description: w.rule.description.to_string(),
                url: w.rule.url.to_string(),
                detail: w.message.clone(),
                location: Location::of(w.span),
            })
            .collect();
        Results {
            warnings: (!warnings.is_empty()).then_some(warnings),
            sources: files
                .iter()
                .map(|(filename, data)| SourceInfo {
                    filename: filename.clone(),
                    data: base64(data),
                    language: "Dockerfile".to_string(),
                    raw: data.clone(),
                })
                .collect(),
            error: report.error.as_ref().map(|e| BuildError {
                message: e.message.clone(),
                location: e.span.map(Location::of).unwrap_or_default(),
            }),
        }
    }

    pub fn json(&self) -> String {
        go_json(self)
    }

    /// `result.statuscode`: 1 when anything was found.
    pub fn status_code(&self) -> u8 {
        u8::from(self.warnings.is_some() || self.error.is_some())
    }

    /// The warnings as buildx prints them (`LintResults.PrintTo`, the `result.txt`): by line,
    /// each with its rule, URL, message and the lines around it.
    pub fn text(&self) -> String {
        let mut sorted: Vec<&Warning> = self.warnings.iter().flatten().collect();
        sorted.sort_by(|a, b| match (a.location.lines().0, b.location.lines().0) {
            (0, 0) => a.rule_name.cmp(&b.rule_name),
            (x, y) => (x != 0).cmp(&(y != 0)).then(x.cmp(&y)),
        });
        let mut out = String::new();
        for w in sorted {
            out.push_str(&format!("\nWARNING: {}", w.rule_name));
            if !w.url.is_empty() {
                out.push_str(&format!(" - {}", w.url));
            }
            out.push_str(&format!("\n{}\n", w.detail));
            out.push_str(&self.snippet(&w.location));
        }
        out
    }

    fn snippet(&self, location: &Location) -> String {
        let (start, end) = location.lines();
        match self.sources.first() {
            Some(source) if start > 0 => source_snippet(&source.filename, &source.raw, start, end),
            _ => String::new(),
        }
    }

    /// What `docker buildx build --check` prints: a count, the warnings, then the build error
    /// (as `LintResults.PrintErrorTo`) or that nothing was found.
    pub fn human(&self) -> String {
        let count = self.warnings.as_ref().map_or(0, Vec::len);
        let mut out = match count {
            0 => String::new(),
            1 => "Check complete, 1 warning has been found!\n".to_string(),
            n => format!("Check complete, {n} warnings have been found!\n"),
        };
        out.push_str(&self.text());
        match &self.error {
            Some(error) => {
                out.push_str(&format!("\nERROR: {}\n", error.message));
                out.push_str(&self.snippet(&error.location));
            }
            None if count == 0 => out.push_str("Check complete, no warnings found.\n"),
            None => {}
        }
        out
    }

    pub fn answer(&self) -> BridgeResult {
        super::result(
            &DEFINITION,
            self.json(),
            Some(self.text()),
            &[(
                "result.statuscode",
                self.status_code().to_string().into_bytes(),
            )],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{self, ConvertOptions, ResolvedImage};

    fn results(text: &str) -> Results {
        let report = match crate::dockerfile::parse(text.as_bytes()) {
            Ok(df) => convert::lint(&df, &Default::default(), &ConvertOptions::default(), |_| {
                ResolvedImage::default()
            }),
            Err(e) => LintReport::failed(e),
        };
        Results::new(
            &report,
            &[("Dockerfile".to_string(), text.as_bytes().to_vec())],
        )
    }

    /// Field by field as upstream's `lint.LintResults` marshals: every stage is checked
    /// (the unused one too), and the error that stops the build is `buildError`.
    #[test]
    fn json_as_upstream_writes_it() {
        let text = "# check=error=true\nFROM alpine AS Unused\nFROM alpine\nCMD echo\n";
        let r = results(text);
        let expected = format!(
            r#"{{
  "warnings": [
    {{
      "ruleName": "StageNameCasing",
      "description": "Stage names should be lowercase",
      "url": "https://docs.docker.com/go/dockerfile/rule/stage-name-casing/",
      "detail": "Stage name 'Unused' should be lowercase",
      "location": {{
        "ranges": [
          {{
            "start": {{
              "line": 2
            }},
            "end": {{
              "line": 2
            }}
          }}
        ]
      }}
    }},
    {{
      "ruleName": "JSONArgsRecommended",
      "description": "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals",
      "url": "https://docs.docker.com/go/dockerfile/rule/json-args-recommended/",
      "detail": "JSON arguments recommended for CMD to prevent unintended behavior related to OS signals",
      "location": {{
        "ranges": [
          {{
            "start": {{
              "line": 4
            }},
            "end": {{
              "line": 4
            }}
          }}
        ]
      }}
    }}
  ],
  "sources": [
    {{
      "filename": "Dockerfile",
      "data": "{}",
      "language": "Dockerfile"
    }}
  ],
  "buildError": {{
    "message": "lint violation found for rules: JSONArgsRecommended, StageNameCasing",
    "location": {{}}
  }}
}}"#,
            base64(text.as_bytes())
        );
        assert_eq!(r.json(), expected);
        assert_eq!(r.status_code(), 1);
        let human = r.human();
        assert!(
            human.starts_with("Check complete, 2 warnings have been found!\n\nWARNING: StageNameCasing - https://docs.docker.com/go/dockerfile/rule/stage-name-casing/\nStage name 'Unused' should be lowercase\nDockerfile:2\n--------------------\n   1 |     # check=error=true\n   2 | >>> FROM alpine AS Unused\n"),
            "{human}"
        );
        assert!(human.ends_with(
            "\nERROR: lint violation found for rules: JSONArgsRecommended, StageNameCasing\n"
        ));
    }

    #[test]
    fn clean_and_broken_dockerfiles() {
        let clean = results("FROM alpine\nCMD [\"sh\"]\n");
        assert!(clean.json().starts_with("{\n  \"warnings\": null,\n"));
        assert!(!clean.json().contains("buildError"));
        assert_eq!(clean.status_code(), 0);
        assert_eq!(clean.human(), "Check complete, no warnings found.\n");
        // A Dockerfile that does not parse: the error with its line, no warnings.
        let broken = results("FROM alpine\nNOPE x\n");
        let json: serde_json::Value = serde_json::from_str(&broken.json()).unwrap_or_default();
        assert_eq!(
            json["buildError"]["message"],
            "unknown instruction: NOPE (did you mean COPY?)"
        );
        assert_eq!(
            json["buildError"]["location"]["ranges"][0]["start"]["line"],
            2
        );
        assert_eq!(broken.status_code(), 1);
    }
}
