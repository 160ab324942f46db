"""mTLS between sidecars, end to end: real mesh-control-plane with its CA (local
mode, join tokens), real mesh-proxy sidecars that make their own keys, get
certificates and then talk TLS 1.3 to each other, real clients and servers.

Each refusal must be refused and reported with nothing else disturbed; each
allowed path must keep working.
"""

import datetime
import json
import os
import unittest

from harness import mesh
from harness import procs
from harness import test_pki
from harness.testcase import ClusterTestCase

PORT = 8080
APPS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "harness",
                    "apps")
TLS_PROBE = os.path.join(APPS, "tls_probe.py")
CA_CLIENT = os.path.join(os.path.dirname(APPS), "ca_client.py")
FRONTEND_ID = "spiffe://cluster.local/ns/default/sa/frontend"


def listener_counter(sidecar, name):
    return sidecar.counter(f"listener.inbound.{name}")


class MtlsMeshTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        self.cp = self.cluster.add_control_plane(ca=True)
        self.fe, self.be = mesh.add_frontend_backend(self.cluster, PORT)
        self.wait_certificates([self.be, self.fe])

    def wait_certificates(self, pods, timeout=10.0):
        for pod in pods:
            procs.wait_until(lambda: pod.sidecar.admin_json("/certs?format=json")["ready"],
                             timeout=timeout, what=f"{pod.name}'s workload certificate")

    def test_sidecars_talk_mtls_and_the_server_learns_the_caller(self):
        before = listener_counter(self.be.sidecar, "mtls_handshakes")
        summary = mesh.run_load(self.fe, f"http://backend:{PORT}/hello", count=50)
        self.assertEqual(summary["ok"], 50, summary)
        # One multiplexed HTTP/2 connection per worker at most, each over mTLS.
        after = listener_counter(self.be.sidecar, "mtls_handshakes")
        self.assertGreaterEqual(after - before, 1)
        dump = self.fe.sidecar.config_dump()
        cluster = next(c for c in dump["clusters"]
                       if c["name"] == mesh.cluster_name("backend", PORT))
        self.assertEqual(cluster["tls"]["expected_identities"],
                         ["spiffe://cluster.local/ns/default/sa/backend"], cluster)
        certs = self.be.sidecar.admin_json("/certs?format=json")
        self.assertEqual(certs["identity"], "spiffe://cluster.local/ns/default/sa/backend", certs)
        self.assertGreater(certs["seconds_to_expiry"], 3600, certs)
        # The trust bundle comes from the control plane by SDS.
        procs.wait_until(lambda: self.be.sidecar.admin_json("/certs?format=json")
                         ["trust_bundle"]["source"] == "sds", timeout=5,
                         what=f"the SDS trust bundle: {self.be.sidecar.admin_json('/xds')}")

    def test_permissive_accepts_plaintext_from_a_pod_without_sidecar(self):
        outsider = self.cluster.add_mesh_pod("out", labels={"app": "outsider"}, sidecar=False)
        r = outsider.curl(f"http://{self.be.ip}:{PORT}/plain")
        self.assertEqual(r.status, 200, r)
        r = self.fe.curl(f"http://backend:{PORT}/mesh")
        self.assertEqual(r.status, 200, r)


    def test_ca_unreachable_keeps_serving_on_the_current_certificate(self):
        self.cp.kill()
        # New TCP connections from the client, and fresh mTLS handshakes between the
        # sidecars once the pooled connection is gone, still work on the certificates
        # the sidecars hold.
        summary = mesh.run_load(self.fe, f"http://backend:{PORT}/no-ca", count=30)
        self.assertEqual(summary["ok"], 30, summary)
        for pod in (self.fe, self.be):
            certs = pod.sidecar.admin_json("/certs?format=json")
            self.assertTrue(certs["ready"], certs)
            self.assertGreater(certs["seconds_to_expiry"], 3600, certs)

    def test_permissive_passes_an_apps_own_tls_to_the_app(self):
        # The backend also serves HTTPS itself (openssl s_server): a client without a
        # sidecar must reach it, not the sidecar's mTLS (its ClientHello does not
        # offer "weft-mesh").
        work = self.cluster.work_dir
        cert, key = test_pki.leaf(work, "spiffe://app.example/https",
                                  issuer=test_pki.new_root(work, "app.example"), name="https")
        self.be.spawn(["/usr/bin/openssl", "s_server", "-accept", "8443", "-www", "-cert", cert,
                       "-key", key, "-quiet"], name="https-app")
        outsider = self.cluster.add_mesh_pod("out", labels={"app": "outsider"}, sidecar=False)
        procs.wait_until(lambda: outsider.curl(f"https://{self.be.ip}:8443/", "-k").status == 200,
                         timeout=10, what="the app's own HTTPS through the PERMISSIVE sidecar")
        self.assertEqual(self.error_count(self.be.sidecar, "mtls_untrusted_peer"), 0)

    # ----- refusals -----

    def error_count(self, sidecar, reason):
        return sidecar.counter(f"proxy.errors.{reason}")

    def probe(self, pod, cert, key):
        proc = pod.run(["/usr/bin/python3", TLS_PROBE, "--host", self.be.ip, "--port", str(PORT),
                        "--cert", cert, "--key", key], timeout=20)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def assert_refused_and_serving(self, outsider, cert, key, reason):
        before = self.error_count(self.be.sidecar, reason)
        result = self.probe(outsider, cert, key)
        self.assertIsNone(result["status"], result)  # no HTTP answer came back
        self.assertGreaterEqual(self.be.sidecar.wait_counter(f"proxy.errors.{reason}", before + 1),
                                before + 1, reason)
        # Nothing else disturbed: the mesh keeps serving.
        r = self.fe.curl(f"http://backend:{PORT}/after")
        self.assertEqual(r.status, 200, r)

    def test_certificate_from_another_trust_domain_is_refused(self):
        outsider = self.cluster.add_mesh_pod("out", labels={"app": "outsider"}, sidecar=False)
        work = self.cluster.work_dir
        cert, key = test_pki.leaf(work, "spiffe://other.local/ns/default/sa/frontend",
                                  issuer=test_pki.new_root(work, "other.local"), name="other")
        self.assert_refused_and_serving(outsider, cert, key, "mtls_untrusted_peer")
        self.assertIn("mtls_untrusted_peer", self.be.sidecar.log())

    def test_expired_certificate_is_refused(self):
        outsider = self.cluster.add_mesh_pod("out", labels={"app": "outsider"}, sidecar=False)
        now = datetime.datetime.now(datetime.timezone.utc)
        cert, key = test_pki.leaf(self.cluster.work_dir, FRONTEND_ID,
                                  issuer=test_pki.load_root(self.cp.ca_dir), name="expired",
                                  not_before=now - datetime.timedelta(hours=3),
                                  not_after=now - datetime.timedelta(hours=1))
        self.assert_refused_and_serving(outsider, cert, key, "mtls_untrusted_peer")

    def test_valid_mesh_certificate_is_accepted_by_tls(self):
        # The control for the two tests above: the same probe with a good certificate.
        outsider = self.cluster.add_mesh_pod("out", labels={"app": "outsider"}, sidecar=False)
        cert, key = test_pki.leaf(self.cluster.work_dir, FRONTEND_ID,
                                  issuer=test_pki.load_root(self.cp.ca_dir), name="good")
        result = self.probe(outsider, cert, key)
        self.assertEqual(result["status"], 200, result)

    def test_strict_refuses_plaintext_and_keeps_serving_mtls(self):
        outsider = self.cluster.add_mesh_pod("out", labels={"app": "outsider"}, sidecar=False)
        self.cp.apply("policies/strict.yaml", [{
            "apiVersion": "mesh.weft.dev/v1alpha1", "kind": "PeerAuthentication",
            "metadata": {"name": "backend-strict", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "backend"}},
                     "mtls": {"mode": "STRICT"}}}])
        self.cp.wait_synced(
            [self.be], lambda d: any(fc.get("refuse_plaintext")
                                     for l in d.get("listeners", []) if l["name"] == "inbound"
                                     for fc in l.get("filter_chains", [])),
            what="STRICT inbound chains")
        before = self.error_count(self.be.sidecar, "mtls_required")
        r = outsider.curl(f"http://{self.be.ip}:{PORT}/plain", timeout=5)
        self.assertNotEqual(r.status, 200, r)
        self.assertGreaterEqual(
            self.be.sidecar.wait_counter("proxy.errors.mtls_required", before + 1), before + 1)
        summary = mesh.run_load(self.fe, f"http://backend:{PORT}/strict", count=20)
        self.assertEqual(summary["ok"], 20, summary)

    def test_server_with_the_wrong_identity_is_refused_by_the_client(self):
        # The backend's Workload now runs as another service account: clients expect
        # that identity, but the backend's sidecar still holds its certificate for
        # "backend" (renewed only at half its lifetime).
        self.be.service_account = "backend-v2"
        self.cp.register(self.be)
        expected = "spiffe://cluster.local/ns/default/sa/backend-v2"
        self.cp.wait_synced(
            [self.fe], lambda d: any(c.get("tls", {}).get("expected_identities") == [expected]
                                     for c in d.get("clusters", [])),
            what="the backend's new identity")
        r = self.fe.curl(f"http://backend:{PORT}/wrong-identity", timeout=10)
        self.assertEqual(r.status, 503, r)
        self.assertIn("mtls_wrong_identity", self.fe.sidecar.log())


    # ----- authorization -----

    def test_authorization_policy_uses_the_mtls_identity(self):
        intruder = self.cluster.add_mesh_pod("intruder", labels={"app": "intruder"},
                                             service_account="intruder")
        self.cp.apply("policies/authz.yaml", [{
            "apiVersion": "mesh.weft.dev/v1alpha1", "kind": "AuthorizationPolicy",
            "metadata": {"name": "backend-callers", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "backend"}}, "action": "ALLOW",
                     "rules": [{"from": [{"source": {"principals": [FRONTEND_ID]}}]}]}}])
        procs.wait_until(
            lambda: self.fe.curl(f"http://backend:{PORT}/probe-authz").status == 200 and
            intruder.curl(f"http://backend:{PORT}/probe-authz").status == 403,
            timeout=10, what="the AuthorizationPolicy in force")
        before = self.error_count(self.be.sidecar, "authz_denied")
        denied = intruder.curl(f"http://backend:{PORT}/secret")
        self.assertEqual(denied.status, 403, denied)
        self.assertEqual(denied.header("x-weft-error"), "authz_denied", denied)
        self.assertGreater(self.error_count(self.be.sidecar, "authz_denied"), before)
        self.assertEqual(self.fe.curl(f"http://backend:{PORT}/secret").status, 200)
        # Plaintext (PERMISSIVE) carries no identity: not the allowed principal.
        outsider = self.cluster.add_mesh_pod("out", labels={"app": "outsider"}, sidecar=False)
        self.assertEqual(outsider.curl(f"http://{self.be.ip}:{PORT}/secret").status, 403)

    # ----- the CA -----

    def ca_probe(self, spiffe_id, tamper=False):
        token_file = os.path.join(self.cluster.work_dir, "join-token-default-fe")
        argv = ["/usr/bin/python3", CA_CLIENT, self.cp.address, spiffe_id, "@" + token_file]
        if tamper:
            argv.append("--tamper")
        proc = self.fe.run(argv, timeout=20)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def test_ca_issues_only_the_identity_the_token_grants(self):
        # fe's join token grants the frontend identity, and only that.
        ok = self.ca_probe(FRONTEND_ID)
        self.assertEqual(ok["code"], "OK", ok)
        self.assertEqual(ok["spiffe_id"], FRONTEND_ID, ok)
        other = self.ca_probe("spiffe://cluster.local/ns/default/sa/backend")
        self.assertEqual(other["code"], "PERMISSION_DENIED", other)
        self.assertIn("sa/backend", other["details"])

    def test_ca_refuses_a_tampered_csr(self):
        tampered = self.ca_probe(FRONTEND_ID, tamper=True)
        self.assertEqual(tampered["code"], "INVALID_ARGUMENT", tampered)
        # And the mesh is undisturbed.
        r = self.fe.curl(f"http://backend:{PORT}/after-ca")
        self.assertEqual(r.status, 200, r)


if __name__ == "__main__":
    unittest.main()
