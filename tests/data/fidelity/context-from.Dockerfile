FROM busybox
COPY --from=src /a /a
RUN echo hi
