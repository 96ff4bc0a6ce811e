FROM busybox
RUN echo
