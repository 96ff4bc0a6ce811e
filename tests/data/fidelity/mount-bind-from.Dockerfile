FROM busybox
RUN --mount=type=bind,from=alpine,target=/a true
