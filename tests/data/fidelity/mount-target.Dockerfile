FROM busybox
WORKDIR /w
RUN --mount=type=tmpfs,target=t true
