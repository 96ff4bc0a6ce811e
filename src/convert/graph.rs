//! The stage graph of a plan, for people: which stage starts from, copies from or mounts which,
//! how many steps each has, which stages the target does not need (pruned), and the critical
//! path — the longest chain of steps that must run one after the other, which bounds the
//! build's wall time however many stages BuildKit runs in parallel.
//!
//! `rustfront debug graph` prints it as Graphviz `dot`, Mermaid or JSON.

use std::fmt::Write as _;

use serde::Serialize;

use super::names::is_numbered;
use super::plan::{Base, Plan, parse_trigger};
use crate::instructions::Command;

/// How one stage uses another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    /// `FROM <stage>`.
    From,
    /// `COPY --from` / `ADD --from`.
    Copy,
    /// `RUN --mount=from=…`.
    Mount,
}

/// One stage (or an image named only by `--from`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphStage {
    /// The stage's index in the plan.
    pub index: usize,
    /// The `AS` name, `stage-<n>`, or the image reference of an implicit image stage.
    pub name: String,
    /// What the stage starts from: `scratch`, an image reference, or `stage <name>`.
    pub base: String,
    /// Numbered steps: the FROM of an image, then each ADD, COPY, RUN and WORKDIR (ONBUILD
    /// triggers of a base stage included; those of base images are unknown offline).
    pub steps: usize,
    /// The Dockerfile line of its FROM (0 for an image named only by `--mount from=`).
    pub line: usize,
    /// An image named only by `COPY --from` / `--mount from=`.
    pub image_only: bool,
    /// The target needs it; pruned stages are not built.
    pub built: bool,
    /// On the critical path.
    pub critical: bool,
    /// The file an INCLUDEd stage comes from (`None` for the Dockerfile's own stages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// `from` is used by `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GraphEdge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
}

/// The critical path: stages in build order and the number of steps along it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriticalPath {
    pub stages: Vec<usize>,
    pub steps: usize,
}

/// The stage graph of one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageGraph {
    pub stages: Vec<GraphStage>,
    pub edges: Vec<GraphEdge>,
    pub target: usize,
    pub critical_path: CriticalPath,
}

impl StageGraph {
    /// The graph of `plan`.
    pub fn new(plan: &Plan) -> StageGraph {
        let mut stages = Vec::with_capacity(plan.stages.len());
        let mut edges = Vec::new();
        // Per stage: its steps, each with the stages it waits for.
        let mut step_deps: Vec<Vec<Vec<usize>>> = Vec::with_capacity(plan.stages.len());
        for (index, planned) in plan.stages.iter().enumerate() {
            let (base, mut steps) = match &planned.base {
                Base::Scratch => ("scratch".to_string(), Vec::new()),
                Base::Image(reference) => (reference.clone(), vec![Vec::new()]),
                Base::Context { context, replaced } => (
                    format!("context {}", plan.contexts[*context].key),
                    if *replaced {
                        Vec::new()
                    } else {
                        vec![Vec::new()]
                    },
                ),
                Base::Stage(b) => {
                    edges.push(GraphEdge {
                        from: *b,
                        to: index,
                        kind: EdgeKind::From,
                    });
                    (
                        format!("stage {}", plan.stages[*b].display_name(*b)),
                        Vec::new(),
                    )
                }
            };
            let triggers = base_triggers(plan, index);
            let commands = triggers
                .iter()
                .zip(&planned.trigger_sources)
                .chain(planned.stage.commands.iter().zip(&planned.sources));
            for (command, sources) in commands {
                let kind = match command {
                    Command::Run(_) => EdgeKind::Mount,
                    _ => EdgeKind::Copy,
                };
                for &from in sources {
                    edges.push(GraphEdge {
                        from,
                        to: index,
                        kind,
                    });
                }
                if is_numbered(command) {
                    steps.push(sources.clone());
                }
            }
            let name = if planned.implicit {
                planned.stage.base_name.text.clone()
            } else {
                planned.display_name(index)
            };
            stages.push(GraphStage {
                index,
                name,
                base,
                steps: steps.len(),
                line: planned.location.map_or(0, |s| s.start.line),
                image_only: planned.implicit,
                built: plan.reachable.contains(&index),
                critical: false,
                file: planned
                    .location
                    .filter(|s| s.file > 0)
                    .and_then(|s| plan.file_names.get(s.file).cloned()),
            });
            step_deps.push(steps);
        }
        edges.sort_by_key(|e| (e.to, e.from));
        edges.dedup();
        let critical_path = critical_path(plan, &step_deps);
        for &index in &critical_path.stages {
            stages[index].critical = true;
        }
        StageGraph {
            stages,
            edges,
            target: plan.target,
            critical_path,
        }
    }

    /// Graphviz: pruned stages dashed and grey, the critical path red.
    pub fn to_dot(&self) -> String {
        let mut out = String::from("digraph stages {\n  rankdir=LR;\n  node [shape=box];\n");
        // The Dockerfile's own stages, then those of each included file in a box of its own.
        for (n, (file, stages)) in self.by_file().into_iter().enumerate() {
            let indent = match file {
                Some(file) => {
                    let _ = writeln!(
                        out,
                        "  subgraph cluster_{n} {{\n    label={};\n    style=rounded;",
                        dot_quote(&format!("INCLUDE {file}"))
                    );
                    "    "
                }
                None => "  ",
            };
            for s in stages {
                let mut attrs = vec![format!("label={}", dot_quote(&self.label(s)))];
                if !s.built {
                    attrs.push("style=dashed, color=grey, fontcolor=grey".into());
                } else if s.critical {
                    attrs.push("color=red, penwidth=2".into());
                }
                if s.index == self.target {
                    attrs.push("peripheries=2".into());
                }
                let _ = writeln!(out, "{indent}s{} [{}];", s.index, attrs.join(", "));
            }
            if file.is_some() {
                out.push_str("  }\n");
            }
        }
        for e in &self.edges {
            let mut attrs = vec![format!("label={}", dot_quote(edge_label(e.kind)))];
            if e.kind != EdgeKind::From {
                attrs.push("style=dashed".into());
            }
            if self.on_critical_path(e) {
                attrs.push("color=red, penwidth=2".into());
            } else if !self.stages[e.to].built {
                attrs.push("color=grey".into());
            }
            let _ = writeln!(out, "  s{} -> s{} [{}];", e.from, e.to, attrs.join(", "));
        }
        let _ = writeln!(
            out,
            "  labelloc=b;\n  label={};",
            dot_quote(&format!("critical path: {}", self.critical_summary()))
        );
        out.push_str("}\n");
        out
    }

    /// `deps → build → stage-4 (8 steps)`.
    pub fn critical_summary(&self) -> String {
        let names: Vec<&str> = self
            .critical_path
            .stages
            .iter()
            .map(|&i| self.stages[i].name.as_str())
            .collect();
        format!("{} ({} steps)", names.join(" → "), self.critical_path.steps)
    }

    /// Mermaid flowchart: pruned stages in class `pruned`, the critical path in class
    /// `critical` (nodes) and red links.
    pub fn to_mermaid(&self) -> String {
        let mut out = format!(
            "%% critical path: {}\nflowchart LR\n",
            self.critical_summary()
        );
        for (n, (file, stages)) in self.by_file().into_iter().enumerate() {
            if let Some(file) = file {
                let _ = writeln!(
                    out,
                    "  subgraph f{n}[\"INCLUDE {}\"]",
                    file.replace('"', "#quot;")
                );
            }
            for s in stages {
                let label = self.label(s).replace('"', "#quot;").replace('\n', "<br/>");
                let _ = writeln!(out, "  s{}[\"{label}\"]", s.index);
            }
            if file.is_some() {
                out.push_str("  end\n");
            }
        }
        let mut critical_links = Vec::new();
        for (n, e) in self.edges.iter().enumerate() {
            let arrow = if e.kind == EdgeKind::From {
                "-->"
            } else {
                "-.->"
            };
            let _ = writeln!(
                out,
                "  s{} {arrow}|{}| s{}",
                e.from,
                edge_label(e.kind),
                e.to
            );
            if self.on_critical_path(e) {
                critical_links.push(n.to_string());
            }
        }
        out.push_str("  classDef pruned stroke-dasharray: 5 5, color:#999, stroke:#999\n");
        out.push_str("  classDef critical stroke:#d00, stroke-width:3px\n");
        let class = |pick: &dyn Fn(&GraphStage) -> bool| {
            self.stages
                .iter()
                .filter(|s| pick(s))
                .map(|s| format!("s{}", s.index))
                .collect::<Vec<_>>()
                .join(",")
        };
        let pruned = class(&|s| !s.built);
        if !pruned.is_empty() {
            let _ = writeln!(out, "  class {pruned} pruned");
        }
        let critical = class(&|s| s.critical);
        if !critical.is_empty() {
            let _ = writeln!(out, "  class {critical} critical");
        }
        if !critical_links.is_empty() {
            let _ = writeln!(
                out,
                "  linkStyle {} stroke:#d00, stroke-width:3px",
                critical_links.join(",")
            );
        }
        out
    }

    /// The stages grouped by file: the Dockerfile's own first, then each included file in
    /// order of its first stage.
    fn by_file(&self) -> Vec<(Option<&str>, Vec<&GraphStage>)> {
        let mut groups: Vec<(Option<&str>, Vec<&GraphStage>)> = vec![(None, Vec::new())];
        for s in &self.stages {
            let file = s.file.as_deref();
            match groups.iter_mut().find(|(f, _)| *f == file) {
                Some((_, stages)) => stages.push(s),
                None => groups.push((file, vec![s])),
            }
        }
        groups
    }

    fn label(&self, s: &GraphStage) -> String {
        let steps = match s.steps {
            1 => "1 step".to_string(),
            n => format!("{n} steps"),
        };
        let mut label = format!("{}\n{steps}", s.name);
        if !s.image_only && !s.base.starts_with("stage ") {
            label.push_str(&format!("\nfrom {}", s.base));
        }
        if !s.built {
            label.push_str("\n(pruned)");
        } else if s.index == self.target {
            label.push_str("\n(target)");
        }
        label
    }

    fn on_critical_path(&self, e: &GraphEdge) -> bool {
        self.critical_path
            .stages
            .windows(2)
            .any(|w| w[0] == e.from && w[1] == e.to)
    }
}

/// The ONBUILD triggers a stage inherits from its base stage, parsed.
fn base_triggers(plan: &Plan, index: usize) -> Vec<Command> {
    let Base::Stage(base) = plan.stages[index].base else {
        return Vec::new();
    };
    let span = plan.stages[index].stage.source.span;
    plan.stages[base]
        .stage
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::Onbuild(o) => parse_trigger(&o.expression, span).ok(),
            _ => None,
        })
        .collect()
}

/// The longest chain of steps ending at the target. A stage's first step waits for its base
/// stage; a step with `--from` waits for the last step of each stage it names. Stages only
/// name earlier stages or implicit image stages (which have no dependencies), so one pass in
/// dependency order suffices.
fn critical_path(plan: &Plan, step_deps: &[Vec<Vec<usize>>]) -> CriticalPath {
    let n = plan.stages.len();
    // Longest chain ending at each stage's last step, and the stage it came through.
    let mut finish: Vec<Option<usize>> = vec![None; n];
    let mut via: Vec<Option<usize>> = vec![None; n];
    let order: Vec<usize> = (0..n)
        .filter(|&i| plan.stages[i].implicit)
        .chain((0..n).filter(|&i| !plan.stages[i].implicit))
        .collect();
    for index in order {
        let (mut length, mut from) = match plan.stages[index].base {
            Base::Stage(b) => (finish[b].unwrap_or(0), Some(b)),
            _ => (0, None),
        };
        for deps in &step_deps[index] {
            for &d in deps {
                let f = finish[d].unwrap_or(0);
                if f > length {
                    length = f;
                    from = Some(d);
                }
            }
            length += 1;
        }
        finish[index] = Some(length);
        via[index] = from;
    }
    let mut stages = vec![plan.target];
    let mut guard = 0;
    while let Some(prev) = stages.last().and_then(|&s| via[s]) {
        stages.push(prev);
        guard += 1;
        if guard > n {
            break;
        }
    }
    stages.reverse();
    CriticalPath {
        stages,
        steps: finish[plan.target].unwrap_or(0),
    }
}

fn edge_label(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::From => "FROM",
        EdgeKind::Copy => "COPY --from",
        EdgeKind::Mount => "mount from",
    }
}

fn dot_quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{ConvertError, ConvertOptions};

    fn graph(text: &str, target: Option<&str>) -> Result<StageGraph, ConvertError> {
        let df = crate::dockerfile::parse(text.as_bytes())?;
        let opts = ConvertOptions {
            target: target.map(str::to_string),
            ..ConvertOptions::default()
        };
        Ok(StageGraph::new(&Plan::new(&df, &opts)?))
    }

    const FILE: &str = "\
FROM golang AS deps
RUN go mod download
FROM deps AS build
COPY . .
RUN go build -o /app
RUN go vet
FROM alpine AS assets
RUN apk add nodejs
RUN npm ci
FROM alpine AS docs
RUN make docs
FROM gcr.io/distroless/static
COPY --from=build /app /app
COPY --from=assets /dist /dist
RUN --mount=from=busybox,target=/b true
";

    #[test]
    fn stages_edges_and_pruning() -> Result<(), ConvertError> {
        let g = graph(FILE, None)?;
        let names: Vec<(&str, usize, bool)> = g
            .stages
            .iter()
            .map(|s| (s.name.as_str(), s.steps, s.built))
            .collect();
        assert_eq!(
            names,
            [
                ("deps", 2, true),
                ("build", 3, true),
                ("assets", 3, true),
                ("docs", 2, false),
                ("stage-4", 4, true),
                ("docker.io/library/busybox:latest", 1, true),
            ]
        );
        let edges: Vec<(usize, usize, EdgeKind)> =
            g.edges.iter().map(|e| (e.from, e.to, e.kind)).collect();
        assert_eq!(
            edges,
            [
                (0, 1, EdgeKind::From),
                (1, 4, EdgeKind::Copy),
                (2, 4, EdgeKind::Copy),
                (5, 4, EdgeKind::Mount),
            ]
        );
        Ok(())
    }

    #[test]
    fn critical_path_is_the_longest_chain_of_steps() -> Result<(), ConvertError> {
        let g = graph(FILE, None)?;
        // deps (2) → build (3) → final: FROM, COPY waits for build (5), then 3 more steps.
        assert_eq!(g.critical_path.stages, [0, 1, 4]);
        assert_eq!(g.critical_path.steps, 8);
        let critical: Vec<usize> = g
            .stages
            .iter()
            .filter(|s| s.critical)
            .map(|s| s.index)
            .collect();
        assert_eq!(critical, [0, 1, 4]);
        // With another target the rest is pruned.
        let g = graph(FILE, Some("assets"))?;
        assert_eq!(g.critical_path.stages, [2]);
        assert_eq!(g.critical_path.steps, 3);
        assert!(!g.stages[0].built && !g.stages[4].built);
        Ok(())
    }

    #[test]
    fn renderings_mark_pruned_and_critical() -> Result<(), ConvertError> {
        let g = graph(FILE, None)?;
        let dot = g.to_dot();
        assert!(dot.starts_with("digraph stages {"), "{dot}");
        assert!(
            dot.contains("s3 [label=\"docs\\n2 steps\\nfrom docker.io/library/alpine:latest\\n(pruned)\", style=dashed"),
            "{dot}"
        );
        assert!(
            dot.contains("s0 -> s1 [label=\"FROM\", color=red, penwidth=2];"),
            "{dot}"
        );
        assert!(
            dot.contains("s2 -> s4 [label=\"COPY --from\", style=dashed];"),
            "{dot}"
        );
        assert!(
            dot.contains("label=\"critical path: deps → build → stage-4 (8 steps)\";"),
            "{dot}"
        );
        let mermaid = g.to_mermaid();
        assert!(
            mermaid
                .starts_with("%% critical path: deps → build → stage-4 (8 steps)\nflowchart LR\n")
        );
        assert!(mermaid.contains("  s0 -->|FROM| s1\n"), "{mermaid}");
        assert!(mermaid.contains("  class s3 pruned\n"), "{mermaid}");
        assert!(mermaid.contains("  class s0,s1,s4 critical\n"), "{mermaid}");
        assert!(mermaid.contains("  linkStyle 0,1 stroke:#d00"), "{mermaid}");
        let json = serde_json::to_value(&g).map_err(|e| ConvertError::message(e.to_string()))?;
        assert_eq!(json["critical_path"]["steps"], 8);
        assert_eq!(json["edges"][3]["kind"], "mount");
        Ok(())
    }

    #[test]
    fn onbuild_triggers_of_a_base_stage_count() -> Result<(), ConvertError> {
        let g = graph(
            "FROM alpine AS base\nONBUILD COPY --from=tools /t /t\nFROM alpine AS tools\nRUN true\nFROM base\nRUN x\n",
            None,
        )?;
        assert_eq!(g.stages[2].steps, 2);
        assert!(
            g.edges.contains(&GraphEdge {
                from: 1,
                to: 2,
                kind: EdgeKind::Copy
            }),
            "{:?}",
            g.edges
        );
        Ok(())
    }
}
