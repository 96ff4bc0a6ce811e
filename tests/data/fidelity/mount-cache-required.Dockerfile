FROM busybox
RUN --mount=type=cache,target=/c,required true
