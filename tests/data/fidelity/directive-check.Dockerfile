# check=foo=bar
FROM busybox
