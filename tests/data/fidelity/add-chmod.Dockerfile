FROM busybox
ADD --chmod=0755 https://example.invalid/t /t
