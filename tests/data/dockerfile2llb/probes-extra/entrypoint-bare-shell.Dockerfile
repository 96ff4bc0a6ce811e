# Probe: a bare shell-form ENTRYPOINT runs the shell with an empty command.
FROM busybox
ENTRYPOINT
