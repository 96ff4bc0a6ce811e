# syntax=other/frontend:1
FROM busybox
RUN echo hi
