# A base image for downstream apps: the ONBUILD triggers run in the child build.
FROM python:3.11-slim
LABEL org.opencontainers.image.description="onbuild base for Python web apps"
RUN mkdir -p /usr/src/app
WORKDIR /usr/src/app

ONBUILD ARG PIP_INDEX_URL
ONBUILD COPY requirements.txt /usr/src/app/
ONBUILD RUN --mount=type=cache,target=/root/.cache/pip \
            pip install --no-cache-dir -r requirements.txt
ONBUILD COPY . /usr/src/app
ONBUILD RUN <<EOF
python -m compileall -q /usr/src/app
EOF
ONBUILD HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/')"]

CMD ["python", "app.py"]
