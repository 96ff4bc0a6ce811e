FROM busybox
RUN --device=vendor.com/gpu=all,required true
