FROM busybox
SHELL ["/bin/bash","-c"]
RUN echo
