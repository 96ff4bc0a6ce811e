FROM busybox
RUN --mount=type=cache,target=/c,ro true
