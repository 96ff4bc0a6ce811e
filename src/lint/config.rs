//! Which checks run and how (`# check=…` and `BUILDKIT_DOCKERFILE_CHECK`).

use crate::dockerfile::Dockerfile;
use crate::dockerfile::Error;
use crate::instructions::parse_go_bool;

/// What `check=` asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckConfig {
    pub skip: Vec<String>,
    pub skip_all: bool,
    pub experimental: Vec<String>,
    pub experimental_all: bool,
    pub error_on_warn: bool,
}

impl CheckConfig {
    /// Parses `skip=A,B;error=true;experimental=all` as upstream does.
    pub fn parse(value: &str) -> Result<CheckConfig, String> {
        let mut config = CheckConfig::default();
        let value = value.trim();
        if value.is_empty() {
            return Ok(config);
        }
        for part in value.splitn(3, ';') {
            let (key, v) = part
                .split_once('=')
                .ok_or_else(|| format!("invalid check option {part:?}"))?;
            let v = v.trim();
            let list = |v: &str| v.split(',').map(|r| r.trim().to_string()).collect();
            match key.trim() {
                "skip" if v == "all" => config.skip_all = true,
                "skip" => config.skip = list(v),
                "experimental" if v == "all" => config.experimental_all = true,
                "experimental" => config.experimental = list(v),
                "error" => {
                    config.error_on_warn = parse_go_bool(v).ok_or_else(|| {
                        format!(
                            "failed to parse check option {part:?}: strconv.ParseBool: parsing {v:?}: invalid syntax"
                        )
                    })?
                }
                other => return Err(format!("invalid check option {other:?}")),
            }
        }
        Ok(config)
    }
}

/// The check configuration of a build: the `BUILDKIT_DOCKERFILE_CHECK` build arg wins over
/// the `# check=` directive.
pub fn check_config(
    dockerfile: &Dockerfile,
    build_args: &std::collections::BTreeMap<String, String>,
) -> Result<CheckConfig, Error> {
    let directive = dockerfile.directives.iter().find(|d| d.name == "check");
    let config = match build_args.get("BUILDKIT_DOCKERFILE_CHECK") {
        Some(arg) => CheckConfig::parse(arg).map_err(|e| {
            Error::message(format!(
                "failed to parse build-arg:BUILDKIT_DOCKERFILE_CHECK: {e}"
            ))
        })?,
        None => match directive {
            Some(d) => CheckConfig::parse(&d.value)
                .map_err(|e| Error::at(d.span, format!("failed to parse check options: {e}")))?,
            None => return Ok(CheckConfig::default()),
        },
    };
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_upstream_forms() {
        let c = CheckConfig::parse("skip=JSONArgsRecommended, StageNameCasing;error=true")
            .unwrap_or_default();
        assert_eq!(c.skip, vec!["JSONArgsRecommended", "StageNameCasing"]);
        assert!(c.error_on_warn);
        assert!(CheckConfig::parse("skip=all").is_ok_and(|c| c.skip_all));
        assert_eq!(
            CheckConfig::parse("foo=bar"),
            Err("invalid check option \"foo\"".into())
        );
        assert!(CheckConfig::parse("error=maybe").is_err());
    }

    #[test]
    fn experimental_rules_and_the_build_arg() -> Result<(), crate::dockerfile::ParseError> {
        let df = crate::dockerfile::parse(b"# check=experimental=all\nFROM alpine\n")?;
        let config = check_config(&df, &Default::default());
        assert!(
            config.is_ok_and(|c| c.experimental_all),
            "every rule is evaluated"
        );
        let df = crate::dockerfile::parse(b"# check=experimental=CopyIgnoredFile\nFROM a\n")?;
        let config = check_config(&df, &Default::default()).unwrap_or_default();
        assert!(config.runs(&crate::lint::rules::COPY_IGNORED_FILE));
        // The build arg wins over the directive.
        let args = [(
            "BUILDKIT_DOCKERFILE_CHECK".to_string(),
            "error=true".to_string(),
        )];
        let config = check_config(&df, &args.into_iter().collect());
        assert!(config.is_ok_and(|c| c.error_on_warn && c.experimental.is_empty()));
        Ok(())
    }
}
