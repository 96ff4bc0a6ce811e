FROM busybox
ADD --chown=1:2 https://example.invalid/t /t
