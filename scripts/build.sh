#!/usr/bin/env bash
# Builds both targets without cargo-leptos: the hydrating WASM client and the axum server.
#   scripts/build.sh release   optimised client and server (what `make run` serves)
#   scripts/build.sh debug     optimised client, debug server (what the tests use: faster to build)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-release}
target_dir=${CARGO_TARGET_DIR:-target}
site=$target_dir/site

cargo build -p app --lib --target wasm32-unknown-unknown --features hydrate --profile wasm-release
mkdir -p "$site/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name gatehouse \
  "$target_dir/wasm32-unknown-unknown/wasm-release/app.wasm"
node scripts/wasm-opt/node_modules/binaryen/bin/wasm-opt -Oz --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-reference-types \
  "$site/pkg/gatehouse_bg.wasm" -o "$site/pkg/gatehouse_bg.wasm"
cat style/*.css > "$site/pkg/gatehouse.css"
cp -r public/. "$site/"

if [ "$mode" = release ]; then
  cargo build -p server --release
else
  cargo build -p server
fi
