FROM busybox
ADD app.tar.gz /opt/
