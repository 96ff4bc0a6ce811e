FROM busybox
RUN --mount=type=secret,source=tok2 true
