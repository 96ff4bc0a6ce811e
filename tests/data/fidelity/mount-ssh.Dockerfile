FROM busybox
RUN --mount=type=ssh true
