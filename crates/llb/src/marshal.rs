//! Turning a graph into a `pb::Definition` (protocol doc §4).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use prost::Message;

use super::Error;
use super::caps::{self, Caps};
use super::graph::{Node, OpMeta, Output, SourceMap, digest_of};
use crate::proto::pb;

/// Options for [`marshal`].
#[derive(Debug, Clone, Default)]
pub struct MarshalOptions {
    /// The daemon's LLB caps. When set, marshaling fails with [`Error::UnsupportedCap`] if an
    /// op needs a cap outside this set, instead of BuildKit failing with "failed to load LLB".
    pub caps: Option<Caps>,
}

/// Marshals the graph behind `result` (`None` = scratch, giving an empty definition).
///
/// Ops come depth-first, inputs before their users, each distinct op once, and the terminal op
/// (only `inputs = [result]`) last. Every op has a metadata entry; ops that share bytes share
/// one entry (flags OR-ed, descriptions and caps merged). Source locations are grouped per
/// op digest (every op has an entry, maybe empty), one location per op node and
/// [`OpMeta::location`] call, with one `SourceInfo` per distinct [`SourceMap`].
pub fn marshal(result: Option<&Output>, opts: &MarshalOptions) -> Result<pb::Definition, Error> {
    let Some(result) = result else {
        return Ok(pb::Definition::default());
    };
    let mut collector = Collector::default();
    for node in post_order(&result.node) {
        collector.add(node);
    }

    let terminal = pb::Op {
        inputs: vec![result.to_input()],
        ..pb::Op::default()
    }
    .encode_to_vec();
    let mut terminal_caps = vec![caps::CONSTRAINTS, caps::PLATFORM];
    let any = |f: fn(&pb::OpMetadata) -> bool| collector.metadata.values().any(f);
    if any(|m| m.ignore_cache) {
        terminal_caps.push(caps::META_IGNORE_CACHE);
    }
    if any(|m| !m.description.is_empty()) {
        terminal_caps.push(caps::META_DESCRIPTION);
    }
    if any(|m| m.export_cache.is_some()) {
        terminal_caps.push(caps::META_EXPORT_CACHE);
    }
    let terminal_digest = digest_of(&terminal);
    collector.metadata.insert(
        terminal_digest,
        pb::OpMetadata {
            caps: terminal_caps
                .into_iter()
                .map(|c| (c.to_owned(), true))
                .collect(),
            ..pb::OpMetadata::default()
        },
    );
    collector.def.push(terminal);

    if let Some(supported) = &opts.caps {
        check_caps(&collector, supported)?;
    }

    let source = Some(pb::Source {
        locations: collector
            .locations
            .into_iter()
            .map(|(digest, locations)| (digest, pb::Locations { locations }))
            .collect(),
        infos: collector
            .sources
            .iter()
            .map(|s| pb::SourceInfo {
                filename: s.filename.clone(),
                data: s.data.clone(),
                definition: s.definition.clone(),
                language: s.language.clone(),
            })
            .collect(),
    });
    Ok(pb::Definition {
        def: collector.def,
        metadata: collector.metadata,
        source,
    })
}

/// Every node reachable from `root` once, inputs before users (in `Op.inputs` order).
pub(crate) fn post_order(root: &Arc<Node>) -> Vec<&Node> {
    let mut order = Vec::new();
    let mut visited: HashSet<*const Node> = HashSet::from([Arc::as_ptr(root)]);
    let mut stack: Vec<(&Node, usize)> = vec![(root.as_ref(), 0)];
    while let Some((node, next)) = stack.last_mut() {
        let node: &Node = node;
        match node.inputs.get(*next) {
            Some(input) => {
                *next += 1;
                if visited.insert(Arc::as_ptr(&input.node)) {
                    stack.push((input.node.as_ref(), 0));
                }
            }
            None => {
                stack.pop();
                order.push(node);
            }
        }
    }
    order
}

#[derive(Default)]
struct Collector {
    def: Vec<Vec<u8>>,
    emitted: HashSet<String>,
    metadata: BTreeMap<String, pb::OpMetadata>,
    names: BTreeMap<String, String>,
    sources: Vec<Arc<SourceMap>>,
    /// digest → one location per time an op with that digest was added (as Go does: an op
    /// that two instructions share points at both)
    locations: BTreeMap<String, Vec<pb::Location>>,
}

impl Collector {
    fn add(&mut self, node: &Node) {
        let meta: &OpMeta = &node.meta;
        let md = self.metadata.entry(node.digest.clone()).or_default();
        md.ignore_cache |= meta.ignore_cache;
        md.description.extend(meta.description.clone());
        if let Some(value) = meta.export_cache {
            md.export_cache = Some(pb::ExportCache { value });
        }
        if meta.progress_group.is_some() {
            md.progress_group = meta.progress_group.clone();
        }
        md.caps.extend(meta.caps.iter().map(|c| (c.clone(), true)));
        if let Some(name) = meta.name() {
            self.names.insert(node.digest.clone(), name.to_owned());
        }

        let locations = self.locations.entry(node.digest.clone()).or_default();
        for location in &meta.locations {
            let index = match self
                .sources
                .iter()
                .position(|s| Arc::ptr_eq(s, &location.source) || **s == *location.source)
            {
                Some(index) => index,
                None => {
                    self.sources.push(Arc::clone(&location.source));
                    self.sources.len() - 1
                }
            };
            locations.push(pb::Location {
                source_index: i32::try_from(index).unwrap_or(i32::MAX),
                ranges: location.ranges.clone(),
            });
        }

        if self.emitted.insert(node.digest.clone()) {
            self.def.push(node.bytes.clone());
        }
    }
}

fn check_caps(collector: &Collector, supported: &Caps) -> Result<(), Error> {
    for (digest, md) in &collector.metadata {
        if let Some(cap) = md.caps.keys().find(|c| !supported.contains(c)) {
            let op = collector.names.get(digest).unwrap_or(digest).clone();
            return Err(Error::UnsupportedCap {
                cap: cap.clone(),
                op,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Exec, FileOp, Image, Local, Mkdir, Platform, line_range};

    /// `FROM alpine` on linux/amd64 as protobuf-go (docker/dockerfile 1.20) writes it. The
    /// gogo marshaller of older frontends (the builtin one of BuildKit 0.8 to 0.13) wrote the
    /// fields in number order, giving sha256:665ba8b2….
    const ALPINE_DIGEST: &str =
        "sha256:a7f9733e307dd352c82d43053b783dd17bb2ec2c36214908ce393e41545c8b51";

    fn amd64() -> Platform {
        Platform::new("linux", "amd64")
    }

    #[test]
    fn from_alpine_matches_go() -> Result<(), Error> {
        let alpine = Image::new("alpine").platform(amd64()).build()?;
        let def = marshal(Some(&alpine), &MarshalOptions::default())?;

        let ident = b"docker-image://docker.io/library/alpine:latest";
        // Go's order: platform, constraints, then the source (the `op` oneof) last.
        let mut want = vec![0x52, 0x0e, 0x0a, 0x05];
        want.extend_from_slice(b"amd64");
        want.extend_from_slice(&[0x12, 0x05]);
        want.extend_from_slice(b"linux");
        want.extend_from_slice(&[0x5a, 0x00, 0x1a, 0x30, 0x0a, 0x2e]);
        want.extend_from_slice(ident);
        assert_eq!(def.def.first(), Some(&want));
        assert_eq!(alpine.digest(), ALPINE_DIGEST);

        let mut terminal = vec![0x0a, 0x49, 0x0a, 0x47];
        terminal.extend_from_slice(ALPINE_DIGEST.as_bytes());
        assert_eq!(def.def.get(1), Some(&terminal));
        assert_eq!(def.def.len(), 2);

        let terminal_digest =
            "sha256:91d1ea452bdb17a7987049c214be5a0ebfc499b11003e057978043b827bee403";
        let caps = |d: &str| {
            def.metadata
                .get(d)
                .map(|m| m.caps.keys().cloned().collect::<Vec<_>>())
        };
        assert_eq!(caps(ALPINE_DIGEST), Some(vec!["source.image".to_owned()]));
        assert_eq!(
            caps(terminal_digest),
            Some(vec!["constraints".to_owned(), "platform".to_owned()])
        );
        assert_eq!(def.metadata.len(), 2);
        // Go always sends a source section, with an (empty) entry per op.
        let source = def.source.unwrap_or_default();
        assert!(source.infos.is_empty());
        assert_eq!(source.locations.len(), 1);
        Ok(())
    }

    #[test]
    fn scratch_is_an_empty_definition() -> Result<(), Error> {
        assert_eq!(
            marshal(None, &MarshalOptions::default())?,
            pb::Definition::default()
        );
        Ok(())
    }

    #[test]
    fn dedups_identical_ops_and_orders_inputs_first() -> Result<(), Error> {
        // The same image built twice (different Arcs) with different names.
        let a = Image::new("alpine")
            .platform(amd64())
            .meta(OpMeta::new().custom_name("first"))
            .build()?;
        let b = Image::new("docker.io/library/alpine:latest")
            .platform(amd64())
            .meta(OpMeta::new().ignore_cache(true))
            .build()?;
        assert_eq!(a, b);
        let dir = FileOp::new(Some(a.clone()))
            .copy(Some(b.clone()), crate::Copy::new("/etc", "/etc2"))
            .build()?;
        let def = marshal(Some(&dir), &MarshalOptions::default())?;
        assert_eq!(def.def.len(), 3);
        assert_eq!(
            def.def.first().map(|d| digest_of(d)),
            Some(a.digest().to_owned())
        );
        assert_eq!(
            def.def.get(1).map(|d| digest_of(d)),
            Some(dir.digest().to_owned())
        );
        let md = def.metadata.get(a.digest()).cloned().unwrap_or_default();
        assert!(md.ignore_cache);
        assert_eq!(
            md.description.get("llb.customname").map(String::as_str),
            Some("first")
        );
        let terminal = def.def.last().map(|d| digest_of(d)).unwrap_or_default();
        let terminal_caps = def
            .metadata
            .get(&terminal)
            .map(|m| m.caps.clone())
            .unwrap_or_default();
        assert!(terminal_caps.contains_key(caps::META_IGNORE_CACHE));
        assert!(terminal_caps.contains_key(caps::META_DESCRIPTION));
        assert!(!terminal_caps.contains_key(caps::META_EXPORT_CACHE));
        Ok(())
    }

    #[test]
    fn source_locations_are_keyed_by_digest() -> Result<(), Error> {
        let dockerfile = Arc::new(SourceMap {
            filename: "Dockerfile".into(),
            data: b"FROM alpine\nRUN true\n".to_vec(),
            language: "Dockerfile".into(),
            definition: None,
        });
        let same_content = Arc::new((*dockerfile).clone());
        let base = Image::new("alpine")
            .platform(amd64())
            .meta(OpMeta::new().location(&dockerfile, vec![line_range(1, 1)]))
            .build()?;
        let run = Exec::new(Some(base.clone()), ["true"])
            .meta(
                OpMeta::new()
                    .location(&same_content, vec![line_range(2, 2)])
                    .location(&dockerfile, vec![line_range(2, 2), line_range(3, 3)]),
            )
            .build()?;
        let root = run.root();
        let def = marshal(root.as_ref(), &MarshalOptions::default())?;
        let source = def.source.unwrap_or_default();
        assert_eq!(source.infos.len(), 1);
        assert_eq!(
            source.infos.first().map(|i| i.language.as_str()),
            Some("Dockerfile")
        );
        let lines = |d: &str| -> Vec<(i32, Vec<i32>)> {
            source.locations.get(d).map_or(Vec::new(), |l| {
                l.locations
                    .iter()
                    .map(|l| {
                        let starts = l
                            .ranges
                            .iter()
                            .filter_map(|r| r.start.map(|p| p.line))
                            .collect();
                        (l.source_index, starts)
                    })
                    .collect()
            })
        };
        assert_eq!(lines(base.digest()), vec![(0, vec![1])]);
        assert_eq!(lines(run.digest()), vec![(0, vec![2]), (0, vec![2, 3])]);
        assert_eq!(source.locations.len(), 2);
        Ok(())
    }

    #[test]
    fn caps_are_checked_when_given() -> Result<(), Error> {
        let base = Local::new("context").session("s").build();
        let merged = crate::merge(
            [
                Some(base.clone()),
                Some(FileOp::new(None).mkdir(Mkdir::new("/x")).build()?),
            ],
            OpMeta::new().custom_name("COPY --link"),
        );
        let v08: Caps = [
            "source.local",
            "source.local.sessionid",
            "file.base",
            "constraints",
            "platform",
            "meta.description",
        ]
        .into_iter()
        .collect();
        let err = marshal(
            merged.as_ref(),
            &MarshalOptions {
                caps: Some(v08.clone()),
            },
        );
        assert!(
            matches!(&err, Err(Error::UnsupportedCap { cap, op }) if cap == "mergeop" && op == "COPY --link"),
            "{err:?}"
        );
        assert!(marshal(Some(&base), &MarshalOptions { caps: Some(v08) }).is_ok());
        Ok(())
    }
}
