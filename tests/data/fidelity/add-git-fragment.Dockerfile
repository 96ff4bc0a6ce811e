FROM busybox
ADD https://example.invalid/org/repo.git#v1:docs /src
