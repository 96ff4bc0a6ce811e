FROM busybox
ADD https://example.invalid/org/repo.git?tag=v1&subdir=docs /src
