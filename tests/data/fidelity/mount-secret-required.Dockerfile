FROM busybox
RUN --mount=type=secret,id=t,required true
