FROM busybox
RUN --mount=type=cache,target=/c,mode=0700,uid=1,gid=2 true
