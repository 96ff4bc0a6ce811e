//! Answering the subrequests about the Dockerfile (BuildKit's `dockerui.HandleSubrequest`
//! with the handlers of `frontend/dockerfile/builder/build.go`): the data comes from
//! `convert`, the encodings from [`super::subrequests`].

use super::FrontendError;
use super::build::{PlatformError, WarnTarget, resolve_plan};
use super::contexts::ClientSources;
use super::load::LoadedDockerfile;
use super::subrequests::{convertllb, graph, lint, outline, targets};
use crate::convert::graph::StageGraph;
use crate::convert::{self, ConvertOptions, LintReport, Plan};
use crate::dockerfile;
use crate::gateway::GatewayClient;
use crate::instructions::include::Includes;
use crate::llb::{self, MarshalOptions};
use crate::proto::moby::buildkit::v1::frontend::Result as BridgeResult;

/// The Dockerfile as the build parsed it (once), or why it does not parse.
pub(super) type Parsed<'a> = Result<&'a dockerfile::Dockerfile, &'a dockerfile::ParseError>;

/// The answer to `request` (any but describe) about the loaded Dockerfile (and the files it
/// INCLUDEs), converted with `settings`.
pub(super) async fn answer(
    client: &GatewayClient,
    request: &str,
    (loaded, parsed, includes): (&LoadedDockerfile, Parsed<'_>, &Includes),
    settings: &ConvertOptions,
    warn: &WarnTarget,
    sources: &ClientSources,
) -> Result<BridgeResult, PlatformError> {
    let parse = || parsed.map_err(|e| PlatformError::Convert(e.clone()));
    // The plan of the target, with its base images and named contexts resolved.
    let resolved_plan = || async {
        let plan =
            Plan::with_includes(parse()?, includes, settings).map_err(PlatformError::Convert)?;
        let resolved = resolve_plan(client, &plan, settings, sources).await?;
        Ok::<_, PlatformError>((plan, resolved))
    };
    // Every file, the Dockerfile first: locations index into this list.
    let files: Vec<(String, Vec<u8>)> =
        std::iter::once((loaded.filename.clone(), loaded.data.clone()))
            .chain(
                includes
                    .files()
                    .iter()
                    .map(|f| (f.path.clone(), f.data.clone())),
            )
            .collect();
    match request {
        targets::NAME => {
            let list = convert::outline::targets_with_includes(parse()?, includes)
                .map_err(PlatformError::Convert)?;
            Ok(targets::List::new(&list, &files).answer())
        }
        outline::NAME => {
            let (plan, resolved) = resolved_plan().await?;
            // As upstream, the warnings of the conversion are shown.
            let (result, warnings) = convert::outline_reporting(&plan, settings, &resolved);
            warn.send_all(client, &warnings).await?;
            let found = result.map_err(PlatformError::Convert)?;
            Ok(outline::Outline::new(&found, &files).answer())
        }
        convertllb::NAME => {
            let (plan, resolved) = resolved_plan().await?;
            // As upstream, the conversion's warnings are shown, and the definition is
            // marshalled as a build marshals it.
            let (converted, warnings) = convert::convert_reporting(&plan, settings, &resolved);
            warn.send_all(client, &warnings).await?;
            let converted = converted.map_err(PlatformError::Convert)?;
            let caps = settings.llb_caps.clone();
            let def = llb::marshal(converted.state.as_ref(), &MarshalOptions { caps })?;
            Ok(convertllb::answer(&def)?)
        }
        lint::NAME => {
            let report = lint_report(client, (parsed, includes), settings, sources).await?;
            Ok(lint::Results::new(&report, &files).answer())
        }
        graph::NAME => {
            let plan = Plan::with_includes(parse()?, includes, settings)
                .map_err(PlatformError::Convert)?;
            Ok(graph::answer(&StageGraph::new(&plan)))
        }
        other => Err(PlatformError::Other(FrontendError::UnsupportedRequest(
            other.to_string(),
        ))),
    }
}

/// Checks the Dockerfile as `frontend.lint` does: what stops it from converting is part of
/// the report, not an error of the request.
async fn lint_report(
    client: &GatewayClient,
    (parsed, includes): (Parsed<'_>, &Includes),
    settings: &ConvertOptions,
    sources: &ClientSources,
) -> Result<LintReport, PlatformError> {
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return Ok(LintReport::failed(error.clone())),
    };
    let opts = convert::lint_options(settings);
    let plan = match convert::lint_plan(parsed, includes, &opts) {
        Ok(plan) => plan,
        Err(report) => return Ok(report),
    };
    match resolve_plan(client, &plan, &opts, sources).await {
        Ok(resolved) => Ok(convert::lint_dispatch(&plan, &opts, &resolved)),
        Err(PlatformError::Convert(error)) => Ok(LintReport {
            warnings: plan.lint.warnings().to_vec(),
            error: Some(error),
        }),
        Err(other) => Err(other),
    }
}
