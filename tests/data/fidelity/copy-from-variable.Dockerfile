ARG X=build
FROM busybox AS build
FROM busybox
COPY --from=$X /v /v
