# check=error=true
FROM busybox
