FROM busybox
RUN --mount=type=TMPFS,target=/t true
