# rustfront -- the frontend image. It contains only the static binary:
#   FROM scratch, ENTRYPOINT ["/rustfront"], network.none + caps labels.
# Platforms: linux/amd64 and linux/arm64 (one image index; BuildKit runs the member that matches
# the machine that builds).
#
# Build from source (needs the rust:1-bookworm image, Debian's apt mirror and crates.io; the Rust
# build runs on the build machine and cross-compiles, so no emulation is involved):
#     docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/org/rustfront:0.1.0 --push .
#     docker buildx build -t org/rustfront .              # this machine's platform only, loaded locally
#
# Package static binaries built outside Docker (offline; what scripts/build-image.sh does):
#     RUSTFLAGS='-C target-feature=+crt-static' \
#       cargo build --release --locked --target x86_64-unknown-linux-gnu
#     docker buildx build --target prebuilt -t org/rustfront .
#   For linux/arm64 the binary is target/aarch64-unknown-linux-gnu/release/rustfront (see
#   scripts/toolchain.sh for an offline cross toolchain); BINARY_AMD64 / BINARY_ARM64 =<path inside
#   the build context> pick other binaries (they must be let through by .dockerignore).
#
# Use it:  first line of a Dockerfile `# syntax=org/rustfront` (or a registry reference, best pinned
#          by digest), or `docker buildx build --build-arg BUILDKIT_SYNTAX=org/rustfront ...`.
ARG RUST_IMAGE=rust:1-bookworm

# The compiler runs on the BUILDPLATFORM and cross-compiles for TARGETARCH.
FROM --platform=$BUILDPLATFORM ${RUST_IMAGE} AS build
ARG TARGETARCH
WORKDIR /src
ENV CARGO_TERM_COLOR=never \
    CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER=x86_64-linux-gnu-gcc \
    CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C target-feature=+crt-static" \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C target-feature=+crt-static"
RUN --mount=type=cache,id=rustfront-apt-lists,target=/var/lib/apt/lists,sharing=locked \
    --mount=type=cache,id=rustfront-apt-archives,target=/var/cache/apt/archives,sharing=locked \
    set -e; \
    case "$TARGETARCH" in \
      amd64) triple=x86_64-unknown-linux-gnu; cross="gcc-x86-64-linux-gnu libc6-dev-amd64-cross" ;; \
      arm64) triple=aarch64-unknown-linux-gnu; cross="gcc-aarch64-linux-gnu libc6-dev-arm64-cross" ;; \
      *) echo "rustfront is built for linux/amd64 and linux/arm64, not $TARGETARCH" >&2; exit 1 ;; \
    esac; \
    echo "$triple" > /rust-triple; \
    if [ "$(dpkg --print-architecture)" != "$TARGETARCH" ]; then \
      rm -f /etc/apt/apt.conf.d/docker-clean; \
      apt-get update -q && apt-get install -y -q --no-install-recommends $cross; \
    fi; \
    rustup target add "$triple"
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY crates ./crates
# the workspace's other members and targets must exist for cargo to read the manifest
COPY benches ./benches
COPY examples/cargo-frontend ./examples/cargo-frontend
COPY examples/noop-frontend ./examples/noop-frontend
RUN --mount=type=cache,id=rustfront-cargo-registry,target=/usr/local/cargo/registry \
    --mount=type=cache,id=rustfront-target-$TARGETARCH,target=/src/target \
    triple=$(cat /rust-triple) \
 && cargo build --locked --release -p rustfront --bin rustfront --target "$triple" \
 && cp "target/$triple/release/rustfront" /rustfront

# everything the frontend image needs besides the binary
FROM scratch AS base
ARG VERSION=dev
LABEL moby.buildkit.frontend.network.none="true" \
      moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts" \
      org.opencontainers.image.title="rustfront" \
      org.opencontainers.image.description="BuildKit Dockerfile frontend written in Rust" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
ENTRYPOINT ["/rustfront"]

# --target prebuilt: package a binary that was built outside Docker, the one for TARGETARCH
FROM scratch AS prebuilt-amd64
ARG BINARY_AMD64=target/x86_64-unknown-linux-gnu/release/rustfront
COPY ${BINARY_AMD64} /rustfront

FROM scratch AS prebuilt-arm64
ARG BINARY_ARM64=target/aarch64-unknown-linux-gnu/release/rustfront
COPY ${BINARY_ARM64} /rustfront

FROM prebuilt-${TARGETARCH} AS prebuilt-binary

FROM base AS prebuilt
COPY --from=prebuilt-binary /rustfront /rustfront

# default target: build from source
FROM base AS release
COPY --from=build /rustfront /rustfront
