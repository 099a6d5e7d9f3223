#!/usr/bin/env bash
# Checks deploy/systemd/ with `systemd-analyze verify` (offline: no running systemd needed).
# verify insists that ExecStart's binary exists, so it checks copies of the units, instantiated for
# an "example" account, whose ExecStart runs the built dist/main.js with this machine's node.
# Exit 0 when verify reports nothing at all (a warning fails too); skips with exit 0 and a message
# when systemd-analyze is not installed, unless REQUIRE_SYSTEMD_ANALYZE=1.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "verify-systemd: systemd-analyze not found, skipped"
  [ "${REQUIRE_SYSTEMD_ANALYZE:-0}" = 1 ] && exit 1
  exit 0
fi
[ -f dist/main.js ] || { echo "verify-systemd: dist/main.js is missing: run npm run build first"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node_bin=$(command -v node)
for unit in service timer; do
  sed "s#^ExecStart=.*#ExecStart=${node_bin} ${PWD}/dist/main.js#" \
    "deploy/systemd/pmp-extractor@.${unit}" >"$work/pmp-extractor@example.${unit}"
done

if ! out=$(systemd-analyze verify --man=no "$work/pmp-extractor@example.service" \
  "$work/pmp-extractor@example.timer" 2>&1); then
  echo "$out"
  echo "verify-systemd: systemd-analyze verify failed"
  exit 1
fi
if [ -n "$out" ]; then
  echo "$out"
  echo "verify-systemd: systemd-analyze verify reported the lines above"
  exit 1
fi
echo "verify-systemd: pmp-extractor@.service and pmp-extractor@.timer verified"
