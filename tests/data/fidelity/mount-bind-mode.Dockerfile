FROM busybox
RUN --mount=type=bind,target=/b,mode=0700 true
