# check=skip=StageNameCasing
FROM busybox AS Build
