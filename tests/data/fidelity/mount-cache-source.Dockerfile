FROM busybox
RUN --mount=type=cache,from=alpine,source=/var,target=/v true
