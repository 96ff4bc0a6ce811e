//! Building what goes into `Return`: image results (single ref or per-platform map) and error
//! statuses with the `errdefs.Source` detail that makes the CLI print the Dockerfile snippet.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::proto::google::protobuf::Any;
use crate::proto::google::rpc::Status as RpcStatus;
use crate::proto::moby::buildkit::v1::frontend::{self as fe, result};
use crate::proto::pb;
use rustfront_llb::protojson::base64 as base64_encode;

/// Metadata key: image config JSON of the single ref (suffix `/<platform id>` in map form).
pub const META_IMAGE_CONFIG: &str = "containerimage.config";
/// Metadata key: base image config JSON (v0.13+, optional; suffix `/<platform id>` in map form).
pub const META_BASE_IMAGE_CONFIG: &str = "containerimage.base.config";
/// Metadata key: `{"Platforms":[{"ID":…,"Platform":{…}}]}`.
pub const META_REFS_PLATFORMS: &str = "refs.platforms";
/// Type URL of BuildKit's source-location error detail (JSON-encoded).
pub const SOURCE_DETAIL_TYPE_URL: &str = "github.com/moby/buildkit/errdefs.Source+json";

/// One platform's image in a result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlatformImage {
    /// Platform ID `os/arch[/variant]`; must match across refs, metadata and `refs.platforms`
    /// (see [`platform_id`]).
    pub id: String,
    /// The platform (OCI fields).
    pub platform: pb::Platform,
    /// The ref id from `Solve` (empty = scratch).
    pub ref_id: String,
    /// Image config JSON.
    pub config: Vec<u8>,
    /// Base image config JSON, if any.
    pub base_config: Option<Vec<u8>>,
}

/// An error building a result.
///
/// Non-exhaustive: new result forms may add checks.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResultError {
    /// A multi-platform result needs at least one platform.
    #[error("no platforms to return")]
    NoPlatforms,
}

/// `os/arch[/variant]`, the ID format BuildKit expects (normalization is the caller's job).
pub fn platform_id(platform: &pb::Platform) -> String {
    let mut id = format!("{}/{}", platform.os, platform.architecture);
    if !platform.variant.is_empty() {
        id.push('/');
        id.push_str(&platform.variant);
    }
    id
}

/// The single-ref form: `ref` + `containerimage.config` (+ base config) + a one-entry
/// `refs.platforms`. Works on every BuildKit and on Docker's classic image store.
pub fn image_result(image: PlatformImage) -> fe::Result {
    let mut metadata = HashMap::new();
    metadata.insert(
        META_REFS_PLATFORMS.to_owned(),
        refs_platforms_json([(image.id.as_str(), &image.platform)]),
    );
    metadata.insert(META_IMAGE_CONFIG.to_owned(), image.config);
    if let Some(base) = image.base_config {
        metadata.insert(META_BASE_IMAGE_CONFIG.to_owned(), base);
    }
    fe::Result {
        result: Some(single_ref(image.ref_id)),
        metadata,
        ..Default::default()
    }
}

/// The map form: `refs[<id>]` + `containerimage.config/<id>` (+ base config) per platform +
/// `refs.platforms`, in the given order. Use it for several platforms or `multi-platform=true`.
///
/// A platform given twice (`--platform linux/amd64,linux/amd64`) is listed twice in
/// `refs.platforms` with one ref and config, the first one's: what the Dockerfile frontend
/// returns (its refs and configs are maps keyed by platform ID).
pub fn multi_platform_result(images: Vec<PlatformImage>) -> Result<fe::Result, ResultError> {
    if images.is_empty() {
        return Err(ResultError::NoPlatforms);
    }
    let mut refs = HashMap::new();
    let mut metadata = HashMap::new();
    metadata.insert(
        META_REFS_PLATFORMS.to_owned(),
        refs_platforms_json(images.iter().map(|i| (i.id.as_str(), &i.platform))),
    );
    for image in images {
        if refs.contains_key(&image.id) {
            continue;
        }
        metadata.insert(format!("{META_IMAGE_CONFIG}/{}", image.id), image.config);
        if let Some(base) = image.base_config {
            metadata.insert(format!("{META_BASE_IMAGE_CONFIG}/{}", image.id), base);
        }
        refs.insert(
            image.id,
            fe::Ref {
                id: image.ref_id,
                def: None,
            },
        );
    }
    Ok(fe::Result {
        result: Some(result::Result::Refs(fe::RefMap { refs })),
        metadata,
        ..Default::default()
    })
}

/// A result with metadata only and no image (subrequest answers: `result.json`, `result.txt`,
/// `version`). The ref is set with an empty id, as the Go client does.
pub fn metadata_result(metadata: BTreeMap<String, Vec<u8>>) -> fe::Result {
    fe::Result {
        result: Some(single_ref(String::new())),
        metadata: metadata.into_iter().collect(),
        ..Default::default()
    }
}

fn single_ref(id: String) -> result::Result {
    result::Result::Ref(fe::Ref { id, def: None })
}

/// The `refs.platforms` JSON. Outer keys are capitalized (Go structs without tags); the inner
/// platform uses OCI keys, omitting empty optional ones.
pub fn refs_platforms_json<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a pb::Platform)>,
) -> Vec<u8> {
    let platforms: Vec<Value> = entries
        .into_iter()
        .map(|(id, platform)| json!({"ID": id, "Platform": oci_platform_json(platform)}))
        .collect();
    json!({ "Platforms": platforms }).to_string().into_bytes()
}

/// An OCI platform object (`architecture`, `os`, then optional `os.version`, `os.features`,
/// `variant`).
pub fn oci_platform_json(platform: &pb::Platform) -> Value {
    let mut obj = serde_json::Map::new();
    obj.insert("architecture".into(), platform.architecture.clone().into());
    obj.insert("os".into(), platform.os.clone().into());
    if !platform.os_version.is_empty() {
        obj.insert("os.version".into(), platform.os_version.clone().into());
    }
    if !platform.os_features.is_empty() {
        obj.insert("os.features".into(), platform.os_features.clone().into());
    }
    if !platform.variant.is_empty() {
        obj.insert("variant".into(), platform.variant.clone().into());
    }
    Value::Object(obj)
}

/// A `google.rpc.Status` for `Return`. Code 0 becomes `Unknown` (BuildKit rejects OK).
pub fn error_status(code: tonic::Code, message: impl Into<String>, details: Vec<Any>) -> RpcStatus {
    let code = match code {
        tonic::Code::Ok => tonic::Code::Unknown,
        other => other,
    };
    RpcStatus {
        code: code as i32,
        message: message.into(),
        details,
    }
}

pub use rustfront_llb::line_range;

/// The `errdefs.Source+json` error detail: the file (name, whole content, language) and the
/// 1-based line ranges to highlight. With it, the CLI prints the Dockerfile snippet under the
/// error. A missing range end is sent as the start (Go's printer dereferences both).
pub fn source_detail(info: &pb::SourceInfo, ranges: &[pb::Range]) -> Any {
    let mut info_json = serde_json::Map::new();
    info_json.insert("filename".into(), info.filename.clone().into());
    info_json.insert("data".into(), base64_encode(&info.data).into());
    if !info.language.is_empty() {
        info_json.insert("language".into(), info.language.clone().into());
    }
    let ranges: Vec<Value> = ranges
        .iter()
        .map(|range| {
            let start = range.start.unwrap_or_default();
            let end = range.end.unwrap_or(start);
            json!({
                "start": {"line": start.line, "character": start.character},
                "end": {"line": end.line, "character": end.character},
            })
        })
        .collect();
    let value = json!({ "info": Value::Object(info_json), "ranges": ranges });
    Any {
        type_url: SOURCE_DETAIL_TYPE_URL.to_owned(),
        value: value.to_string().into_bytes(),
    }
}

/// The typed error details BuildKit clients recognise (`errdefs.FrontendCap`,
/// `errdefs.Subrequest`): buildx tells "this frontend lacks the feature" apart from a failure.
///
/// Non-exhaustive: BuildKit has more typed details (`errdefs.Vertex`, `errdefs.Solve`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TypedError {
    /// `unsupported frontend capability <name>` (`frontend.caps` asked for an unknown cap).
    FrontendCap,
    /// `unsupported request <name>` (a subrequest the frontend does not answer).
    Subrequest,
}

/// The error detail for a [`TypedError`] about `name`.
pub fn typed_detail(kind: TypedError, name: &str) -> Any {
    let type_name = match kind {
        TypedError::FrontendCap => "FrontendCap",
        TypedError::Subrequest => "Subrequest",
    };
    Any {
        type_url: format!("github.com/moby/buildkit/errdefs.{type_name}+json"),
        value: json!({ "name": name }).to_string().into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform(arch: &str, variant: &str) -> pb::Platform {
        pb::Platform {
            architecture: arch.into(),
            os: "linux".into(),
            variant: variant.into(),
            ..Default::default()
        }
    }

    fn image(arch: &str, variant: &str, ref_id: &str) -> PlatformImage {
        let platform = platform(arch, variant);
        PlatformImage {
            id: platform_id(&platform),
            platform,
            ref_id: ref_id.into(),
            config: format!(r#"{{"architecture":"{arch}"}}"#).into_bytes(),
            base_config: None,
        }
    }

    fn json_of(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).expect("valid JSON")
    }

    #[test]
    fn platform_ids() {
        assert_eq!(platform_id(&platform("amd64", "")), "linux/amd64");
        assert_eq!(platform_id(&platform("arm", "v7")), "linux/arm/v7");
    }

    #[test]
    fn single_image_result() {
        let mut img = image("amd64", "", "r1");
        img.base_config = Some(b"{}".to_vec());
        let res = image_result(img);
        assert_eq!(
            res.result,
            Some(result::Result::Ref(fe::Ref {
                id: "r1".into(),
                def: None
            }))
        );
        assert_eq!(
            res.metadata.get(META_IMAGE_CONFIG).map(Vec::as_slice),
            Some(&br#"{"architecture":"amd64"}"#[..])
        );
        assert_eq!(
            res.metadata.get(META_BASE_IMAGE_CONFIG).map(Vec::as_slice),
            Some(&b"{}"[..])
        );
        let platforms = json_of(&res.metadata[META_REFS_PLATFORMS]);
        assert_eq!(
            platforms,
            json!({"Platforms":[{"ID":"linux/amd64","Platform":{"architecture":"amd64","os":"linux"}}]})
        );
    }

    #[test]
    fn multi_platform_map() {
        let res = multi_platform_result(vec![image("amd64", "", "a"), image("arm", "v7", "b")])
            .expect("two platforms");
        let Some(result::Result::Refs(map)) = &res.result else {
            panic!("expected refs map, got {:?}", res.result);
        };
        assert_eq!(map.refs["linux/amd64"].id, "a");
        assert_eq!(map.refs["linux/arm/v7"].id, "b");
        assert!(
            res.metadata
                .contains_key("containerimage.config/linux/amd64")
        );
        assert!(
            res.metadata
                .contains_key("containerimage.config/linux/arm/v7")
        );
        assert!(!res.metadata.contains_key(META_IMAGE_CONFIG));
        let platforms = json_of(&res.metadata[META_REFS_PLATFORMS]);
        assert_eq!(platforms["Platforms"][1]["ID"], "linux/arm/v7");
        assert_eq!(platforms["Platforms"][1]["Platform"]["variant"], "v7");
    }

    #[test]
    fn multi_platform_rejects_empty_and_lists_duplicates_as_upstream() {
        assert_eq!(
            multi_platform_result(vec![]).err(),
            Some(ResultError::NoPlatforms)
        );
        let res = multi_platform_result(vec![image("amd64", "", "a"), image("amd64", "", "b")])
            .expect("duplicates are accepted");
        let Some(result::Result::Refs(refs)) = &res.result else {
            panic!("a ref map");
        };
        assert_eq!(refs.refs.len(), 1);
        assert_eq!(refs.refs["linux/amd64"].id, "a");
        let platforms = json_of(&res.metadata[META_REFS_PLATFORMS]);
        assert_eq!(platforms["Platforms"].as_array().map(Vec::len), Some(2));
        assert_eq!(platforms["Platforms"][1]["ID"], "linux/amd64");
    }

    #[test]
    fn metadata_only_result_has_empty_ref() {
        let res = metadata_result(BTreeMap::from([("version".into(), b"1.0.0".to_vec())]));
        assert_eq!(res.result, Some(single_ref(String::new())));
        assert_eq!(res.metadata["version"], b"1.0.0");
    }

    #[test]
    fn error_status_never_ok() {
        assert_eq!(error_status(tonic::Code::Ok, "x", vec![]).code, 2);
        assert_eq!(
            error_status(tonic::Code::InvalidArgument, "x", vec![]).code,
            3
        );
    }

    #[test]
    fn source_detail_json() {
        let info = pb::SourceInfo {
            filename: "Dockerfile".into(),
            data: b"FROM x\nRUN y\n".to_vec(),
            language: "Dockerfile".into(),
            definition: None,
        };
        let open_ended = pb::Range {
            start: Some(pb::Position {
                line: 2,
                character: 0,
            }),
            end: None,
        };
        let any = source_detail(&info, &[line_range(1, 1), open_ended]);
        assert_eq!(any.type_url, SOURCE_DETAIL_TYPE_URL);
        let value = json_of(&any.value);
        assert_eq!(value["info"]["filename"], "Dockerfile");
        assert_eq!(value["info"]["data"], base64_encode(&info.data));
        assert_eq!(value["info"]["language"], "Dockerfile");
        assert_eq!(value["ranges"][0]["start"]["line"], 1);
        assert_eq!(value["ranges"][0]["end"]["line"], 1);
        assert_eq!(value["ranges"][1]["end"]["line"], 2);
    }
}
