FROM busybox
COPY a.txt b* /dst/
