"""Weft e2e harness: pods as network namespaces on a private bridge, sidecars, test apps.

Typical use (as root):

    from harness.cluster import Cluster
    with Cluster() as cluster:
        a, b = cluster.add_pod("a"), cluster.add_pod("b")
        b.start_http_server(8080)
        a.add_sidecar()
        b.add_sidecar()
        print(a.curl(f"http://{b.ip}:8080/").json())

Everything a Cluster creates (processes, namespaces, bridge, iptables rules inside the
namespaces) is removed on __exit__, at interpreter exit and on SIGTERM/SIGINT, unless
WEFT_E2E_KEEP=1 asks to keep it for debugging. See docs/e2e.md.
"""
