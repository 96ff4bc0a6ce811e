FROM busybox
WORKDIR /w
RUN --mount=type=bind true
