INCLUDE include/lib.Dockerfile AS lib
FROM busybox
COPY --from=lib.build /out /out
