FROM busybox
COPY --exclude=*.md . /src
