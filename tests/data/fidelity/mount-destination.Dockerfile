FROM busybox
RUN --mount=type=tmpfs,destination=/t2 true
