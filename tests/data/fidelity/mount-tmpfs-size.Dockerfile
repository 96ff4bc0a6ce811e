FROM busybox
RUN --mount=type=tmpfs,target=/t,size=64m true
