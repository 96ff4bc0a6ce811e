FROM busybox
ADD --checksum=0123456789abcdef0123456789abcdef01234567 https://example.invalid/org/repo.git#v1 /src
