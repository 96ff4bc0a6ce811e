FROM busybox
RUN --mount=type=cache,target=/c,foo true
