FROM busybox AS Build
