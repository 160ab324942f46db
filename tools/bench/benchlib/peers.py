"""Config files and command lines of the upstream and of each proxy under test.

All configs are written into the run's temporary directory; nothing under /etc is
read or written, and every server runs in the foreground as a single process (nginx
with `master_process off`, HAProxy with `-db`) so that the PID we hold is the one
doing the work, and the one valgrind counts.

Fairness rules shared by the three proxies: one worker thread/process, keep-alive on
both sides with connection reuse to the upstream, no access log, connect timeout 1s,
upstream response timeout 10s, client idle timeout 30s.
"""

import os

# nginx closes a keep-alive connection after keepalive_requests (default 1000); the
# benchmark must not measure reconnections, so both nginx roles raise it.
NGINX_MAX_KEEPALIVE_REQUESTS = 1000000000


def nginx_common(workdir, name):
    """Directives every nginx instance needs so that it never touches /var or /etc."""
    tmp = os.path.join(workdir, name + "-tmp")
    os.makedirs(tmp, exist_ok=True)
    return """\
worker_processes 1;
master_process off;
daemon off;
pid {workdir}/{name}.pid;
error_log {workdir}/{name}.error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  keepalive_requests {maxreq};
  keepalive_timeout 30s;
""".format(workdir=workdir, name=name, tmp=tmp, maxreq=NGINX_MAX_KEEPALIVE_REQUESTS)


def write_config(workdir, filename, text):
    path = os.path.join(workdir, filename)
    with open(path, "w") as f:
        f.write(text)
    return path


def nginx_argv(workdir, name, conf):
    return ["nginx", "-p", workdir, "-e", os.path.join(workdir, name + ".error.log"),
            "-c", conf]


def upstream_nginx(workdir, port):
    """The upstream: nginx answering every request with `200 ok` from memory."""
    conf = write_config(workdir, "upstream-nginx.conf", nginx_common(workdir, "upstream") + """\
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{ return 200 "ok"; }}
  }}
}}
""".format(port=port))
    return nginx_argv(workdir, "upstream", conf)


def nginx_proxy(workdir, port, upstream_port):
    conf = write_config(workdir, "nginx-proxy.conf", nginx_common(workdir, "nginx-proxy") + """\
  upstream bench_upstream {{
    server 127.0.0.1:{up};
    keepalive 256;
    keepalive_requests {maxreq};
    keepalive_timeout 30s;
  }}
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 1s;
      proxy_send_timeout 10s;
      proxy_read_timeout 10s;
    }}
  }}
}}
""".format(port=port, up=upstream_port, maxreq=NGINX_MAX_KEEPALIVE_REQUESTS))
    return nginx_argv(workdir, "nginx-proxy", conf)


def haproxy(workdir, port, upstream_port):
    # maxconn must stay below the fd limit / 2 or HAProxy refuses to start.
    conf = write_config(workdir, "haproxy.cfg", """\
global
  nbthread 1
  maxconn 4096

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 1s
  timeout client 30s
  timeout server 10s
  timeout http-keep-alive 30s

frontend bench
  bind 127.0.0.1:{port}
  default_backend bench_upstream

backend bench_upstream
  server upstream 127.0.0.1:{up}
""".format(port=port, up=upstream_port))
    return ["haproxy", "-f", conf, "-db"]


def mesh_proxy(workdir, binary, port, upstream_port, admin_port):
    """mesh-proxy with only the `plain` HTTP listener of the bootstrap contract."""
    conf = write_config(workdir, "mesh-proxy.yaml", """\
admin: {{address: 127.0.0.1, port: {admin}}}
listeners:
  - name: plain
    address: 127.0.0.1
    port: {port}
    protocol: http
    route_config: bench_routes
route_configs:
  - name: bench_routes
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: {{prefix: /}}
            cluster: upstream
            timeout: 10s
clusters:
  - name: upstream
    type: static
    connect_timeout: 1s
    endpoints:
      - {{address: 127.0.0.1, port: {up}}}
""".format(admin=admin_port, port=port, up=upstream_port))
    # WEFT_BENCH_PROXY_ARGS adds flags, e.g. "--tracing=false --request_metrics=false"
    # to compare with peers that do no telemetry.
    extra = os.environ.get("WEFT_BENCH_PROXY_ARGS", "").split()
    return [binary, "--config=" + conf, "--concurrency=1", "--log_level=warn"] + extra
