FROM busybox
ADD --exclude=*.md . /src
