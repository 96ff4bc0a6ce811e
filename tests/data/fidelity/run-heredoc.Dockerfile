FROM busybox
RUN <<  EOF
echo spaced
EOF
RUN <<EOT
#!/bin/sh
echo script
EOT
