# Probe: COPY --from=$X is refused (variables are not expanded in --from).
ARG X=build
FROM alpine:3.20 AS build
FROM alpine:3.20
COPY --from=$X /a /b
