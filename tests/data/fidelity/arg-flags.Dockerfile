FROM busybox
ARG --foo=bar V=1
RUN echo $V
