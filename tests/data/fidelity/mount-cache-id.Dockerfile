FROM busybox
RUN --mount=type=cache,id=mycache,target=/c true
