FROM busybox
ADD https://example.invalid/dl/tool.tar.gz /opt/
