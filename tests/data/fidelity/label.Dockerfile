FROM busybox
LABEL org.a=b "c d"=e
