FROM busybox
COPY --chown=1:2 a /a
