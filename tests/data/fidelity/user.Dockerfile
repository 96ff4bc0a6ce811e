FROM busybox
USER app
RUN id
