"""Large and slow bodies pass through both sidecars intact (sha256 compared)."""

import hashlib
import json
import os
import time

from harness.apps import payload
from harness.testcase import SidecarTestCase

LARGE = 8 * 1024 * 1024 + 123  # several MiB, not a multiple of any buffer size


class BodyTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.b.start_http_server(8080)
        self.sa = self.a.add_sidecar()
        self.sb = self.b.add_sidecar()
        self.url = f"http://{self.b.ip}:8080"

    def _upload_file(self):
        data = os.urandom(LARGE)
        path = os.path.join(self.cluster.work_dir, "large-upload.bin")
        with open(path, "wb") as f:
            f.write(data)
        return path, hashlib.sha256(data).hexdigest()

    def test_large_chunked_upload(self):
        path, digest = self._upload_file()
        result = self.a.curl(self.url + "/upload", "-T", path,
                             "-H", "Transfer-Encoding: chunked", timeout=60)
        self.assertEqual(result.status, 200, result)
        info = result.json()
        self.assertEqual(info["headers"].get("transfer-encoding"), "chunked")
        self.assertEqual(info["body_len"], LARGE)
        self.assertEqual(info["body_sha256"], digest)

    def test_large_content_length_upload(self):
        path, digest = self._upload_file()
        result = self.a.curl(self.url + "/upload", "--data-binary", "@" + path, timeout=60)
        self.assertEqual(result.status, 200, result)
        info = result.json()
        self.assertEqual(info["body_len"], LARGE)
        self.assertEqual(info["body_sha256"], digest)

    def test_large_chunked_and_content_length_downloads(self):
        expected = payload.sha256_of_payload(LARGE)
        for kind in ("chunked", "bytes"):
            result = self.a.curl(f"{self.url}/{kind}/{LARGE}", timeout=60)
            self.assertEqual(result.status, 200, f"{kind}: {result!r}")
            self.assertEqual(len(result.body), LARGE, kind)
            self.assertEqual(hashlib.sha256(result.body).hexdigest(), expected, kind)

    def test_slowly_streamed_request_body(self):
        pieces = [f"piece-{i};".encode() * 100 for i in range(5)]
        script = ("(for i in 0 1 2 3 4; do "
                  "  for j in $(seq 100); do printf \"piece-$i;\"; done; "
                  "  sleep 0.3; "
                  "done) | curl -sS --max-time 20 -T - "
                  f"-H 'Content-Type: application/octet-stream' {self.url}/slow-upload")
        start = time.monotonic()
        proc = self.a.run(script, timeout=30)
        elapsed = time.monotonic() - start
        body = b"".join(pieces)
        info = json.loads(proc.stdout)
        self.assertGreaterEqual(elapsed, 1.2, "the body was not actually streamed slowly")
        self.assertEqual(info["headers"].get("transfer-encoding"), "chunked")
        self.assertEqual(info["body_len"], len(body))
        self.assertEqual(info["body_sha256"], hashlib.sha256(body).hexdigest())
