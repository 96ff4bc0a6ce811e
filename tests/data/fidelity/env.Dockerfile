FROM busybox
ENV A=1 B="two words"
RUN echo
