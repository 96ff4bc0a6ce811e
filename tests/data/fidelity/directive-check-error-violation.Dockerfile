# check=error=true
FROM busybox AS Build
