FROM busybox
ADD a.txt /dst/
