FROM busybox
RUN --mount=type=secret,id=t,mode=0440,uid=1,gid=2 true
