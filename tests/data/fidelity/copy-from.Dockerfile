FROM busybox AS build
RUN echo > /v
FROM busybox
COPY --from=build /v /v
COPY --from=alpine /etc/os-release /os
