FROM busybox
EXPOSE 80 53/udp
