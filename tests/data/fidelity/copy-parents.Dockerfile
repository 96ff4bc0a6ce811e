FROM busybox
COPY --parents a/b /src
