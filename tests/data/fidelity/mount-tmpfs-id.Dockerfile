FROM busybox
RUN --mount=type=tmpfs,target=/t,id=x true
