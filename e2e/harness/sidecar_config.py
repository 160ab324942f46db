"""The static bootstrap used by e2e sidecars, per docs/bootstrap-config.md.

Outbound 15001 and inbound 15006 are original_dst listeners that sniff the protocol and
fall back to original_dst passthrough clusters; admin is 127.0.0.1:15000 (per netns).
"""

import copy

PROXY_UID = 1337
ADMIN_PORT = 15000
OUTBOUND_PORT = 15001
INBOUND_PORT = 15006

# Ports whose protocol is server-first: sniffing would wait for client bytes forever.
DEFAULT_OPAQUE_PORTS = [9000]

_STATIC = {
    "admin": {"address": "127.0.0.1", "port": ADMIN_PORT},
    "listeners": [
        {
            "name": "outbound",
            "address": "0.0.0.0",
            "port": OUTBOUND_PORT,
            "original_dst": True,
            "protocol": "auto",
            "opaque_ports": DEFAULT_OPAQUE_PORTS,
            "default_cluster": "passthrough",
        },
        {
            "name": "inbound",
            "address": "0.0.0.0",
            "port": INBOUND_PORT,
            "original_dst": True,
            "protocol": "auto",
            "opaque_ports": DEFAULT_OPAQUE_PORTS,
            "default_cluster": "inbound_passthrough",
        },
    ],
    "clusters": [
        {"name": "passthrough", "type": "original_dst", "connect_timeout": "1s"},
        {"name": "inbound_passthrough", "type": "original_dst", "connect_timeout": "1s"},
    ],
}


def static_sidecar_config(opaque_ports=None):
    """A fresh copy of the default static bootstrap (a dict; see yaml_text.dump)."""
    config = copy.deepcopy(_STATIC)
    if opaque_ports is not None:
        for listener in config["listeners"]:
            listener["opaque_ports"] = list(opaque_ports)
    return config
