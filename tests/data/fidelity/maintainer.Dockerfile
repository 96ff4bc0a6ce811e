FROM busybox
MAINTAINER me <me@example.invalid>
