FROM busybox
RUN --mount=type=bind,target=/ctx true
