FROM busybox
ENV SSH_AUTH_SOCK=/mine
RUN --mount=type=cache,target=/c --mount=type=ssh,target=/s0 --mount=type=ssh true
