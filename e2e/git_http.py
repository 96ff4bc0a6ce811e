#!/usr/bin/env python3
"""Smart-HTTP git server for the e2e suite, on loopback only: `git http-backend` behind a small
HTTP server that asks for the token BuildKit sends for a GIT_AUTH_TOKEN.<host> secret
(`Authorization: basic base64(x-access-token:<token>)`), so that private-repository builds are
tested for real.

    git_http.py --root DIR --port PORT --token TOKEN
"""

import argparse
import base64
import http.server
import os
import subprocess
import urllib.parse


def handler(root: str, token: str) -> type:
    want = "basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()

    class GitHandler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *_args) -> None:  # quiet
            pass

        def serve(self) -> None:
            if self.headers.get("Authorization", "").lower() != want.lower():
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="e2e"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            url = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "GIT_PROJECT_ROOT": root,
                "GIT_HTTP_EXPORT_ALL": "1",
                "PATH_INFO": urllib.parse.unquote(url.path),
                "QUERY_STRING": url.query,
                "REQUEST_METHOD": self.command,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(body)),
                "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
                "REMOTE_USER": "x-access-token",
            }
            out = subprocess.run(["git", "http-backend"], input=body, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL).stdout
            head, _, payload = out.partition(b"\r\n\r\n")
            if not _:
                head, _, payload = out.partition(b"\n\n")
            status, headers = 200, []
            for line in head.decode(errors="replace").splitlines():
                key, _, value = line.partition(":")
                if key.lower() == "status":
                    status = int(value.strip().split()[0])
                elif key:
                    headers.append((key, value.strip()))
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = serve
        do_POST = serve

    return GitHandler


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token", required=True)
    a = p.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), handler(a.root, a.token))
    server.serve_forever()


if __name__ == "__main__":
    main()
