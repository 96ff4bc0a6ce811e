FROM busybox
ADD --unpack=true https://example.invalid/dl/tool.tar.gz /opt/
