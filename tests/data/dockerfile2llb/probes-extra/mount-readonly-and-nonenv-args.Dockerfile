# Probe: cache and tmpfs mounts with ro, relative ssh/secret targets, an SBOM scan arg (not an env var), STOPSIGNAL SIGRTMIN+3.
FROM alpine:3.20
RUN --mount=type=cache,target=/c,ro --mount=type=tmpfs,target=/t,ro --mount=type=ssh,target=rel.sock --mount=type=secret,id=s,target=relsecret ls
ARG BUILDKIT_SBOM_SCAN_STAGE=true
ARG OTHER=1
RUN env
STOPSIGNAL sigrtmin+3
