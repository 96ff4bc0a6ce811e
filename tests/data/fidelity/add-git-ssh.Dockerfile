FROM busybox
ADD ssh://git@example.invalid/org/repo.git#v1 /src
