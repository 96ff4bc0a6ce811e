//! Throughput on a large generated multi-stage Dockerfile: parsing alone, parsing plus typed
//! instructions with every word expanded, and the whole conversion to a marshaled LLB
//! definition (what `rustfront debug llb` does, minus image resolution).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rustfront::convert::{self, ConvertOptions, ResolvedImage};
use rustfront::dockerfile::parse;
use rustfront::instructions;
use rustfront::llb::{self, MarshalOptions, Platform};
use rustfront::shell::Lexer;

/// A Dockerfile with `stages` stages (about 50 lines each): global and stage ARGs, ENV and
/// LABEL lists, long continued RUN lines, heredocs, COPY --from chains, JSON forms and
/// comments.
fn generate(stages: usize) -> String {
    let mut s =
        String::from("# syntax=docker/dockerfile:1.7\n# check=skip=JSONArgsRecommended\n\n");
    for i in 0..20 {
        let _ = writeln!(s, "ARG GLOBAL_{i}=\"value {i}\"");
    }
    for stage in 0..stages {
        let base = if stage == 0 {
            "debian:bookworm-slim".to_owned()
        } else {
            format!("stage{}", stage - 1)
        };
        let _ = write!(
            s,
            "\n# stage {stage}: build step\nFROM --platform=$BUILDPLATFORM {base} AS stage{stage}\n\
             ARG TARGETOS TARGETARCH\nARG VERSION_{stage}=1.{stage}.0\n\
             ARG CHECKSUM_{stage}=\"sha256:0123456789abcdef0123456789abcdef\"\n\
             ENV PATH=/opt/tool{stage}/bin:$PATH \\\n    LANG=C.UTF-8 \\\n    STAGE=\"{stage}\"\n\
             LABEL org.opencontainers.image.title=\"stage {stage}\" \\\n      \
             org.opencontainers.image.version=\"${{VERSION_{stage}}}\"\n\
             WORKDIR /src/stage{stage}\n\
             RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n    \
             --mount=type=cache,target=/var/lib/apt \\\n    \
             apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n        \
             ca-certificates curl git make gcc libc6-dev \\\n    \
             # keep the layer small\n    \
             && rm -rf /var/lib/apt/lists/*\n\
             COPY --link --chown=1000:1000 go.mod go.sum ./\n\
             COPY [\"src/stage{stage}\", \"/src/stage{stage}\"]\n\
             RUN <<EOF\nset -eux\nfor f in /src/stage{stage}/*; do\n  echo \"building $f\"\n\
             done\nmake -j\"$(nproc)\" VERSION=\"${{VERSION_{stage}}}\"\nEOF\n\
             COPY <<-'CONFIG' /etc/stage{stage}.conf\n\tname = stage{stage}\n\tlevel = debug\n\
             \tpath = /opt/tool{stage}\nCONFIG\n\
             RUN curl -fsSL \"https://example.com/tool-${{VERSION_{stage}}}-${{TARGETOS}}-${{TARGETARCH}}.tar.gz\" \\\n    \
             | tar -xz -C /opt \\\n    && echo \"${{CHECKSUM_{stage}}}  /opt/tool\" | sha256sum -c -\n\
             EXPOSE 80{:02}/tcp 90{:02}/udp\nVOLUME [\"/data/{stage}\"]\nUSER 1000:1000\n\
             HEALTHCHECK --interval=30s --timeout=3s CMD [\"/opt/tool{stage}/bin/check\", \"--quiet\"]\n\
             ONBUILD COPY . /src/onbuild{stage}\nSTOPSIGNAL SIGTERM\n\
             SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n\
             ENTRYPOINT [\"/opt/tool{stage}/bin/run\"]\nCMD --stage={stage} [\"serve\", \"--port\", \"80{:02}\"]\n",
            stage % 100,
            stage % 100,
            stage % 100
        );
    }
    s
}

fn bench_parse(c: &mut Criterion) {
    let text = generate(100);
    let lines = text.lines().count();
    let parsed = parse(text.as_bytes()).map(|d| d.nodes.len());
    assert!(
        parsed.is_ok(),
        "generated Dockerfile must parse: {parsed:?}"
    );
    eprintln!(
        "generated Dockerfile: {} bytes, {lines} lines, {parsed:?} instructions",
        text.len()
    );

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(text.len() as u64));
    // parse and free the AST
    group.bench_function("100 stages", |b| {
        b.iter(|| parse(black_box(text.as_bytes())))
    });
    // parse only (the AST is freed outside the timing)
    group.bench_function("100 stages, drop excluded", |b| {
        b.iter_with_large_drop(|| parse(black_box(text.as_bytes())))
    });
    group.finish();
}

/// Parse, build typed instructions and expand every command's words with a stage env.
fn parse_and_expand(text: &str) -> usize {
    let Ok(parsed) = parse(text.as_bytes()) else {
        return 0;
    };
    let Ok((stages, _)) =
        instructions::parse_dockerfile(&parsed, &mut rustfront::lint::Linter::default())
    else {
        return 0;
    };
    let lexer = Lexer::new(parsed.escape);
    let env: BTreeMap<String, String> = [("PATH", "/usr/bin"), ("TARGETOS", "linux")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut expanded = 0;
    for stage in stages {
        for mut command in stage.commands {
            if command
                .expand(&mut |w: &str| lexer.process_word(w, &env).map(|e| e.text))
                .is_ok()
            {
                expanded += 1;
            }
        }
    }
    expanded
}

/// The whole conversion: plan, dispatch, marshal.
fn to_llb(text: &str) -> usize {
    let Ok(parsed) = parse(text.as_bytes()) else {
        return 0;
    };
    let platform = Platform::new("linux", "amd64");
    let opts = ConvertOptions::new("Dockerfile", text.as_bytes(), platform);
    convert::convert_dockerfile(&parsed, &opts, |_| ResolvedImage::default())
        .ok()
        .and_then(|c| llb::marshal(c.state.as_ref(), &MarshalOptions::default()).ok())
        .map_or(0, |d| d.def.len())
}

fn bench_pipeline(c: &mut Criterion) {
    // `CMD --stage=…` exercises the parser's flag handling, but CMD takes no flags: the
    // instruction layer rightly rejects it, so drop it here.
    let text = generate(100).replace("CMD --stage=", "# CMD --stage=");
    assert!(parse_and_expand(&text) > 1000, "commands must expand");
    assert!(to_llb(&text) > 500, "the generated Dockerfile must convert");
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse + expand, 100 stages", |b| {
        b.iter(|| parse_and_expand(black_box(&text)))
    });
    group.bench_function("to LLB, 100 stages", |b| {
        b.iter(|| to_llb(black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, bench_parse, bench_pipeline);
criterion_main!(benches);
