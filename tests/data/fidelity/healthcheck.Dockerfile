FROM busybox
HEALTHCHECK CMD curl -f http://localhost/
