"""Kubernetes mode: the real mesh-control-plane (--source=kubernetes) against the test API
server (harness/kube_apiserver.py: TLS, bearer token, list/watch semantics), both in one
pod. The control plane's view is read from /debug/model while the API server paginates,
streams, drops watches, compacts its history and restarts; an invalid HTTPRoute never
disturbs the last good config. Two replicas elect one Lease holder, which alone writes
TrafficPolicy status conditions, and the other takes over when it dies; the CA grants a
service-account token (TokenReview) exactly its own identity.
"""

import json
import os
import re
import signal
import time
import unittest

from harness import binaries, kube_apiserver, mesh, procs
from harness.testcase import ClusterTestCase

API_PORT, CONTROL_PORT, MONITORING_PORT = 6443, 6444, 15014
TOKEN = "e2e-token"
TOKEN_B = "e2e-token-b"  # a second replica's, so the API server can tell who wrote
LEASE_FLAGS = ["--lease_namespace=weft-system", "--lease_duration=3s",
               "--lease_renew_interval=1s"]
LEASE_S = 3.0
PAGE_SIZE = 5
CONVERGE_S = 5.0
HARNESS_DIR = os.path.dirname(os.path.abspath(kube_apiserver.__file__))


def pod_object(index, ready=True, deleting=False):
    meta_extra = {"deletionTimestamp": "2026-11-27T00:00:00Z"} if deleting else {}
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": f"backend-{index}", "namespace": "default",
                         "labels": {"app": "backend"}, "uid": f"uid-{index}", **meta_extra},
            "spec": {"serviceAccountName": "backend", "nodeName": "node-1",
                     "containers": [{"name": "app", "image": "backend:1",
                                     "ports": [{"name": "http", "containerPort": 8080}]}]},
            "status": {"phase": "Running", "podIP": f"10.77.0.{10 + index}",
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def traffic_policy(name, spec_extra=None, service="backend"):
    spec = {"targetRef": {"kind": "Service", "name": service},
            "retries": {"attempts": 2}}
    spec.update(spec_extra or {})
    return {"kind": "TrafficPolicy", "apiVersion": "mesh.weft.dev/v1alpha1",
            "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def route_object(backend="backend", weight_key="weight"):
    return {"kind": "HTTPRoute", "apiVersion": "gateway.networking.k8s.io/v1",
            "metadata": {"name": "backend-route", "namespace": "default"},
            "spec": {"parentRefs": [{"kind": "Service", "name": "backend", "port": 8080}],
                     "rules": [{"backendRefs": [{"name": backend, "port": 8080,
                                                 weight_key: 1}]}]}}


# What the EndpointSlice controller puts on the slices it makes from a selector.
CONTROLLER_SLICE_LABELS = {"kubernetes.io/service-name": "backend",
                           "endpointslice.kubernetes.io/managed-by":
                               "endpointslice-controller.k8s.io"}


class KubeSourceTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        self.pod = self.cluster.add_pod("k8s")
        work = os.path.join(self.cluster.work_dir, "kube")
        os.makedirs(work)
        pki = kube_apiserver.make_test_pki(work)
        self.kubeconfig = os.path.join(work, "kubeconfig")
        with open(self.kubeconfig, "w") as f:
            f.write(kube_apiserver.kubeconfig_text(f"https://127.0.0.1:{API_PORT}", pki["ca"],
                                                   TOKEN))
        self.api = self.pod.spawn(
            ["/usr/bin/python3", os.path.join(HARNESS_DIR, "kube_apiserver.py"),
             f"--port={API_PORT}", f"--control-port={CONTROL_PORT}", f"--cert={pki['cert']}",
             f"--key={pki['key']}", f"--token={TOKEN},{TOKEN_B}", "--bookmark-interval=0.5"],
            name="kube-apiserver")
        self.pod.wait_listening(CONTROL_PORT, self.api)
        self.pod.wait_listening(API_PORT, self.api)
        self.cp = None
        self.pki = pki

    # ----- helpers -----

    def control(self, method, path, body=None):
        argv = ["curl", "-sS", "--max-time", "5", "-X", method,
                f"http://127.0.0.1:{CONTROL_PORT}{path}"]
        if body is not None:
            argv += ["--data-binary", "@-"]
        out = self.pod.run(argv, input=json.dumps(body) if body is not None else None,
                           timeout=10).stdout
        return json.loads(out) if out else None

    def put(self, obj):
        return self.control("POST", "/objects", obj)

    def start_control_plane(self, kubeconfig=None, name="mesh-control-plane", extra=(),
                            xds_port=15010, monitoring_port=MONITORING_PORT):
        argv = [binaries.find(mesh.CONTROL_PLANE), "--source=kubernetes",
                f"--kubeconfig={kubeconfig or self.kubeconfig}", f"--kube_page_size={PAGE_SIZE}",
                f"--xds_address=127.0.0.1:{xds_port}", "--debounce=50ms",
                f"--monitoring_address=127.0.0.1:{monitoring_port}", *extra]
        self.cp = self.pod.spawn(argv, name=name)
        self.pod.wait_listening(monitoring_port, self.cp)
        return self.cp

    def kubeconfig_for(self, token):
        path = os.path.join(self.cluster.work_dir, "kube", f"kubeconfig-{token}")
        with open(path, "w") as f:
            f.write(kube_apiserver.kubeconfig_text(f"https://127.0.0.1:{API_PORT}",
                                                   self.pki["ca"], token))
        return path

    def get(self, plural, ns, name):
        out = self.pod.run(["curl", "-sS", "--max-time", "5",
                            f"http://127.0.0.1:{CONTROL_PORT}/objects/{plural}/{ns}/{name}"],
                           timeout=10).stdout
        obj = json.loads(out)
        return None if "error" in obj else obj

    def condition(self, name, plural="trafficpolicies"):
        obj = self.get(plural, "default", name) or {}
        conditions = obj.get("status", {}).get("conditions", [])
        return conditions[0] if conditions else None

    def lease_holder(self):
        lease = self.get("leases", "weft-system", "mesh-control-plane") or {}
        return lease.get("spec", {}).get("holderIdentity")

    def put_backend_service(self, name="backend"):
        self.put({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "default"}})
        self.put({"kind": "Service", "apiVersion": "v1",
                  "metadata": {"name": name, "namespace": "default"},
                  "spec": {"type": "ClusterIP", "sessionAffinity": "None",
                           "selector": {"app": "backend"},
                           "ports": [{"name": "http", "port": 8080, "targetPort": "http",
                                      "protocol": "TCP"}]}})

    def model(self, monitoring_port=MONITORING_PORT):
        out = self.pod.run(["curl", "-sS", "--max-time", "2",
                            f"http://127.0.0.1:{monitoring_port}/debug/model"],
                           check=False, timeout=10).stdout
        try:
            return json.loads(out)
        except ValueError:
            return {}

    def endpoints(self, model=None):
        model = model if model is not None else self.model()
        for service in (model.get("model") or {}).get("services", []):
            if service["name"] == "default/backend":
                return sorted(e["workload"].split("/")[1] for e in service["endpoints"])
        return None

    def wait_endpoints(self, names, what):
        expected = sorted(names)
        try:
            procs.wait_until(lambda: self.endpoints() == expected, timeout=CONVERGE_S,
                             interval=0.1, what=what)
        except TimeoutError:
            self.fail(f"{what}: endpoints {self.endpoints()}, expected {expected}\n"
                      f"control plane log:\n{self.cp.log_tail()}")

    def log(self):
        with open(self.cp.log_path) as f:
            return f.read()

    # ----- the test -----

    def test_list_watch_resume_relist_restart_and_invalid_route(self):
        self.put_backend_service()
        for i in range(12):  # more than two pages
            self.put(pod_object(i))
        # The EndpointSlice controller's view: backend-11 is failing its probe.
        self.put({"kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1",
                  "metadata": {"name": "backend-abc", "namespace": "default",
                               "labels": CONTROLLER_SLICE_LABELS},
                  "addressType": "IPv4",
                  "endpoints": [{"addresses": ["10.77.0.21"], "conditions": {"ready": False},
                                 "targetRef": {"kind": "Pod", "name": "backend-11",
                                               "namespace": "default"}}]})
        self.put(route_object())
        self.start_control_plane()

        # Paginated LIST: all 12 pods, backend-11 held out by its EndpointSlice.
        names = [f"backend-{i}" for i in range(11)]
        self.wait_endpoints(names, "the initial list")
        model = self.model()
        self.assertEqual(model["model"]["http_routes"], ["default/backend-route"])
        stats = self.control("GET", "/stats")
        self.assertGreaterEqual(stats["list_pages"], stats["lists"] + 2, stats)

        # WATCH: a new pod arrives.
        self.put(pod_object(12))
        names.append("backend-12")
        self.wait_endpoints(names, "a pod added while watching")

        # The server drops every watch: the control plane resumes from its last
        # resourceVersion, and later changes still arrive.
        self.control("POST", "/drop-watches")
        self.put(pod_object(13))
        names.append("backend-13")
        self.wait_endpoints(names, "a pod added after the watches were dropped")
        self.assertIn("closed the connection mid-response", self.log())

        # History compacted: resuming is 410 Gone, so the control plane lists again.
        self.control("POST", "/compact")
        self.control("DELETE", "/objects/pods/default/backend-0")
        names.remove("backend-0")
        self.wait_endpoints(names, "a deletion after compaction (410, re-list)")
        self.assertRegex(self.log(), r"resourceVersion too old \(410\): listing again")
        self.assertGreaterEqual(self.control("GET", "/stats")["gone"], 1)

        # The API server restarts (down 1.5 s, history and continue tokens lost): the
        # model stays meanwhile, then converges on what changed while it was down.
        before = self.model()["version"]
        self.control("POST", "/restart?down=1.5")
        self.control("DELETE", "/objects/pods/default/backend-1")
        self.put(pod_object(11))  # backend-11 recovers (its slice still says not ready)
        self.control("DELETE", "/objects/endpointslices/default/backend-abc")
        self.assertEqual(self.endpoints(), sorted(names), "the model must outlive the server")
        self.assertEqual(self.model()["version"], before)
        names.remove("backend-1")
        names.append("backend-11")
        self.wait_endpoints(names, "convergence after the restart")

        # An invalid HTTPRoute (a typo'd field, then a missing backend): the last good
        # version of the route stays, and other changes keep flowing.
        for bad, reason in ((route_object(weight_key="weigth"), "weigth: unknown key"),
                            (route_object(backend="nope"), "unknown Service default/nope")):
            self.put(bad)
            procs.wait_until(lambda: any(reason in w for w in
                                         self.model()["model"]["warnings"]),
                             timeout=CONVERGE_S, interval=0.1, what=f"warning {reason!r}")
            model = self.model()
            self.assertEqual(model["model"]["http_routes"], ["default/backend-route"])
            self.assertFalse(model["in_error"], model)
        self.put(pod_object(14))
        names.append("backend-14")
        self.wait_endpoints(names, "a pod added while a route is invalid")

        # Clean shutdown: every reflector thread stops and joins.
        self.assertEqual(self.cp.stop(), 0)

    def test_terminating_pods_serve_only_while_no_pod_is_ready(self):
        self.put_backend_service()
        for i in range(2):
            self.put(pod_object(i))
        self.start_control_plane()
        self.wait_endpoints(["backend-0", "backend-1"], "the initial list")

        # A rollout deletes both old pods before the new one is ready: they keep
        # serving (readiness still passes) rather than the service having none.
        self.put(pod_object(2, ready=False))
        for i in range(2):
            self.put(pod_object(i, deleting=True))
        def flags():
            return {w["name"]: (w["ready"], w["serving_while_terminating"])
                    for w in (self.model().get("model") or {}).get("workloads", [])}
        terminating = {"default/backend-0": (False, True), "default/backend-1": (False, True),
                       "default/backend-2": (False, False)}
        procs.wait_until(lambda: flags() == terminating, timeout=CONVERGE_S, interval=0.1,
                         what="the old pods terminating")
        self.assertEqual(self.endpoints(), ["backend-0", "backend-1"])

        # backend-1 fails its probe while terminating (the EndpointSlice says so).
        self.put({"kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1",
                  "metadata": {"name": "backend-xyz", "namespace": "default",
                               "labels": CONTROLLER_SLICE_LABELS},
                  "addressType": "IPv4",
                  "endpoints": [{"addresses": ["10.77.0.11"],
                                 "conditions": {"ready": False, "serving": False,
                                                "terminating": True},
                                 "targetRef": {"kind": "Pod", "name": "backend-1",
                                               "namespace": "default"}}]})
        self.wait_endpoints(["backend-0"], "a terminating pod that stopped serving")

        # The new pod is ready: only it gets requests.
        self.put(pod_object(2))
        self.wait_endpoints(["backend-2"], "a ready pod replaces the terminating ones")
        self.assertEqual(self.cp.stop(), 0)

    def test_a_service_without_selector_takes_its_hand_made_slices(self):
        self.put({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "default"}})
        self.put({"kind": "Service", "apiVersion": "v1",
                  "metadata": {"name": "db", "namespace": "default"},
                  "spec": {"type": "ClusterIP", "ports": [{"name": "sql", "port": 5432}]}})
        def db_slice(name, address, managed_by, port=15432):
            return {"kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1",
                    "metadata": {"name": name, "namespace": "default",
                                 "labels": {"kubernetes.io/service-name": "db",
                                            "endpointslice.kubernetes.io/managed-by":
                                                managed_by}},
                    "addressType": "IPv4",
                    "endpoints": [{"addresses": [address], "conditions": {"ready": True}}],
                    "ports": [{"name": "sql", "port": port, "protocol": "TCP"}]}
        # One written by hand, one mirrored from an Endpoints object.
        self.put(db_slice("db-manual", "192.0.2.10", "staff"))
        self.start_control_plane()
        def db_endpoints():
            for service in (self.model().get("model") or {}).get("services", []):
                if service["name"] == "default/db":
                    return sorted(f"{e['address']}:{e['port']}" for e in service["endpoints"])
            return None
        def wait(expected, what):
            procs.wait_until(lambda: db_endpoints() == expected, timeout=CONVERGE_S,
                             interval=0.1, what=f"{what}: {db_endpoints()} != {expected}")
        wait(["192.0.2.10:15432"], "the hand-made slice")
        self.put(db_slice("db-mirrored", "192.0.2.11", "endpointslicemirroring-controller.k8s.io"))
        wait(["192.0.2.10:15432", "192.0.2.11:15432"], "the mirrored slice added")
        # A broken edit is reported and the slice keeps its accepted version.
        self.put(db_slice("db-manual", "192.0.2.12", "staff", port=0))
        procs.wait_until(lambda: "EndpointSlice default/db-manual[0] ports[0].port: required"
                         in self.log(), timeout=CONVERGE_S, interval=0.1,
                         what="the broken slice reported")
        self.assertEqual(db_endpoints(), ["192.0.2.10:15432", "192.0.2.11:15432"])
        self.control("DELETE", "/objects/endpointslices/default/db-mirrored")
        wait(["192.0.2.10:15432"], "the mirrored slice deleted")
        self.assertEqual(self.cp.stop(), 0)

    def test_pods_take_their_nodes_zone(self):
        self.put_backend_service()
        self.put({"kind": "Node", "apiVersion": "v1",
                  "metadata": {"name": "node-1",
                               "labels": {"topology.kubernetes.io/region": "eu",
                                          "topology.kubernetes.io/zone": "eu-1a"}},
                  "status": {"conditions": [{"type": "Ready", "status": "True"}]}})
        self.put(pod_object(0))  # on node-1
        self.start_control_plane()
        def zones():
            return {w["name"]: w["zone"]
                    for w in (self.model().get("model") or {}).get("workloads", [])}
        procs.wait_until(lambda: zones() == {"default/backend-0": "eu-1a"}, timeout=CONVERGE_S,
                         interval=0.1, what=f"the node's zone on its pod: {zones()}")
        # The node is relabelled (a watch event): its pods follow.
        self.put({"kind": "Node", "apiVersion": "v1",
                  "metadata": {"name": "node-1",
                               "labels": {"topology.kubernetes.io/zone": "eu-1b"}}})
        procs.wait_until(lambda: zones() == {"default/backend-0": "eu-1b"}, timeout=CONVERGE_S,
                         interval=0.1, what=f"the new zone: {zones()}")
        self.assertEqual(self.cp.stop(), 0)

    def test_refuses_an_unverified_server_and_reports_a_rejected_token(self):
        other_dir = os.path.join(self.cluster.work_dir, "other-ca")
        os.makedirs(other_dir)
        other = kube_apiserver.make_test_pki(other_dir)
        good_ca = os.path.join(self.cluster.work_dir, "kube", "ca.pem")
        url = f"https://127.0.0.1:{API_PORT}"
        cases = (("wrong-ca", url, other["ca"], TOKEN,
                  r"server certificate rejected: unable to get local issuer certificate"),
                 # The certificate is for 127.0.0.1 and kubernetes.default.svc only.
                 ("wrong-name", f"https://localhost:{API_PORT}", good_ca, TOKEN,
                  r"server certificate rejected: [Hh]ostname mismatch"),
                 ("wrong-token", url, good_ca, "nope", r"LIST: HTTP 401: Unauthorized"))
        for name, server, ca, token, pattern in cases:
            path = os.path.join(other_dir, f"kubeconfig-{name}")
            with open(path, "w") as f:
                f.write(kube_apiserver.kubeconfig_text(server, ca, token))
            self.start_control_plane(path, name=f"mesh-control-plane-{name}")
            procs.wait_until(lambda: re.search(pattern, self.log()), timeout=CONVERGE_S,
                             interval=0.1, what=f"{name}: /{pattern}/ in the log")
            self.assertEqual(self.model().get("models_accepted"), 0)  # nothing served
            self.assertEqual(self.cp.stop(), 0)

    def test_one_lease_holder_writes_status_and_another_takes_over(self):
        self.put_backend_service()
        self.put_backend_service("frontend")
        self.put(traffic_policy("good"))
        self.put(traffic_policy("bad", {"retires": {"attempts": 3}}, service="frontend"))  # typo
        # The security resources are watched and judged too.
        self.put({"kind": "PeerAuthentication", "apiVersion": "mesh.weft.dev/v1alpha1",
                  "metadata": {"name": "strict", "namespace": "default", "generation": 1},
                  "spec": {"mtls": {"mode": "STRICT"}}})
        self.put({"kind": "AuthorizationPolicy", "apiVersion": "mesh.weft.dev/v1alpha1",
                  "metadata": {"name": "callers", "namespace": "default", "generation": 1},
                  "spec": {"action": "ALLOW", "rules": [{"from": [{"source": {
                      "principals": ["spiffe://cluster.local/ns/default/sa/frontend"]}}]}]}})
        # A route to a Service that does not exist, whose status already holds another
        # controller's entry (a Gateway's, say).
        foreign = {"parentRef": {"name": "gw", "kind": "Gateway"},
                   "controllerName": "example.net/gateway",
                   "conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted"}]}
        self.put({**route_object(backend="nope"), "status": {"parents": [foreign]}})
        replicas = {
            "cp-a": (self.start_control_plane(name="cp-a",
                                              extra=[*LEASE_FLAGS, "--pod_name=cp-a"]),
                     TOKEN, MONITORING_PORT),
            "cp-b": (self.start_control_plane(self.kubeconfig_for(TOKEN_B), name="cp-b",
                                              extra=[*LEASE_FLAGS, "--pod_name=cp-b"],
                                              xds_port=15020, monitoring_port=15024),
                     TOKEN_B, 15024),
        }
        procs.wait_until(lambda: self.lease_holder() in replicas, timeout=CONVERGE_S,
                         interval=0.1, what="a Lease holder")
        leader = self.lease_holder()
        follower = "cp-b" if leader == "cp-a" else "cp-a"

        # The holder writes a verdict on each policy; an invalid one does not disturb the
        # others, and every replica serves the same model.
        procs.wait_until(lambda: (self.condition("good") or {}).get("status") == "True" and
                         (self.condition("bad") or {}).get("status") == "False",
                         timeout=CONVERGE_S, interval=0.1, what="Accepted conditions")
        good, bad = self.condition("good"), self.condition("bad")
        self.assertEqual((good["type"], good["reason"], good["observedGeneration"]),
                         ("Accepted", "Accepted", 1), good)
        self.assertEqual((bad["type"], bad["reason"]), ("Accepted", "Invalid"), bad)
        self.assertIn('unknown key "retires"', bad["message"])
        procs.wait_until(
            lambda: (self.condition("strict", "peerauthentications") or {}).get("status") == "True"
            and (self.condition("callers", "authorizationpolicies") or {}).get("status") == "True",
            timeout=CONVERGE_S, interval=0.1, what="Accepted on PeerAuthentication and "
                                                   "AuthorizationPolicy")
        self.assertIn("default/callers", self.model()["model"].get("authorization_policies", []))

        # The route: status.parents, the Gateway API's shape, next to the foreign entry.
        def route_parents():
            route = self.get("httproutes", "default", "backend-route") or {}
            return route.get("status", {}).get("parents", [])

        def ours():
            return {c["type"]: c for p in route_parents()
                    if p.get("controllerName") == "mesh.weft.dev/mesh-control-plane"
                    for c in p["conditions"]}
        procs.wait_until(lambda: ours().get("Accepted", {}).get("status") == "False",
                         timeout=CONVERGE_S, interval=0.1, what="the route's status")
        parents = route_parents()
        self.assertEqual(parents[0], foreign)
        self.assertEqual(parents[1]["parentRef"], {"kind": "Service", "name": "backend",
                                                   "port": 8080})
        self.assertEqual(ours()["ResolvedRefs"]["reason"], "BackendNotFound")
        self.assertIn("unknown Service default/nope", ours()["Accepted"]["message"])
        for name, (_, _, port) in replicas.items():
            self.assertIn("default/good", self.model(port)["model"]["traffic_policies"], name)
        stats = self.control("GET", "/stats")
        self.assertGreaterEqual(stats.get(f"status_patches {replicas[leader][1]}", 0), 2, stats)
        self.assertEqual(stats.get(f"status_patches {replicas[follower][1]}", 0), 0, stats)

        # The leader dies without a word: the other takes over within the lease duration
        # (plus a renewal round), and keeps the conditions current.
        replicas[leader][0].signal(signal.SIGKILL)
        replicas[leader][0].wait(5.0)
        died = time.monotonic()
        procs.wait_until(lambda: self.lease_holder() == follower, timeout=LEASE_S + 3,
                         interval=0.1, what=f"{follower} taking over the Lease")
        self.assertLess(time.monotonic() - died, LEASE_S + 2.0)
        self.put(traffic_policy("bad", service="frontend"))  # fixed: generation 2
        procs.wait_until(lambda: (self.condition("bad") or {}).get("status") == "True",
                         timeout=CONVERGE_S, interval=0.1, what="the fixed policy accepted")
        self.put(route_object())  # the route fixed too
        procs.wait_until(lambda: [c["status"] for c in ours().values()] == ["True", "True"],
                         timeout=CONVERGE_S, interval=0.1, what="the fixed route accepted")
        self.assertEqual(route_parents()[0], foreign)
        self.assertEqual(ours()["Accepted"]["observedGeneration"], 2)
        self.assertEqual(self.condition("bad")["observedGeneration"], 2)
        self.assertEqual(self.condition("good")["status"], "True")
        self.assertEqual(sorted(self.model(replicas[follower][2])["model"]["traffic_policies"]),
                         ["default/bad", "default/good"])
        stats = self.control("GET", "/stats")
        self.assertGreater(stats.get(f"status_patches {replicas[follower][1]}", 0), 0, stats)
        self.cp = replicas[follower][0]
        self.assertIn("taking over lease weft-system/mesh-control-plane from " + leader,
                      self.log())
        self.assertEqual(self.cp.stop(), 0)

    def test_ca_grants_a_service_account_token_only_its_own_identity(self):
        for token, audiences in (("sa-a-token", ["weft-ca"]),
                                 ("api-token", ["https://kubernetes.default.svc"])):
            self.control("POST", "/tokens", {"token": token, "audiences": audiences,
                                             "username": "system:serviceaccount:default:a"})
        ca_dir = os.path.join(self.cluster.work_dir, "ca")  # no root yet: the leader makes it
        self.start_control_plane(extra=[*LEASE_FLAGS, "--pod_name=cp-ca", f"--ca_dir={ca_dir}"])

        def ask(sa, token):
            out = self.pod.run(["/usr/bin/python3", os.path.join(HARNESS_DIR, "ca_client.py"),
                                "127.0.0.1:15010", f"spiffe://cluster.local/ns/default/sa/{sa}",
                                token], timeout=20).stdout
            return json.loads(out)

        self.assertEqual(ask("a", "sa-a-token"),
                         {"code": "OK", "spiffe_id": "spiffe://cluster.local/ns/default/sa/a"})
        denied = ask("b", "sa-a-token")  # a proof for sa a cannot get sa b
        self.assertEqual(denied["code"], "PERMISSION_DENIED", denied)
        for token in ("api-token", "forged"):  # another audience; unknown to the API server
            refused = ask("a", token)
            self.assertEqual(refused["code"], "UNAUTHENTICATED", refused)
        # As the real API server does, another audience is not authenticated at all.
        self.assertIn("audiences do not match", ask("a", "api-token")["details"])
        log = self.log()
        self.assertIn("creating the root", log)
        self.assertNotIn("sa-a-token", log)
        self.assertEqual(self.cp.stop(), 0)


if __name__ == "__main__":
    unittest.main()
