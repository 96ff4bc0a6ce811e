FROM busybox
RUN --mount=type=bind,target=/b,readwrite true
