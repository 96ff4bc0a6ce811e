FROM busybox AS build
RUN echo included > /out
