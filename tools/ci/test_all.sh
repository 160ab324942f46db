#!/usr/bin/env bash
# The whole test run, as `make test` and CI run it (root, Debian 12):
#   1. setup (packages, BoringSSL, bazel build)
#   2. unit and component tests: bazel test //... (includes the netns sh_tests)
#   3. e2e tests on the real binaries in network namespaces
#   4. the multi-threaded unit tests under TSan, and those of the code that
#      handles untrusted bytes (codecs, buffers, TLS, certificates, config
#      parsers) again under ASan+UBSan (clang)
#   5. every fuzz target (the same ASan+UBSan build), briefly, from its seed corpus
# Ends with one line "N passed, N failed" counting test targets, e2e tests and
# fuzz targets; exits non-zero if anything failed.
#
#   tools/ci/test_all.sh [--quick|--full]
#     --quick: skip sanitizers and fuzzing
#     --full:  every unit test under ASan+UBSan and TSan (about 25 more minutes
#              cold on 2 cores: for releases and sanitizer work, not every CI run)
set -uo pipefail
cd "$(dirname "$0")/../.."
readonly ROOT=$PWD
readonly FUZZ_SECONDS=${WEFT_FUZZ_SECONDS:-5}
quick=0
full=0
[[ "${1:-}" == "--quick" ]] && quick=1
[[ "${1:-}" == "--full" ]] && full=1

# The CI run must stay under 30 minutes cold on 2 cores, so by default the
# sanitizers cover where memory and thread errors would hurt most; --full covers
# everything.
if (( full )); then
  asan_targets=(//...)
  tsan_targets=(//common/... //proxy/stats/... //proxy/xds/... //control-plane/xds/...
                //certs/... //proxy/tls/... //proxy/observability/...)
else
  asan_targets=(//common/... //proxy/network/... //proxy/http/... //proxy/http2/...
                //proxy/tls/... //proxy/config/... //proxy/observability/... //certs/...
                //proxy/listener/... //proxy/authz/... //proxy/health/...)
  # The injector's and the API client's parsers run under ASan+UBSan in their fuzz
  # targets (admission_review_fuzz, http_response_decoder_fuzz) below.
  tsan_targets=(//common/... //proxy/stats/... //proxy/tls:tls_context_provider_test
                //proxy/observability:request_metrics_test
                //control-plane/kube:kube_source_test)
fi

passed=0
failed=0
failures=()
# Each stage says when it starts (seconds since the run began), so that a slow
# stage shows in the log.
stage() { echo; echo "==== $* (t=${SECONDS}s)"; }

# Adds the counts from a bazel test log ("//x:y   PASSED in 0.1s" lines).
count_bazel() {
  local log=$1 label=$2 p f
  p=$(grep -cE '^//\S+\s+(\(cached\) )?PASSED' "$log")
  f=$(grep -cE '^//\S+\s+(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD)' "$log")
  passed=$((passed + p))
  failed=$((failed + f))
  if (( f > 0 )); then
    while read -r t; do failures+=("$label $t"); done < <(grep -E '^//\S+\s+(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD)' "$log" | awk '{print $1}')
  fi
  echo "$label: $p passed, $f failed"
}

run_bazel_tests() {
  local label=$1; shift
  local log
  log=$(mktemp)
  bazel test --test_summary=short "$@" 2>&1 | tee "$log" | grep -E '^(//|FAIL|ERROR)' | grep -v ' PASSED' || true
  if ! grep -qE '^//' "$log"; then
    # Nothing ran: a build error. Count it as a failure with its reason.
    grep -E 'ERROR' "$log" | head -20
    failed=$((failed + 1))
    failures+=("$label: build failed")
  fi
  count_bazel "$log" "$label"
  rm -f "$log"
}

stage "setup"
if ! tools/bootstrap/setup.sh; then
  echo "setup failed"
  echo "0 passed, 1 failed"
  exit 1
fi

stage "unit and component tests"
run_bazel_tests "unit" //...

stage "python unit tests (benchmark tooling)"
py_log=$(mktemp)
/usr/bin/python3 -m unittest discover -s tools/bench -p '*_test.py' 2>&1 | tee "$py_log" | tail -3
py_ran=$(grep -oE '^Ran [0-9]+ test' "$py_log" | awk '{print $2}')
if grep -qE '^OK' "$py_log" && [[ -n "$py_ran" ]]; then
  passed=$((passed + py_ran))
else
  failed=$((failed + 1)); failures+=("python unit tests")
fi
rm -f "$py_log"

stage "e2e tests (real binaries in network namespaces)"
e2e_log=$(mktemp)
# The default build's binaries, whatever config bazel-bin last pointed at.
export WEFT_BIN_DIR
WEFT_BIN_DIR=$(bazel info bazel-bin 2>/dev/null)
/usr/bin/python3 e2e/run_e2e.py 2>&1 | tee "$e2e_log"
e2e_summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$e2e_log" | tail -1)
if [[ -n "$e2e_summary" ]]; then
  p=$(echo "$e2e_summary" | awk '{print $1}')
  f=$(echo "$e2e_summary" | awk '{print $3}')
  passed=$((passed + p)); failed=$((failed + f))
  (( f > 0 )) && failures+=("e2e: $f failed (see above)")
else
  failed=$((failed + 1)); failures+=("e2e: runner did not finish")
fi
rm -f "$e2e_log"

if (( quick == 0 )); then
  # ThreadSanitizer where threads meet: event loops and posts, stats scraped while
  # workers count, the xDS client and server (gRPC threads), TLS next to gRPC.
  # Single-threaded code gains nothing from it and only costs build time. Before
  # ASan: TSan builds with gcc like the default build, ASan and the fuzz targets
  # with clang, and each switch of compiler re-detects Bazel's C++ toolchain.
  stage "TSan"
  run_bazel_tests "tsan" --config=tsan \
    "--test_env=TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/tools/ci/tsan.supp" \
    --test_tag_filters=-e2e,-fuzz,-no_tsan \
    "${tsan_targets[@]}"

  # --config=asan is clang with libFuzzer's coverage instrumentation, the same
  # flags as --config=fuzz: the fuzz stage below reuses this build.
  stage "ASan+UBSan"
  run_bazel_tests "asan" --config=asan --test_tag_filters=-e2e,-fuzz "${asan_targets[@]}"

  stage "fuzz targets (${FUZZ_SECONDS}s each)"
  mapfile -t fuzzers < <(bazel query 'attr(tags, "\bfuzz\b", kind(cc_binary, //...))' 2>/dev/null)
  if (( ${#fuzzers[@]} )) && bazel build --config=fuzz "${fuzzers[@]}" >/dev/null 2>&1; then
    fuzz_bin=$(bazel info --config=fuzz bazel-bin 2>/dev/null)
    for target in "${fuzzers[@]}"; do
      bin="$fuzz_bin/$(echo "${target#//}" | tr ':' '/')"
      pkg_dir="${target#//}"; pkg_dir="${pkg_dir%%:*}"
      corpus=$(mktemp -d)
      for seeds in "$pkg_dir/testdata/fuzz_corpus" "$pkg_dir/testdata/$(basename "$bin")_corpus"; do
        [[ -d "$seeds" ]] && cp -r "$seeds/." "$corpus/"
      done
      if "$bin" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "$corpus" >"$corpus.log" 2>&1; then
        echo "fuzz $target: ok ($(grep -oE 'stat::number_of_executed_units: [0-9]+' "$corpus.log" | awk '{print $2}') runs)"
        passed=$((passed + 1))
      else
        echo "fuzz $target: FAILED"; tail -30 "$corpus.log"
        failed=$((failed + 1)); failures+=("fuzz $target")
      fi
      rm -rf "$corpus" "$corpus.log"
    done
  else
    echo "fuzz: could not build the fuzz targets"
    bazel build --config=fuzz "${fuzzers[@]}" 2>&1 | grep -E 'ERROR|error' | head -20
    failed=$((failed + 1)); failures+=("fuzz: build failed")
  fi
fi

stage "summary"
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
(( failed == 0 ))
