FROM busybox
RUN --mount=type=tmpfs,dst=/t1 true
