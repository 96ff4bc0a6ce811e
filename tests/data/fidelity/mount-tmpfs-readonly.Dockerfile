FROM busybox
RUN --mount=type=tmpfs,target=/t,readonly=true true
