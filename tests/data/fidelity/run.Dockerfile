FROM busybox
RUN echo hi
RUN ["echo","json"]
