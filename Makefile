# The two commands (run as root on Debian 12; each installs what is missing and builds):
#   make demo   - the local mesh demo
#   make test   - every test (unit, e2e in network namespaces, sanitizers, fuzzing)
.PHONY: demo test test-quick test-full setup build bench clean-stale

demo: setup
	/usr/bin/python3 e2e/demo.py

test:
	tools/ci/test_all.sh

test-quick:
	tools/ci/test_all.sh --quick

test-full:
	tools/ci/test_all.sh --full

setup:
	tools/bootstrap/setup.sh

build: setup

bench: setup
	tools/bench/run.sh

# Removes namespaces, bridges and rules left by an interrupted test run.
clean-stale:
	/usr/bin/python3 e2e/run_e2e.py --cleanup-stale
