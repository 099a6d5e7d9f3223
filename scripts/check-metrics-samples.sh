#!/usr/bin/env bash
# Lints the metrics files the e2e test test/e2e/metrics-file.test.ts wrote into $1 (PMP_TEST_METRICS_DIR)
# with `promtool check metrics`: one file each after a success, a lock deferral, a credential failure
# and a configuration error must exist and pass.
set -uo pipefail
dir=${1:?usage: check-metrics-samples.sh <folder>}
status=0
for name in success deferred credential-failure config-error; do
  file="$dir/$name.prom"
  if [ ! -s "$file" ]; then
    echo "missing metrics sample: $file"
    status=1
    continue
  fi
  if ! promtool check metrics <"$file"; then
    echo "promtool rejects $file"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "promtool: the metrics samples in $dir pass"
exit "$status"
