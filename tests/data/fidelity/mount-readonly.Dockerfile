FROM busybox
RUN --mount=type=cache,target=/c,readonly true
