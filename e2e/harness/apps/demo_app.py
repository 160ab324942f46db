#!/usr/bin/python3
"""The demo's two applications (HTTP/1.1, keep-alive, standard library only).

  demo_app.py backend --port 8080 --version v1
      answers every request with {"service": "backend", "version": "v1", "pod": ...}
  demo_app.py frontend --port 8080 --backend http://backend:8080/
      on every request calls the backend BY NAME (the pod's sidecar routes it) and
      answers {"service": "frontend", "version": <the backend's version>, ...}; 502 with
      {"error": ...} if the backend call failed.
The frontend keeps one keep-alive backend connection per handler thread.
"""

import argparse
import http.client
import http.server
import json
import socket
import sys
import threading
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes
    answer = None  # set per role

    def do_GET(self):
        status, body = self.answer()
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):  # quiet: the demo prints its own summary
        pass


def backend_answer(version, pod):
    def answer():
        return 200, {"service": "backend", "version": version, "pod": pod}
    return answer


def frontend_answer(backend_url, pod):
    url = urllib.parse.urlsplit(backend_url)
    local = threading.local()

    def call():
        if getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=5)
        local.conn.request("GET", url.path or "/", headers={"Host": url.netloc})
        resp = local.conn.getresponse()
        body = resp.read()
        if resp.will_close:
            local.conn.close()
            local.conn = None
        return resp, body

    def answer():
        try:
            try:
                resp, body = call()
            except (ConnectionError, http.client.BadStatusLine):
                local.conn = None  # a pooled connection the other side closed: once more
                resp, body = call()
        except (OSError, http.client.HTTPException) as e:
            local.conn = None
            return 502, {"service": "frontend", "pod": pod, "error": f"{type(e).__name__}: {e}"}
        if resp.status != 200:
            return 502, {"service": "frontend", "pod": pod,
                         "error": f"backend HTTP {resp.status} "
                                  f"{resp.headers.get('x-weft-error', '')}".strip()}
        info = json.loads(body)
        return 200, {"service": "frontend", "pod": pod, "version": info.get("version"),
                     "backend_pod": info.get("pod")}
    return answer


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("role", choices=["backend", "frontend"])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--version", default="v1", help="backend: the version it reports")
    parser.add_argument("--backend", default="http://backend:8080/", help="frontend: whom to call")
    parser.add_argument("--pod", default=socket.gethostname())
    args = parser.parse_args()
    answer = (backend_answer(args.version, args.pod) if args.role == "backend"
              else frontend_answer(args.backend, args.pod))
    handler = type("RoleHandler", (Handler,), {"answer": staticmethod(answer)})
    server = http.server.ThreadingHTTPServer(("0.0.0.0", args.port), handler)
    server.daemon_threads = True
    print(f"demo_app: {args.role} {args.version if args.role == 'backend' else ''} "
          f"listening on :{args.port}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
