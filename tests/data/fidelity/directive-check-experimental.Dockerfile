# check=experimental=all
FROM busybox
COPY app.log keep.log /app/
