"""Locates the binaries under test.

WEFT_BIN_DIR points at a Bazel output tree (default: <repo>/bazel-bin next to e2e/).
"""

import os

E2E_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(E2E_DIR)

MESH_PROXY = "proxy/mesh-proxy"
MESH_INIT = "proxy/init/mesh-init"
BUILD_HINT = "cd {repo} && bazel build //proxy:mesh-proxy //proxy/init:mesh-init"


def bin_dir():
    return os.environ.get("WEFT_BIN_DIR", os.path.join(REPO_DIR, "bazel-bin"))


def find(relative):
    """Absolute path of binary `relative` (e.g. MESH_PROXY); raises a clear error if absent."""
    path = os.path.realpath(os.path.join(bin_dir(), relative))
    if not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f"{relative} not found or not executable at {path} (WEFT_BIN_DIR={bin_dir()}); "
            f"build it: {BUILD_HINT.format(repo=REPO_DIR)}")
    return path
