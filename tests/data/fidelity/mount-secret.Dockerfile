FROM busybox
RUN --mount=type=secret,id=tok true
