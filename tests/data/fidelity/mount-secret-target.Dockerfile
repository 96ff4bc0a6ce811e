FROM busybox
WORKDIR /w
RUN --mount=type=secret,id=t,target=rel true
