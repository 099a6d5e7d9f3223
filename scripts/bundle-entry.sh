#!/usr/bin/env bash
# Bundles the built entry dist/main.js, and every module it imports from dist/, into one file, so a
# run loads 4 files instead of about 200 (docs/decisions.md, D137). tsc's per-module output stays
# beside it: the tests and the bench load single modules (dist/app/drain-guard.js and others).
# - Packages stay external: node resolves them from node_modules as before.
# - --splitting keeps each dynamic import a file of its own (dist/chunk-*.js, dist/pg-store-*.js,
#   dist/simulator-*.js), so a SQLite run still never loads pg (D67).
# - dist/heap-tuning.js stays a module of its own, imported first by every output file: the V8 flags
#   are set before any other module runs (D68), as they were before bundling.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/main.js ] || { echo "bundle-entry: dist/main.js is missing: run tsc first" >&2; exit 1; }
npx --no-install esbuild dist/main.js --bundle --platform=node --format=esm --target=node20 \
  --packages=external --external:./heap-tuning.js --splitting --outdir=dist --allow-overwrite \
  '--chunk-names=[name]-[hash]' '--banner:js=import "./heap-tuning.js";' --log-level=warning
