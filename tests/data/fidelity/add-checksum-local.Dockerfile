FROM busybox
ADD --checksum=sha256:9f63d5cc0750937493c527a28ddeac70955c8bf9e535bacacb9ef36e785e82b4 app.tar.gz /opt/
