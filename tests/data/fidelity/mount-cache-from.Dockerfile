FROM busybox
RUN --mount=type=cache,from=alpine,target=/v true
