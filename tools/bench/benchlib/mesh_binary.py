"""Finding the mesh-proxy binary to benchmark, building it first if asked.

The binary is copied into the run's work directory, so that other engineers' builds
in the same workspace (which relink it, or repoint `bazel-bin` to another
configuration) cannot change it halfway through a run.
"""

import hashlib
import os
import shutil
import signal
import subprocess


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_bazel_bin(repo, timeout_s):
    """The bin directory of a plain `bazel build` (no --config), or None.

    Never the workspace's `bazel-bin` symlink: that follows the last build of anyone
    sharing the workspace, e.g. a --config=asan build, and guessing would benchmark
    the wrong binary.
    """
    try:
        res = subprocess.run(["bazel", "info", "bazel-bin"], cwd=repo,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=timeout_s, check=False,
                             process_group=0)
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = res.stdout.decode().strip()
    return path if res.returncode == 0 and path else None


_INSTRUMENTATION_MARKERS = ((b"__asan_init", "asan"), (b"__tsan_init", "tsan"),
                            (b"__msan_init", "msan"), (b"__sanitizer_cov", "fuzz"))


def instrumentation(path):
    """Name of the sanitizer a binary was built with, or None for a plain build."""
    with open(path, "rb") as f:
        data = f.read()
    for marker, name in _INSTRUMENTATION_MARKERS:
        if marker in data:
            return name
    return None


def first_error_line(log_path):
    try:
        with open(log_path, errors="replace") as f:
            for line in f:
                if line.startswith("ERROR:"):
                    return line.strip()[:200]
    except OSError:
        pass
    return "see %s" % log_path


def resolve_mesh_proxy(args, workdir, repo):
    """Returns (snapshot path, original path) or (None, reason it is not available)."""
    if args.mesh_proxy:
        binary = os.path.abspath(args.mesh_proxy)
    if not args.mesh_proxy and not args.no_build:
        log_path = os.path.join(workdir, "bazel-build.log")
        print("building //proxy:mesh-proxy (at most %ds; log %s) ..." %
              (args.build_timeout, log_path), flush=True)
        with open(log_path, "wb") as log:
            build = subprocess.Popen(["bazel", "build", "//proxy:mesh-proxy"], cwd=repo,
                                     stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT)
            try:
                rc = build.wait(timeout=args.build_timeout)
            except subprocess.TimeoutExpired:
                build.send_signal(signal.SIGINT)  # the bazel client cancels the build
                try:
                    build.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    build.kill()
                    build.wait()
                return None, ("bazel build timed out after %ds (busy build server? "
                              "--no-build uses the last built binary)" % args.build_timeout)
            except BaseException:
                build.send_signal(signal.SIGINT)
                build.wait(timeout=30)
                raise
        if rc != 0:
            return None, "bazel build //proxy:mesh-proxy failed: %s" % (
                first_error_line(log_path))
    if not args.mesh_proxy:
        bin_dir = default_bazel_bin(repo, args.build_timeout)
        if bin_dir is None:
            return None, "`bazel info bazel-bin` failed or timed out"
        binary = os.path.join(bin_dir, "proxy", "mesh-proxy")
    if not os.access(binary, os.X_OK):
        return None, "%s missing" % binary
    sanitizer = instrumentation(binary)
    if sanitizer:
        return None, "%s is a %s build, not comparable" % (binary, sanitizer)
    # Snapshot the binary: other builds in the same workspace may relink it or repoint
    # bazel-bin (e.g. --config=asan) while the benchmark runs.
    snapshot = os.path.join(workdir, "mesh-proxy")
    try:
        shutil.copy2(binary, snapshot)
    except OSError as e:
        return None, "cannot copy %s: %s" % (binary, e)
    print("mesh-proxy: %s (copied to the work directory)" % binary)
    return snapshot, binary
