# Probe: a stage named like an earlier one (FROM build AS build); --from by name and by index.
FROM alpine:3.20 AS build
RUN echo one > /one
FROM build AS build
RUN echo two > /two
FROM busybox:1.36
COPY --from=build /two /two
COPY --from=0 /one /one
