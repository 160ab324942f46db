"""Kubernetes mode: the real mesh-control-plane (--source=kubernetes) against the test API
server (harness/kube_apiserver.py: TLS, bearer token, list/watch semantics), both in one
pod. The control plane's view is read from /debug/model while the API server paginates,
streams, drops watches, compacts its history and restarts; an invalid HTTPRoute never
disturbs the last good config.
"""

import json
import os
import re
import unittest

from harness import binaries, kube_apiserver, mesh, procs
from harness.testcase import ClusterTestCase

API_PORT, CONTROL_PORT, MONITORING_PORT = 6443, 6444, 15014
TOKEN = "e2e-token"
PAGE_SIZE = 5
CONVERGE_S = 5.0
HARNESS_DIR = os.path.dirname(os.path.abspath(kube_apiserver.__file__))


def pod_object(index, ready=True):
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": f"backend-{index}", "namespace": "default",
                         "labels": {"app": "backend"}, "uid": f"uid-{index}"},
            "spec": {"serviceAccountName": "backend", "nodeName": "node-1",
                     "containers": [{"name": "app", "image": "backend:1",
                                     "ports": [{"name": "http", "containerPort": 8080}]}]},
            "status": {"phase": "Running", "podIP": f"10.77.0.{10 + index}",
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def route_object(backend="backend", weight_key="weight"):
    return {"kind": "HTTPRoute", "apiVersion": "gateway.networking.k8s.io/v1",
            "metadata": {"name": "backend-route", "namespace": "default"},
            "spec": {"parentRefs": [{"kind": "Service", "name": "backend", "port": 8080}],
                     "rules": [{"backendRefs": [{"name": backend, "port": 8080,
                                                 weight_key: 1}]}]}}


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
             f"--key={pki['key']}", f"--token={TOKEN}", "--bookmark-interval=0.5"],
            name="kube-apiserver")
        self.pod.wait_listening(CONTROL_PORT, self.api)
        self.pod.wait_listening(API_PORT, self.api)
        self.cp = None

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

    def start_control_plane(self, kubeconfig=None, name="mesh-control-plane"):
        argv = [binaries.find(mesh.CONTROL_PLANE), "--source=kubernetes",
                f"--kubeconfig={kubeconfig or self.kubeconfig}", f"--kube_page_size={PAGE_SIZE}",
                "--xds_address=127.0.0.1:15010", "--debounce=50ms"]
        self.cp = self.pod.spawn(argv, name=name)
        self.pod.wait_listening(MONITORING_PORT, self.cp)

    def model(self):
        out = self.pod.run(["curl", "-sS", "--max-time", "2",
                            f"http://127.0.0.1:{MONITORING_PORT}/debug/model"],
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
        self.put({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "default"}})
        self.put({"kind": "Service", "apiVersion": "v1",
                  "metadata": {"name": "backend", "namespace": "default"},
                  "spec": {"type": "ClusterIP", "sessionAffinity": "None",
                           "selector": {"app": "backend"},
                           "ports": [{"name": "http", "port": 8080, "targetPort": "http",
                                      "protocol": "TCP"}]}})
        for i in range(12):  # more than two pages
            self.put(pod_object(i))
        # The EndpointSlice controller's view: backend-11 is failing its probe.
        self.put({"kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1",
                  "metadata": {"name": "backend-abc", "namespace": "default",
                               "labels": {"kubernetes.io/service-name": "backend"}},
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


if __name__ == "__main__":
    unittest.main()
