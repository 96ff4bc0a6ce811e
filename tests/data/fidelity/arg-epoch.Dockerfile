FROM busybox
WORKDIR /app
RUN echo
