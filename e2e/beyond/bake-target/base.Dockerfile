FROM busybox:local
COPY base.txt /base.txt
ENV FROM_BASE=1
