# syntax=docker/dockerfile:1.7-labs
ARG ALPINE=alpine:3.19

FROM ${ALPINE} AS src
ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.13.0 /src/buildkit
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://mirrors.edge.kernel.org/pub/linux/kernel/Historic/linux-0.01.tar.gz /kernel.tar.gz
COPY --parents --exclude=*.md ./docs/**/*.txt /texts/

FROM ${ALPINE}
RUN --network=none --security=sandbox echo "isolated build step"
RUN --mount=type=ssh,id=default,required=true \
    --mount=type=secret,id=npmrc,target=/root/.npmrc,mode=0400 \
    --mount=type=tmpfs,target=/tmp,size=64m \
    ls /tmp
COPY --from=src --link --chmod=644 /kernel.tar.gz /opt/
HEALTHCHECK NONE
HEALTHCHECK --start-interval=2s --start-period=30s CMD test -f /opt/kernel.tar.gz
STOPSIGNAL 15
ENTRYPOINT ["/bin/sh"]
