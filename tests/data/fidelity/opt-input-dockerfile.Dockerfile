FROM busybox
RUN echo from-input
