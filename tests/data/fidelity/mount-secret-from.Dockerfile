FROM busybox
RUN --mount=type=secret,id=t,from=alpine true
