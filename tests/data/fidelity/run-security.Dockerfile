FROM busybox
RUN --security=insecure true
