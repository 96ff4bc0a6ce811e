FROM busybox
RUN --mount=type=cache,target=/c,env=X true
