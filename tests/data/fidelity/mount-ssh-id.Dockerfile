FROM busybox
RUN --mount=type=ssh,id=gh true
