FROM busybox
COPY --chmod=0755 a /a
