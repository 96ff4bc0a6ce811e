//! Reading the files a Dockerfile INCLUDEs from the build context (rustfront's own; it works
//! like dockerui's Dockerfile load: a `local` source that transfers only the named paths).
//!
//! Each round solves one `local://<context>` op whose follow paths are exactly the files not
//! read yet, with the context's `.dockerignore` patterns as excludes (so an ignored file is
//! not sent and reading it fails), then reads them; the INCLUDE lines of what came back name
//! the next round. [`Includes::resolve`] then checks and parses the whole tree from what was
//! read.

use std::collections::{BTreeMap, BTreeSet};

use crate::dockerfile::{self, Dockerfile, Error};
use crate::gateway::{CacheOptionsEntry, GatewayClient};
use crate::instructions::include::{Includes, MAX_INCLUDED_FILES, include_lines};
use crate::llb::{self, Local, MarshalOptions, OpMeta, pb};

/// Where the build context is and what it excludes.
pub(super) struct Context<'a> {
    pub local: &'a str,
    pub session: &'a str,
    pub excludes: &'a [String],
    pub cache_imports: &'a [CacheOptionsEntry],
}

/// Reads every file `main` (named `filename`) includes. On error, the includes read so far come
/// back with it, so the error can point into its file.
pub(super) async fn load(
    client: &GatewayClient,
    context: &Context<'_>,
    filename: &str,
    main: &Dockerfile,
) -> Result<Includes, (Includes, Error)> {
    let mut includes = Includes::new(filename);
    let mut read: BTreeMap<String, Result<Vec<u8>, String>> = BTreeMap::new();
    let mut wanted = paths(main);
    while !wanted.is_empty() && read.len() < MAX_INCLUDED_FILES {
        let round: Vec<String> = std::mem::take(&mut wanted)
            .into_iter()
            .filter(|p| !read.contains_key(p))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if round.is_empty() {
            break;
        }
        for (path, data) in fetch(client, context, &round).await {
            if let Ok(parsed) = data.as_deref().map(dockerfile::parse) {
                wanted.extend(parsed.iter().flat_map(paths));
            }
            read.insert(path, data);
        }
    }
    let result = includes.resolve(main, |path| {
        read.get(path)
            .cloned()
            .unwrap_or_else(|| Err("not read from the build context".into()))
    });
    match result {
        Ok(()) => Ok(includes),
        Err(e) => Err((includes, e)),
    }
}

/// The paths `dockerfile` includes (errors in its INCLUDE lines are reported by `resolve`).
fn paths(dockerfile: &Dockerfile) -> Vec<String> {
    include_lines(dockerfile)
        .map(|lines| lines.into_iter().map(|l| l.path).collect())
        .unwrap_or_default()
}

/// Transfers `paths` (and nothing else) from the context and reads each.
async fn fetch(
    client: &GatewayClient,
    context: &Context<'_>,
    paths: &[String],
) -> Vec<(String, Result<Vec<u8>, String>)> {
    let local = Local::new(context.local)
        .session(context.session)
        .follow_paths(paths)
        .exclude_patterns(context.excludes)
        .shared_key_hint(format!("{}-include", context.local))
        .differ(llb::Differ::None, false)
        .meta(OpMeta::new().custom_name(format!("[internal] load {}", paths.join(", "))))
        .build();
    let solved = match llb::marshal(Some(&local), &MarshalOptions::default()) {
        Ok(definition) => client
            .solve(definition, context.cache_imports, false)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let data = match &solved {
            Ok(ref_id) => client.read_file(ref_id, path, None).await.map_err(|e| {
                format!(
                    "{} (not in the build context, or excluded by .dockerignore)",
                    e.message()
                )
            }),
            Err(e) => Err(e.clone()),
        };
        out.push((path.clone(), data));
    }
    out
}

/// Whether `dockerfile` has INCLUDE lines (only then is anything read).
pub(super) fn needed(dockerfile: &Dockerfile) -> bool {
    dockerfile.nodes.iter().any(|n| n.keyword == "include")
}

/// The source info of the file `error` is about.
pub(super) fn source_info(
    main: &pb::SourceInfo,
    includes: &Includes,
    error: &Error,
) -> pb::SourceInfo {
    source_infos(main, includes)
        .into_iter()
        .nth(error.file())
        .unwrap_or_else(|| main.clone())
}

/// The source info of every file (0 = the Dockerfile `main`), for errors and warnings.
pub(super) fn source_infos(main: &pb::SourceInfo, includes: &Includes) -> Vec<pb::SourceInfo> {
    std::iter::once(main.clone())
        .chain(includes.files().iter().map(|f| pb::SourceInfo {
            filename: f.path.clone(),
            data: f.data.clone(),
            definition: None,
            language: main.language.clone(),
        }))
        .collect()
}
