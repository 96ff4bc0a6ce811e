FROM busybox
VOLUME /data
