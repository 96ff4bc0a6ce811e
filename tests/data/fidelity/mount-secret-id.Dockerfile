FROM busybox
RUN --mount=type=secret,target=/etc/tok true
