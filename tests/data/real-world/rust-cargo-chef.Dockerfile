# syntax=docker/dockerfile:1.6
ARG RUST_VERSION=1.77
ARG APP_NAME=server

FROM --platform=$BUILDPLATFORM rust:${RUST_VERSION}-bookworm AS chef
RUN cargo install --locked cargo-chef
WORKDIR /app

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
ARG TARGETPLATFORM
ARG APP_NAME
COPY --from=planner /app/recipe.json recipe.json
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git/db \
    case "$TARGETPLATFORM" in \
      "linux/arm64") rustup target add aarch64-unknown-linux-gnu ;; \
      *) true ;; \
    esac \
 && cargo chef cook --release --recipe-path recipe.json
COPY . .
RUN --mount=type=cache,target=/app/target,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    cargo build --locked --release --bin "$APP_NAME" \
 && cp "./target/release/$APP_NAME" /bin/server

FROM gcr.io/distroless/cc-debian12:nonroot AS final
LABEL org.opencontainers.image.source="https://example.com/acme/server" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=builder /bin/server /usr/local/bin/server
EXPOSE 8080/tcp
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/server"]
