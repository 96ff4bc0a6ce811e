# GREETING's default here loses to the including file's global ARG of the same name.
ARG GREETING=hi
ARG TOOL=busybox:local
INCLUDE lib/base.Dockerfile AS base
FROM ${TOOL} AS build
COPY --from=base.stage /base /out/base
ARG GREETING
RUN echo "$GREETING" > /out/greeting
