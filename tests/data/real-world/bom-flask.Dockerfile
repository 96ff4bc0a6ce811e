# syntax=docker/dockerfile:1
# Saved by an editor that writes a UTF-8 byte-order mark.
FROM python:3.12-alpine AS build
RUN pip wheel --wheel-dir /wheels "flask==3.0.2" "gunicorn==21.2.0"

FROM python:3.12-alpine
LABEL org.opencontainers.image.authors="Zoë Ångström <zoe@example.com>"
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links=/wheels flask gunicorn && rm -rf /wheels
COPY app.py /srv/app.py
WORKDIR /srv
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]
