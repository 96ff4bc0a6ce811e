FROM busybox
ADD --link a /a
