FROM busybox AS a
ENV STAGE=a
FROM busybox AS b
ENV STAGE=b
