# syntax=docker/dockerfile:1.4
FROM alpine:3.19 AS base
RUN apk add --no-cache python3 bash

FROM base AS gen
WORKDIR /out
# Several files from one instruction, one of them with a quoted delimiter.
COPY <<CONFIG <<'SCRIPT' ./
listen=0.0.0.0:${PORT:-8080}
log_level=info
CONFIG
#!/usr/bin/env bash
echo "args: $*"
exit 0
SCRIPT
RUN chmod +x /out/SCRIPT
RUN <<PY python3
import json, os
print(json.dumps({"home": os.environ.get("HOME")}))
PY
RUN <<-EOT bash -ex
	for i in 1 2 3; do
		echo "step $i"
	done
	EOT
RUN cat <<EOF > /out/motd && cat /out/motd
Welcome to $(hostname)
EOF

FROM scratch
COPY --from=gen /out/ /
