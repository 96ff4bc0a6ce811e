FROM busybox
RUN --mount=target=/ctx --mount=type=tmpfs,target=/t true
