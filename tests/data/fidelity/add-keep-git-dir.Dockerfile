FROM busybox
ADD --keep-git-dir https://example.invalid/org/repo.git#v1 /src
