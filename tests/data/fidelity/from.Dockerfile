FROM busybox AS base
RUN echo base
FROM base
RUN echo child
