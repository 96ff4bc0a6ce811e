FROM busybox
RUN --mount=type=bind,source=sub,target=/s true
