FROM --platform=linux/arm64 busybox
RUN true
