FROM busybox AS parent
ONBUILD RUN echo trigger
FROM parent
