# Probe: ONBUILD COPY --from and RUN --mount from= naming a stage only the trigger uses.
FROM alpine:3.20 AS src
RUN echo hi > /x
FROM alpine:3.20 AS base
ONBUILD COPY --from=src /x /y
ONBUILD RUN --mount=from=src,target=/m cat /m/x
FROM base
RUN true
