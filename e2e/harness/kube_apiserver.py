#!/usr/bin/python3
"""A test Kubernetes API server: just enough of the real one's list/watch semantics to
drive mesh-control-plane's Kubernetes source end to end (stdlib only).

    python3 kube_apiserver.py --port 6443 --control-port 6444 \\
        --cert server.pem --key server-key.pem --token SECRET

What it implements, as the real API server does:
  * LIST  GET /api/v1/<plural>, /apis/<group>/<version>/<plural> (and the namespaced
          forms .../namespaces/<ns>/<plural>): `limit` + `continue` pages served from a
          snapshot taken at the first page; a continue token expires (410 Expired) when
          the history it would need was compacted or the server restarted. Items carry no
          kind/apiVersion (as for built-in types); the list's resourceVersion is global.
  * WATCH ?watch=true&resourceVersion=N[&allowWatchBookmarks=true][&timeoutSeconds=S]:
          a chunked stream of JSON lines {"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR,
          "object": ...}; events after N from a bounded history; a resourceVersion older
          than the history gets an ERROR event with code 410 (Expired); bookmarks every
          --bookmark-interval; a clean end (last chunk) at timeoutSeconds.
  * a global, monotonically increasing resourceVersion (one per change);
  * bearer-token authentication (401 Status otherwise; --token may list several,
    comma-separated, so that tests can tell clients apart); 404 for a type whose CRD is
    not "installed";
  * writes: GET/POST/PUT of single objects (PUT checks metadata.resourceVersion: 409
    Conflict when stale; POST of an existing name: 409 AlreadyExists), used for Leases;
    PATCH (JSON merge patch) of the /status subresource of our CRDs; metadata.generation
    (1 at creation, +1 when the spec changes);
  * POST authentication.k8s.io/v1 tokenreviews: tokens registered on the control port.

Failure injection for tests, on the plain-HTTP control port (127.0.0.1 only):
  POST   /objects                      body: an object (JSON); created or replaced
  DELETE /objects/<plural>/<ns>/<name> ("_" as <ns> for cluster-scoped kinds)
  POST   /compact                      forget the whole history (older RVs get 410)
  POST   /drop-watches                 cut every open watch (TCP close mid-stream)
  POST   /restart?down=SECONDS         stop serving for a while, drop watches, forget
                                       history and continue tokens (objects are kept, as
                                       etcd keeps them), serve again
  POST   /uninstall/<plural>, /install/<plural>   a CRD disappears / appears
  GET    /stats                        counters (lists, list_pages, watches, drops, gone,
                                       "status_patches <token>", "lease_writes <token>")
  GET    /objects/<plural>/<ns>/<name>  one object as stored (404 if absent)
  POST   /tokens                       body: {"token", "username", "audiences": [...]}: what
                                       a TokenReview of that token answers

make_test_pki(dir) writes a CA and a server certificate for 127.0.0.1 with the openssl CLI.
"""

import argparse
import base64
import collections
import copy
import http.server
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse

# plural -> (apiVersion, kind, namespaced)
TYPES = {
    "namespaces": ("v1", "Namespace", False),
    "nodes": ("v1", "Node", False),
    "services": ("v1", "Service", True),
    "pods": ("v1", "Pod", True),
    "endpointslices": ("discovery.k8s.io/v1", "EndpointSlice", True),
    "trafficpolicies": ("mesh.weft.dev/v1alpha1", "TrafficPolicy", True),
    "peerauthentications": ("mesh.weft.dev/v1alpha1", "PeerAuthentication", True),
    "authorizationpolicies": ("mesh.weft.dev/v1alpha1", "AuthorizationPolicy", True),
    "httproutes": ("gateway.networking.k8s.io/v1", "HTTPRoute", True),
    "grpcroutes": ("gateway.networking.k8s.io/v1", "GRPCRoute", True),
    "leases": ("coordination.k8s.io/v1", "Lease", True),
}
# Kinds with a /status subresource (a write to the object keeps its status).
STATUS_PLURALS = {"trafficpolicies", "peerauthentications", "authorizationpolicies",
                  "httproutes", "grpcroutes"}


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
KIND_TO_PLURAL = {kind: plural for plural, (_, kind, _) in TYPES.items()}


def status_object(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


class Store:
    """Objects, the global resourceVersion, the event history; one lock for all."""

    def __init__(self, history_limit):
        self.cond = threading.Condition()
        self.rv = 1
        self.objects = {plural: {} for plural in TYPES}
        self.history = collections.deque()  # (rv, plural, type, object)
        self.history_limit = history_limit
        self.compacted_rv = 0  # watching from an RV below this is 410
        self.epoch = 0  # bumped by restart: continue tokens die
        self.drop_generation = 0  # bumped to cut open watches
        self.snapshots = {}  # token id -> (rv, epoch, plural, items)
        self.uninstalled = set()
        self.stats = collections.Counter()
        self.tokens = {}  # TokenReview: token -> (username, audiences)

    def _record(self, plural, event_type, obj):
        self.history.append((self.rv, plural, event_type, copy.deepcopy(obj)))
        while len(self.history) > self.history_limit:
            self.compacted_rv = self.history.popleft()[0]
        self.cond.notify_all()

    def put(self, obj, expect_rv=None, create_only=False):
        """Creates or replaces `obj`; returns it as stored, or (code, reason, message) when
        `expect_rv` is stale or `create_only` finds the name taken."""
        kind = obj.get("kind")
        plural = KIND_TO_PLURAL.get(kind)
        if plural is None:
            raise ValueError(f"unknown kind {kind!r}")
        api_version, _, namespaced = TYPES[plural]
        obj = copy.deepcopy(obj)
        obj["apiVersion"] = obj.get("apiVersion", api_version)
        meta = obj.setdefault("metadata", {})
        if namespaced:
            meta.setdefault("namespace", "default")
        key = (meta.get("namespace", ""), meta["name"])
        with self.cond:
            old = self.objects[plural].get(key)
            if create_only and old is not None:
                return (409, "AlreadyExists", f"{plural} \"{key[1]}\" already exists")
            if expect_rv is not None and (old is None or
                                          old["metadata"]["resourceVersion"] != expect_rv):
                return (409, "Conflict", f"Operation cannot be fulfilled on {plural} "
                        f"\"{key[1]}\": the object has been modified; please apply your "
                        "changes to the latest version and try again")
            if old is None:
                meta["generation"] = 1
            else:
                generation = old["metadata"].get("generation", 1)
                meta["generation"] = generation + (old.get("spec") != obj.get("spec"))
                if plural in STATUS_PLURALS:
                    obj["status"] = copy.deepcopy(old.get("status", {}))
            self.rv += 1
            meta["resourceVersion"] = str(self.rv)
            self.objects[plural][key] = obj
            self._record(plural, "MODIFIED" if old is not None else "ADDED", obj)
            return copy.deepcopy(obj)

    def patch_status(self, plural, ns, name, patch):
        """Merge-patches the status of an object; None when there is no such object,
        (409, reason, message) when the patch names another resourceVersion."""
        with self.cond:
            old = self.objects[plural].get((ns, name))
            if old is None:
                return None
            expect_rv = patch.get("metadata", {}).get("resourceVersion")
            if expect_rv is not None and expect_rv != old["metadata"]["resourceVersion"]:
                self.stats["status_conflicts"] += 1
                return (409, "Conflict", f"Operation cannot be fulfilled on {plural} "
                        f"\"{name}\": the object has been modified")
            obj = copy.deepcopy(old)
            obj["status"] = merge_patch(obj.get("status", {}), patch.get("status", {}))
            self.rv += 1
            obj["metadata"]["resourceVersion"] = str(self.rv)
            self.objects[plural][(ns, name)] = obj
            self._record(plural, "MODIFIED", obj)
            return copy.deepcopy(obj)

    def get(self, plural, ns, name):
        with self.cond:
            obj = self.objects[plural].get((ns, name))
            return copy.deepcopy(obj) if obj is not None else None

    def delete(self, plural, ns, name):
        with self.cond:
            obj = self.objects[plural].pop((ns, name), None)
            if obj is None:
                return None
            self.rv += 1
            obj = copy.deepcopy(obj)
            obj["metadata"]["resourceVersion"] = str(self.rv)
            self._record(plural, "DELETED", obj)
            return obj

    def compact(self):
        with self.cond:
            self.history.clear()
            self.compacted_rv = self.rv
            self.cond.notify_all()

    def drop_watches(self):
        with self.cond:
            self.drop_generation += 1
            self.stats["drops"] += 1
            self.cond.notify_all()

    def forget(self):
        """What a restart loses: the watch cache's history and the continue tokens."""
        with self.cond:
            self.history.clear()
            self.compacted_rv = self.rv
            self.epoch += 1
            self.snapshots.clear()
            self.drop_generation += 1
            self.cond.notify_all()


def list_item(obj):
    item = copy.deepcopy(obj)
    item.pop("kind", None)
    item.pop("apiVersion", None)
    return item


class JsonHandler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1, JSON replies, logs prefixed with `log_prefix`."""
    protocol_version = "HTTP/1.1"
    log_prefix = ""

    def log_message(self, fmt, *args):
        sys.stderr.write(self.log_prefix + (fmt % args) + "\n")

    def send_json(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class ApiHandler(JsonHandler):
    server_version = "weft-test-apiserver"
    log_prefix = "apiserver: "

    # ----- plumbing -----

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def write_event(self, event_type, obj):
        self.write_chunk(json.dumps({"type": event_type, "object": obj}).encode() + b"\n")

    def parse_path(self):
        """(plural, namespace or None) of a collection path, or None."""
        parsed = self.parse_object_path()
        return parsed[:2] if parsed is not None and parsed[2] is None else None

    def parse_object_path(self):
        """(plural, namespace or None, name or None, subresource or None), or None."""
        parts = [p for p in urllib.parse.urlsplit(self.path).path.split("/") if p]
        if parts[:2] == ["api", "v1"]:
            api_version, rest = "v1", parts[2:]
        elif len(parts) >= 3 and parts[0] == "apis":
            api_version, rest = f"{parts[1]}/{parts[2]}", parts[3:]
        else:
            return None
        ns = None
        if len(rest) >= 3 and rest[0] == "namespaces":
            ns, rest = rest[1], rest[2:]
        if not 1 <= len(rest) <= 3 or rest[0] not in TYPES or TYPES[rest[0]][0] != api_version:
            return None
        return rest[0], ns, (rest[1] if len(rest) > 1 else None), \
            (rest[2] if len(rest) > 2 else None)

    # ----- requests -----

    def authorized(self):
        """The caller's token, or None after replying 401."""
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        if token not in self.server.tokens:
            self.server.store.stats["unauthorized"] += 1
            self.send_json(401, status_object(401, "Unauthorized", "Unauthorized"))
            return None
        return token

    def not_found(self, message="the server could not find the requested resource"):
        self.send_json(404, status_object(404, "NotFound", message))

    def read_body(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_GET(self):
        store = self.server.store
        if self.authorized() is None:
            return None
        obj_path = self.parse_object_path()
        if obj_path is not None and obj_path[2] is not None and obj_path[3] is None:
            obj = store.get(obj_path[0], obj_path[1] or "", obj_path[2])
            return self.send_json(200, obj) if obj else self.not_found(
                f"{obj_path[0]} \"{obj_path[2]}\" not found")
        parsed = self.parse_path()
        if parsed is None or parsed[0] in store.uninstalled:
            return self.not_found()
        plural, ns = parsed
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        if query.get("watch") in ("true", "1"):
            return self.watch(plural, ns, query)
        return self.list(plural, ns, query)

    def do_POST(self):
        store = self.server.store
        token = self.authorized()
        if token is None:
            return None
        path = urllib.parse.urlsplit(self.path).path
        if path == "/apis/authentication.k8s.io/v1/tokenreviews":
            return self.token_review(self.read_body())
        parsed = self.parse_path()
        if parsed is None or parsed[0] != "leases":
            return self.not_found()
        obj = self.read_body()
        obj.setdefault("metadata", {})["namespace"] = parsed[1] or "default"
        stored = store.put(obj, create_only=True)
        if isinstance(stored, tuple):
            return self.send_json(stored[0], status_object(*stored))
        store.stats[f"lease_writes {token}"] += 1
        self.send_json(201, stored)

    def do_PUT(self):
        store = self.server.store
        token = self.authorized()
        if token is None:
            return None
        parsed = self.parse_object_path()
        if parsed is None or parsed[0] != "leases" or parsed[2] is None or parsed[3]:
            return self.not_found()
        obj = self.read_body()
        obj.setdefault("metadata", {})["namespace"] = parsed[1] or "default"
        rv = obj["metadata"].get("resourceVersion")
        if store.get("leases", parsed[1] or "default", parsed[2]) is None:
            return self.not_found(f"leases \"{parsed[2]}\" not found")
        stored = store.put(obj, expect_rv=rv or "")
        if isinstance(stored, tuple):
            return self.send_json(stored[0], status_object(*stored))
        store.stats[f"lease_writes {token}"] += 1
        self.send_json(200, stored)

    def do_PATCH(self):
        store = self.server.store
        token = self.authorized()
        if token is None:
            return None
        parsed = self.parse_object_path()
        if (parsed is None or parsed[0] not in STATUS_PLURALS or parsed[3] != "status"
                or parsed[0] in store.uninstalled):
            return self.not_found()
        if self.headers.get("Content-Type") != "application/merge-patch+json":
            return self.send_json(415, status_object(415, "UnsupportedMediaType",
                                                     "only merge patches here"))
        stored = store.patch_status(parsed[0], parsed[1] or "", parsed[2], self.read_body())
        if stored is None:
            return self.not_found(f"{parsed[0]} \"{parsed[2]}\" not found")
        if isinstance(stored, tuple):
            return self.send_json(stored[0], status_object(*stored))
        store.stats[f"status_patches {token}"] += 1
        self.send_json(200, stored)

    def token_review(self, review):
        spec = review.get("spec", {})
        wanted = spec.get("audiences") or ["https://kubernetes.default.svc"]
        with self.server.store.cond:
            self.server.store.stats["tokenreviews"] += 1
            known = self.server.store.tokens.get(spec.get("token"))
        status = {"authenticated": False, "error": "invalid bearer token"}
        if known is not None:
            username, audiences = known
            matched = [a for a in wanted if a in audiences]
            if matched:
                status = {"authenticated": True, "audiences": matched,
                          "user": {"username": username, "uid": "uid-" + username}}
            else:
                status["error"] = "token audiences do not match the requested audiences"
        self.send_json(201, {"kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1",
                             "metadata": {}, "spec": spec, "status": status})

    def list(self, plural, ns, query):
        store = self.server.store
        api_version, kind, _ = TYPES[plural]
        limit = int(query.get("limit", "0") or 0)
        token = query.get("continue")
        with store.cond:
            store.stats["list_pages"] += 1
            if token:
                try:
                    token_id, start = json.loads(base64.b64decode(token))
                    rv, epoch, token_plural, items = store.snapshots[token_id]
                except (ValueError, KeyError, TypeError):
                    return self.send_json(410, status_object(
                        410, "Expired", "the provided continue parameter is too old"))
                if rv < store.compacted_rv or epoch != store.epoch or token_plural != plural:
                    store.snapshots.pop(token_id, None)
                    return self.send_json(410, status_object(
                        410, "Expired", "the provided continue parameter is too old"))
            else:
                store.stats["lists"] += 1
                rv = store.rv
                items = [list_item(o) for k, o in sorted(store.objects[plural].items())
                         if ns is None or k[0] == ns]
                token_id, start = f"{store.epoch}-{store.stats['lists']}-{plural}", 0
                store.snapshots[token_id] = (rv, store.epoch, plural, items)
            page = items[start:start + limit] if limit > 0 else items[start:]
            end = start + len(page)
            meta = {"resourceVersion": str(rv)}
            if end < len(items):
                meta["continue"] = base64.b64encode(json.dumps([token_id, end]).encode()).decode()
                meta["remainingItemCount"] = len(items) - end
            else:
                store.snapshots.pop(token_id, None)
        self.send_json(200, {"kind": kind + "List", "apiVersion": api_version,
                             "metadata": meta, "items": page})

    def watch(self, plural, ns, query):
        store = self.server.store
        api_version, kind, _ = TYPES[plural]
        bookmarks = query.get("allowWatchBookmarks") == "true"
        deadline = time.monotonic() + float(query.get("timeoutSeconds", "1800"))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        with store.cond:
            store.stats["watches"] += 1
            generation = store.drop_generation
            try:
                cursor = int(query.get("resourceVersion") or store.rv)
            except ValueError:
                cursor = -1
        next_bookmark = time.monotonic() + self.server.bookmark_interval
        while True:
            with store.cond:
                if cursor < store.compacted_rv:
                    store.stats["gone"] += 1
                    state, too_old = "gone", store.compacted_rv
                elif store.drop_generation != generation or self.server.stopping:
                    state = "drop"
                else:
                    state = "ok"
                    events = [(rv, t, o) for rv, p, t, o in store.history
                              if rv > cursor and p == plural
                              and (ns is None or o["metadata"].get("namespace") == ns)]
                    timeout = min(next_bookmark, deadline) - time.monotonic()
                    if not events and timeout > 0:
                        store.cond.wait(timeout)
                        continue  # look again: an event, a drop, or time for a bookmark
                    current_rv = store.rv
            if state == "gone":
                self.write_event("ERROR", status_object(
                    410, "Expired", f"too old resource version: {cursor} ({too_old})"))
                return self.end_stream()
            if state == "drop":
                return self.drop_connection()
            try:
                for rv, event_type, obj in events:
                    self.write_event(event_type, obj)
                    cursor = rv
                now = time.monotonic()
                if events:
                    continue
                if now >= deadline:
                    return self.end_stream()
                next_bookmark = now + self.server.bookmark_interval
                cursor = max(cursor, current_rv)  # nothing of ours up to current_rv is unsent
                if bookmarks:
                    store.stats["bookmarks"] += 1
                    self.write_event("BOOKMARK", {"kind": kind, "apiVersion": api_version,
                                                  "metadata": {"resourceVersion": str(cursor)}})
            except (ssl.SSLError, OSError):
                return None

    def end_stream(self):
        try:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True

    def drop_connection(self):
        """Cuts the TCP connection mid-stream, without the last chunk or a TLS close."""
        self.close_connection = True
        try:
            self.request.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class ApiServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, store, token, context, bookmark_interval):
        self.store = store
        self.tokens = set(token.split(","))
        self.context = context
        self.bookmark_interval = bookmark_interval
        self.stopping = False
        super().__init__(address, ApiHandler)

    def get_request(self):
        sock, addr = super().get_request()
        sock.settimeout(30)
        try:
            return self.context.wrap_socket(sock, server_side=True), addr
        except (ssl.SSLError, OSError):
            sock.close()
            raise


class ControlHandler(JsonHandler):
    log_prefix = "control: "

    def do_GET(self):
        store = self.server.apiserver.store
        if self.path == "/stats":
            with store.cond:
                return self.send_json(200, dict(store.stats, rv=store.rv))
        parts = self.path.strip("/").split("/")
        if len(parts) == 4 and parts[0] == "objects" and parts[1] in TYPES:
            obj = store.get(parts[1], "" if parts[2] == "_" else parts[2], parts[3])
            return self.send_json(200 if obj else 404, obj or {"error": "not found"})
        self.send_json(404, {"error": "unknown"})

    def do_DELETE(self):
        parts = self.path.strip("/").split("/")
        if len(parts) != 4 or parts[0] != "objects" or parts[1] not in TYPES:
            return self.send_json(404, {"error": "DELETE /objects/<plural>/<ns>/<name>"})
        ns = "" if parts[2] == "_" else parts[2]
        gone = self.server.apiserver.store.delete(parts[1], ns, parts[3])
        self.send_json(200 if gone else 404, gone or {"error": "not found"})

    def do_POST(self):
        api = self.server.apiserver
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length) if length else b""
        parts = url.path.strip("/").split("/")
        try:
            if parts == ["objects"]:
                return self.send_json(200, api.store.put(json.loads(body)))
            if parts == ["tokens"]:
                entry = json.loads(body)
                with api.store.cond:
                    api.store.tokens[entry["token"]] = (entry["username"],
                                                        list(entry.get("audiences", [])))
            elif parts == ["compact"]:
                api.store.compact()
            elif parts == ["drop-watches"]:
                api.store.drop_watches()
            elif parts == ["restart"]:
                down = float(dict(urllib.parse.parse_qsl(url.query)).get("down", "1"))
                threading.Thread(target=api.restart, args=(down,), daemon=True).start()
            elif len(parts) == 2 and parts[0] in ("install", "uninstall") and parts[1] in TYPES:
                with api.store.cond:
                    if parts[0] == "install":
                        api.store.uninstalled.discard(parts[1])
                    else:
                        api.store.uninstalled.add(parts[1])
            else:
                return self.send_json(404, {"error": "unknown control path"})
        except (ValueError, KeyError) as e:
            return self.send_json(400, {"error": str(e)})
        self.send_json(200, {"ok": True})


class TestApiServer:
    """The API server (TLS) and its control server (plain HTTP, loopback)."""

    def __init__(self, port, control_port, cert, key, token, history_limit=1000,
                 bookmark_interval=1.0, host="127.0.0.1"):
        self.store = Store(history_limit)
        self.address = (host, port)
        self.token = token
        self.bookmark_interval = bookmark_interval
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.api = None
        self.api_thread = None
        self.lock = threading.Lock()
        self.control = http.server.ThreadingHTTPServer(("127.0.0.1", control_port),
                                                       ControlHandler)
        self.control.daemon_threads = True
        self.control.apiserver = self

    def start_api(self):
        with self.lock:
            self.api = ApiServer(self.address, self.store, self.token, self.context,
                                 self.bookmark_interval)
            self.api_thread = threading.Thread(target=self.api.serve_forever, daemon=True)
            self.api_thread.start()

    def stop_api(self):
        with self.lock:
            api, self.api = self.api, None
        if api is not None:
            api.stopping = True
            self.store.drop_watches()
            api.shutdown()
            api.server_close()

    def restart(self, down_s):
        self.stop_api()
        time.sleep(down_s)
        self.store.forget()
        self.start_api()
        sys.stderr.write(f"apiserver: restarted after {down_s} s down\n")

    def serve(self):
        self.start_api()
        sys.stderr.write(f"apiserver: serving https://{self.address[0]}:{self.address[1]}, "
                         f"control on 127.0.0.1:{self.control.server_address[1]}\n")
        self.control.serve_forever()


def make_test_pki(directory, host_ip="127.0.0.1"):
    """Writes ca.pem, server.pem and server-key.pem (an EC P-256 CA and a server
    certificate for IP `host_ip`) into `directory`; returns their paths."""
    ca_key, ca = os.path.join(directory, "ca-key.pem"), os.path.join(directory, "ca.pem")
    key, csr = os.path.join(directory, "server-key.pem"), os.path.join(directory, "server.csr")
    cert, ext = os.path.join(directory, "server.pem"), os.path.join(directory, "server.ext")

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=30)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=weft-test-kube-ca")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", csr, "-subj", "/CN=kube-apiserver")
    with open(ext, "w") as f:
        f.write(f"subjectAltName=IP:{host_ip},DNS:kubernetes.default.svc\n"
                "extendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
            "-out", cert, "-days", "2", "-extfile", ext)
    return {"ca": ca, "cert": cert, "key": key}


def kubeconfig_text(server, ca_path, token):
    """A kubeconfig (JSON is YAML) for `server` (https://host:port)."""
    return json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "test",
        "clusters": [{"name": "test", "cluster": {"server": server,
                                                  "certificate-authority": ca_path}}],
        "users": [{"name": "mesh", "user": {"token": token}}],
        "contexts": [{"name": "test", "context": {"cluster": "test", "user": "mesh"}}],
    }, indent=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6443)
    parser.add_argument("--control-port", type=int, default=6444)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--token", required=True,
                        help="the bearer token(s) clients must present, comma-separated")
    parser.add_argument("--history", type=int, default=1000,
                        help="events kept for watches; older resourceVersions get 410")
    parser.add_argument("--bookmark-interval", type=float, default=1.0)
    args = parser.parse_args()
    TestApiServer(args.port, args.control_port, args.cert, args.key, args.token,
                  history_limit=args.history, bookmark_interval=args.bookmark_interval,
                  host=args.host).serve()


if __name__ == "__main__":
    main()
