FROM busybox
WORKDIR /app/
RUN pwd
