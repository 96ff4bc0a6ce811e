FROM busybox
RUN --mount=type=bind,target=/b,rw=true true
