"""Wire compatibility: gRPC's own xDS client (Debian's python3-grpcio 1.51) is
configured by mesh-control-plane, with no Weft code on its side.

Proxyless: neither the client pod nor the two server pods have a sidecar or mesh-init.
The client's channel target is xds:///greeter, its GRPC_XDS_BOOTSTRAP names the
control plane pod (<cp ip>:15010); gRPC resolves LDS greeter -> RDS -> CDS -> EDS and
connects straight to the server pods. Checked: load is spread over both endpoints,
and a GRPCRoute splitting greeter between greeter-v1 and greeter-v2 moves the traffic
of the running channel when its weights change.
Set WEFT_E2E_GRPC_TRACE=1 for gRPC's xDS debug logs in the client's log file.
"""

import json
import os
import time
import unittest

from harness import mesh
from harness import procs
from harness.testcase import ClusterTestCase

PORT = 50051
APPS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "harness", "apps")
PYTHON = "/usr/bin/python3"
CALLS = 200
MIN_SHARE = 0.25


def grpc_route(v1, v2):
    return [{
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute",
        "metadata": {"name": "greeter-split", "namespace": "default"},
        "spec": {
            "parentRefs": [{"kind": "Service", "name": "greeter", "port": PORT}],
            "rules": [{"backendRefs": [
                {"name": "greeter-v1", "port": PORT, "weight": v1},
                {"name": "greeter-v2", "port": PORT, "weight": v2}]}],
        },
    }]


class GrpcProxylessTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        cp = self.cp = self.cluster.add_control_plane()
        for name, selector in (("greeter", {"app": "greeter"}),
                               ("greeter-v1", {"app": "greeter", "version": "v1"}),
                               ("greeter-v2", {"app": "greeter", "version": "v2"})):
            cp.add_service(name, [("grpc", PORT)], selector=selector)
        self.servers = {}
        for pod_name, version in (("g1", "v1"), ("g2", "v2")):
            pod = self.cluster.add_mesh_pod(pod_name, labels={"app": "greeter",
                                                              "version": version},
                                            sidecar=False, vip_route=False)
            proc = pod.spawn([PYTHON, os.path.join(APPS, "grpc_greeter.py"), "--port", PORT,
                              "--pod", pod_name], name="grpc-greeter")
            pod.wait_listening(PORT, proc)
            self.servers[pod_name] = pod
        # A plain pod: no Workload, no sidecar, no capture. Its only way to the servers
        # is what the control plane tells gRPC.
        self.client = self.cluster.add_pod("grpcclient")
        self.bootstrap = os.path.join(self.client.log_dir, "grpc-bootstrap.json")
        with open(self.bootstrap, "w") as f:
            json.dump({"xds_servers": [{"server_uri": cp.address,
                                        "channel_creds": [{"type": "insecure"}],
                                        "server_features": ["xds_v3"]}],
                       "node": {"id": "default/grpc-client", "locality": {}}}, f)
        # The model with both workloads must be in force before the first call.
        cp.wait_log(r"model \w+ accepted: 3 services, 2 workloads", timeout=5.0)

    def client_argv(self, *args):
        env = [f"GRPC_XDS_BOOTSTRAP={self.bootstrap}"]
        if os.environ.get("WEFT_E2E_GRPC_TRACE"):
            env += ["GRPC_VERBOSITY=debug", "GRPC_TRACE=xds_client,xds_resolver"]
        return ["env", *env, PYTHON, os.path.join(APPS, "grpc_client.py"), *args]

    def run_client(self, target, count):
        proc = self.client.run(self.client_argv("--target", target, "--count", count,
                                                "--duration", 30),
                               check=False, timeout=60)
        lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
        self.assertTrue(lines, f"grpc client printed nothing: {proc.stderr[-3000:]}")
        return json.loads(lines[-1]), proc.stderr

    def test_spread_over_two_endpoints(self):
        for target in ("xds:///greeter", f"xds:///greeter.default:{PORT}"):
            summary, stderr = self.run_client(target, CALLS)
            print(f"{target}: {summary}")
            self.assertEqual(summary["ok"], CALLS, f"{summary}\n{stderr[-3000:]}")
            for pod in ("g1", "g2"):
                self.assertGreaterEqual(summary["served_by"].get(pod, 0), CALLS * MIN_SHARE,
                                        summary)
        # It was gRPC's own client on a state-of-the-world stream, and it ACKed everything.
        log = self.cp.log()
        self.assertRegex(log, r'sotw stream from ipv4:[0-9.:]+: node "default/grpc-client" '
                              r'connected')
        self.assertNotIn("NACK", log)

    def test_route_weights_shift_a_running_channel(self):
        self.cp.apply("routes/greeter-split.yaml", grpc_route(90, 10))
        self.cp.wait_log(r"model \w+ accepted: 3 services, 2 workloads, 1 routes", timeout=5.0)
        client = self.client.spawn(self.client_argv("--target", "xds:///greeter",
                                                    "--duration", 12, "--rate", 100,
                                                    "--records"), name="grpc-client")

        def share_since(t0, minimum):
            records = [r for r in mesh.read_records(client)[0] if r["t"] >= t0]
            if len(records) < minimum:
                return None
            return sum(r["by"] == "g2" for r in records) / len(records), len(records)

        # 90/10: the running channel sends ~10% to greeter-v2 (g2).
        t0 = time.time()
        share, n = procs.wait_until(lambda: share_since(t0, 300), timeout=8.0,
                                    what="300 gRPC calls")
        print(f"GRPCRoute 90/10: g2 served {share:.1%} of {n} calls")
        self.assertLess(share, 0.2)
        self.assertGreater(share, 0.02)

        changed_at = time.time()
        self.cp.replace("routes/greeter-split.yaml", grpc_route(10, 90))

        def shifted():
            records = [r for r in mesh.read_records(client)[0] if r["t"] >= changed_at]
            tail = records[-50:]
            if len(tail) == 50 and sum(r["by"] == "g2" for r in tail) >= 35:
                return tail[0]["t"] - changed_at
            return None
        took = procs.wait_until(shifted, timeout=6.0, what="gRPC traffic to follow 10/90")
        t1 = time.time()
        share, n = procs.wait_until(lambda: share_since(t1, 200), timeout=5.0,
                                    what="200 more gRPC calls")
        print(f"GRPCRoute 10/90: g2 served {share:.1%} of {n} calls; the running channel "
              f"followed within {took:.1f}s of the manifest change")
        self.assertGreater(share, 0.8)
        self.assertIsNotNone(client.wait(15.0), "grpc client did not finish")
        records, summary = mesh.read_records(client)
        self.assertIsNotNone(summary, client.log_tail())
        self.assertEqual(summary["ok"], summary["sent"], summary)
        self.assertNotIn("NACK", self.cp.log())


if __name__ == "__main__":
    unittest.main()
