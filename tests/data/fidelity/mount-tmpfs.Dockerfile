FROM busybox
RUN --mount=type=tmpfs,target=/t true
