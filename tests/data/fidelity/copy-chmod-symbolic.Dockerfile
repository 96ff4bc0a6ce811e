FROM busybox
COPY --chmod=u+x a /a
