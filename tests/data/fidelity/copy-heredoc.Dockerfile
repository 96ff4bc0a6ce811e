FROM busybox
ARG V=x
COPY <<EOF /f
hello $V
EOF
