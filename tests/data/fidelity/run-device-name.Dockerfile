FROM busybox
RUN --device=name=vendor.com/gpu=all true
