FROM busybox:local AS stage
RUN echo base > /base
