"""unittest base classes: a fresh Cluster per test, and pods a/b for sidecar tests."""

import sys
import time
import unittest

from harness.cluster import Cluster

COUNTER_SETTLE_S = 0.3


def stats_diff(before, after):
    """{name: after - before} for every numeric stat that changed."""
    diff = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, 0), after.get(name, 0)
        if isinstance(old, (int, float)) and isinstance(new, (int, float)) and old != new:
            diff[name] = new - old
    return diff


class ClusterTestCase(unittest.TestCase):
    """Each test gets its own Cluster, torn down even when the test fails or raises."""

    def setUp(self):
        self.cluster = Cluster()
        self.cluster.__enter__()
        self.addCleanup(self._close_cluster)

    def _failed_so_far(self):
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result is None:
            return True  # unknown: rather show the logs
        return any(test is self for test, _ in result.errors + result.failures)

    def _close_cluster(self):
        if self._failed_so_far():
            self.cluster.dump_logs(sys.stderr)
        self.cluster.close()


class SidecarTestCase(ClusterTestCase):
    """Pods `a` (client side) and `b` (server side); subclasses add apps and sidecars."""

    def setUp(self):
        super().setUp()
        self.a = self.cluster.add_pod("a")
        self.b = self.cluster.add_pod("b")

    def assertCounterDelta(self, sidecar, before, name, delta):
        """Asserts stat `name` of `sidecar` moved by exactly `delta` since snapshot `before`.

        Counters may be updated just after the client sees its response (e.g. on
        connection close), so this polls up to 3 s for the expected value, then waits
        COUNTER_SETTLE_S more to catch over-counting.
        """
        expected = int(before.get(name, 0)) + delta
        sidecar.wait_counter(name, expected)
        time.sleep(COUNTER_SETTLE_S)
        after = sidecar.stats()
        actual = int(after.get(name, 0))
        self.assertEqual(
            actual, expected,
            f"pod {sidecar.pod.name}: {name} moved by {actual - int(before.get(name, 0))}, "
            f"expected {delta}; all changed stats: {stats_diff(before, after)}")
