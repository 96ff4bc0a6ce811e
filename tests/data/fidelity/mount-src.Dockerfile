FROM busybox
RUN --mount=type=bind,src=sub,target=/s true
