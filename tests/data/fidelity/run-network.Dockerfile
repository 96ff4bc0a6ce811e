FROM busybox
RUN --network=none true
