FROM busybox
RUN --mount=type=secret,id=t,env=TOKEN true
