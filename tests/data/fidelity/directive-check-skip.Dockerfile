# check=skip=all;error=true
FROM busybox
