FROM busybox AS base
RUN echo never

FROM base
RUN echo hi
