FROM busybox
ARG V=1
RUN echo $V
