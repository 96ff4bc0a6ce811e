# rustfront -- the frontend image. It contains only the static binary:
#   FROM scratch, ENTRYPOINT ["/rustfront"], network.none + caps labels.
#
# Build from source (needs the rust:1-bookworm image and crates.io access):
#     docker buildx build -t rustfront:dev .
#
# Package a static binary built on the host (offline; this is what scripts/build-image.sh does):
#     RUSTFLAGS='-C target-feature=+crt-static' \
#       cargo build --release --locked --target x86_64-unknown-linux-gnu
#     docker buildx build --target prebuilt -t rustfront:dev .
#   BINARY=<path inside the build context> picks another binary (it must be listed in .dockerignore).
#
# Use it:  first line of a Dockerfile `# syntax=rustfront:dev` (or a registry reference),
#          or `docker buildx build --build-arg BUILDKIT_SYNTAX=rustfront:dev ...`.
ARG RUST_IMAGE=rust:1-bookworm

FROM ${RUST_IMAGE} AS build
WORKDIR /src
ENV CARGO_TERM_COLOR=never \
    RUSTFLAGS="-C target-feature=+crt-static"
COPY Cargo.toml Cargo.lock ./
COPY src ./src
RUN --mount=type=cache,id=rustfront-cargo-registry,target=/usr/local/cargo/registry \
    --mount=type=cache,id=rustfront-target,target=/src/target \
    cargo build --locked --release --target x86_64-unknown-linux-gnu \
 && cp target/x86_64-unknown-linux-gnu/release/rustfront /rustfront

# everything the frontend image needs besides the binary
FROM scratch AS base
ARG VERSION=dev
LABEL moby.buildkit.frontend.network.none="true" \
      moby.buildkit.frontend.caps="moby.buildkit.frontend.subrequests" \
      org.opencontainers.image.title="rustfront" \
      org.opencontainers.image.description="BuildKit Dockerfile frontend written in Rust" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
ENTRYPOINT ["/rustfront"]

# --target prebuilt: package a binary that was built outside Docker
FROM base AS prebuilt
ARG BINARY=target/x86_64-unknown-linux-gnu/release/rustfront
COPY ${BINARY} /rustfront

# default target: build from source
FROM base AS release
COPY --from=build /rustfront /rustfront
