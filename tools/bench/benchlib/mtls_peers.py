"""Config files and command lines of the two-sidecar mTLS chain, built three ways.

    client -> sidecar A (plaintext HTTP/1.1 in, mTLS out) -> sidecar B (mTLS in,
    plaintext out) -> backend

Each builder returns [("a", argv, port), ("b", argv, port)]; A listens on
`ports["a"]`, B on `ports["b"]`, the backend is `ports["backend"]`. Fairness rules
shared by the three: one worker thread/process per sidecar, TLS 1.3 only, a client
certificate required by B and verified against the same root, A verifying B's
certificate, keep-alive on every hop with pooled (reused) connections to the next
one, no access log. What each checks of the peer's identity differs: mesh-proxy
checks the SPIFFE ID (URI SAN) both ways; HAProxy and nginx check the chain and, on
A, B's name (CN), since neither matches URI SANs.

Configs reuse the one-hop benchmark's nginx preamble (peers.py), and are written
into the run's work directory; nothing under /etc is read or written.
"""


from benchlib import peers

# Idle connections (the memory phase) must outlive the measurement.
IDLE_TIMEOUT_S = 300


def mesh_proxy(workdir, binary, pki, ports, extra_args=()):
    a = peers.write_config(workdir, "mesh-a.yaml", """\
admin: {{address: 127.0.0.1, port: {admin}}}
observability: {{metrics_port: 0}}
listeners:
  - name: outbound
    address: 127.0.0.1
    port: {port}
    protocol: http
    route_config: to_b
    idle_timeout: {idle}s
route_configs:
  - name: to_b
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: {{prefix: /}}
            cluster: sidecar_b
            timeout: 10s
clusters:
  - name: sidecar_b
    connect_timeout: 1s
    idle_timeout: {idle}s
    endpoints: [{{address: 127.0.0.1, port: {b}}}]
    tls: {{expected_identities: ["{b_id}"]}}
""".format(admin=ports["a_admin"], port=ports["a"], b=ports["b"], b_id=pki["b"]["id"],
           idle=IDLE_TIMEOUT_S))
    b = peers.write_config(workdir, "mesh-b.yaml", """\
admin: {{address: 127.0.0.1, port: {admin}}}
observability: {{metrics_port: 0}}
listeners:
  - name: inbound
    address: 127.0.0.1
    port: {port}
    protocol: http
    route_config: to_backend
    idle_timeout: {idle}s
    filter_chains:
      - name: mtls
        transport: tls
        mtls: {{require_client_certificate: true}}
        protocol: http
        route_config: to_backend
      - name: refuse_plaintext
        transport: plaintext
        refuse_plaintext: true
route_configs:
  - name: to_backend
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: {{prefix: /}}
            cluster: backend
            timeout: 10s
clusters:
  - name: backend
    connect_timeout: 1s
    endpoints: [{{address: 127.0.0.1, port: {backend}}}]
""".format(admin=ports["b_admin"], port=ports["b"], backend=ports["backend"],
           idle=IDLE_TIMEOUT_S))

    def argv(conf, sa):
        return [binary, "--config=" + conf, "--concurrency=1", "--log_level=warn",
                "--identity_cert_file=" + pki[sa]["cert"],
                "--identity_key_file=" + pki[sa]["key"],
                "--trust_bundle_file=" + pki["root"]] + list(extra_args)
    return [("a", argv(a, "a"), ports["a"]), ("b", argv(b, "b"), ports["b"])]


def haproxy(workdir, pki, ports):
    common = """\
global
  nbthread 1
  maxconn 8000
  ssl-default-bind-options ssl-min-ver TLSv1.3
  ssl-default-server-options ssl-min-ver TLSv1.3

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 1s
  timeout client {idle}s
  timeout server 10s
  timeout http-keep-alive {idle}s
""".format(idle=IDLE_TIMEOUT_S)
    a = peers.write_config(workdir, "haproxy-a.cfg", common + """
frontend outbound
  bind 127.0.0.1:{port}
  default_backend sidecar_b

backend sidecar_b
  server b 127.0.0.1:{b} ssl crt {crt} ca-file {ca} verify required verifyhost {b_host} alpn http/1.1
""".format(port=ports["a"], b=ports["b"], crt=pki["a"]["pem"], ca=pki["root"],
           b_host=pki["b"]["host"]))
    b = peers.write_config(workdir, "haproxy-b.cfg", common + """
frontend inbound
  bind 127.0.0.1:{port} ssl crt {crt} ca-file {ca} verify required alpn http/1.1
  default_backend backend

backend backend
  server backend 127.0.0.1:{backend}
""".format(port=ports["b"], crt=pki["b"]["pem"], ca=pki["root"],
           backend=ports["backend"]))
    return [("a", ["haproxy", "-f", a, "-db"], ports["a"]),
            ("b", ["haproxy", "-f", b, "-db"], ports["b"])]


def nginx(workdir, pki, ports):
    a = peers.write_config(workdir, "nginx-a.conf", peers.nginx_common(workdir, "nginx-a") + """\
  upstream sidecar_b {{
    server 127.0.0.1:{b};
    keepalive 256;
    keepalive_requests {maxreq};
    keepalive_timeout {idle}s;
  }}
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    keepalive_timeout {idle}s;
    location / {{
      proxy_pass https://sidecar_b;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 1s;
      proxy_send_timeout 10s;
      proxy_read_timeout 10s;
      proxy_ssl_protocols TLSv1.3;
      proxy_ssl_certificate {crt};
      proxy_ssl_certificate_key {key};
      proxy_ssl_trusted_certificate {ca};
      proxy_ssl_verify on;
      proxy_ssl_name {b_host};
      proxy_ssl_session_reuse on;
    }}
  }}
}}
""".format(port=ports["a"], b=ports["b"], crt=pki["a"]["cert"], key=pki["a"]["key"],
           ca=pki["root"], b_host=pki["b"]["host"], idle=IDLE_TIMEOUT_S,
           maxreq=peers.NGINX_MAX_KEEPALIVE_REQUESTS))
    b = peers.write_config(workdir, "nginx-b.conf", peers.nginx_common(workdir, "nginx-b") + """\
  upstream backend {{
    server 127.0.0.1:{backend};
    keepalive 256;
    keepalive_requests {maxreq};
  }}
  server {{
    listen 127.0.0.1:{port} ssl backlog=4096;
    keepalive_timeout {idle}s;
    ssl_protocols TLSv1.3;
    ssl_certificate {crt};
    ssl_certificate_key {key};
    ssl_client_certificate {ca};
    ssl_verify_client on;
    location / {{
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 1s;
      proxy_send_timeout 10s;
      proxy_read_timeout 10s;
    }}
  }}
}}
""".format(port=ports["b"], backend=ports["backend"], crt=pki["b"]["cert"],
           key=pki["b"]["key"], ca=pki["root"], idle=IDLE_TIMEOUT_S,
           maxreq=peers.NGINX_MAX_KEEPALIVE_REQUESTS))
    return [("a", peers.nginx_argv(workdir, "nginx-a", a), ports["a"]),
            ("b", peers.nginx_argv(workdir, "nginx-b", b), ports["b"])]
