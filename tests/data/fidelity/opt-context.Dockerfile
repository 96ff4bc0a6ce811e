FROM busybox
COPY app /app
RUN echo hi
