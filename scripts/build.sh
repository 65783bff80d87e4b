#!/usr/bin/env bash
# Builds both targets without cargo-leptos: the hydrating WASM clients (one per surface) and the axum server.
#   scripts/build.sh release   optimised client and server (what `make run` serves)
#   scripts/build.sh debug     optimised client, debug server (what the tests use: faster to build)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-release}
target_dir=${CARGO_TARGET_DIR:-target}
site=$target_dir/site

# Panic messages keep their source paths; shortening the crates' ones trims the client a little.
# (The workspace's own paths are relative already, so the flags do not change between checkouts.)
remap=""
for registry in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*; do
  if [ -d "$registry" ]; then remap="$remap --remap-path-prefix=$registry=crates"; fi
done
# Each surface (app/clients/<surface>) is its own bundle: one cargo run builds them all.
surfaces=$(ls app/clients)
packages=""
for surface in $surfaces; do packages="$packages -p $surface-client"; done
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$remap" \
  cargo build $packages --lib --target wasm32-unknown-unknown --profile wasm-release
client=$target_dir/client
mkdir -p "$client" "$site/pkg"
# The client goes out under names that change with its content, so the server can tell browsers
# to keep each file for a year. hash.txt lists the hashes for the server (`portal.js: <hash>` a
# line; files `portal.<hash>.js`); earlier builds' files are removed.
hashes=""
keep=" "
for surface in $surfaces; do
  wasm_in="$target_dir/wasm32-unknown-unknown/wasm-release/${surface}_client.wasm"
  # wasm-bindgen and wasm-opt take ~40 s: skip them when the compiled client has not changed.
  # -Os with --converge came out smallest once gzipped (smaller than -Oz, -O3 or --gufa).
  if [ ! -f "$client/${surface}_bg.wasm" ] || [ "$wasm_in" -nt "$client/${surface}_bg.wasm" ]; then
    wasm-bindgen --target web --no-typescript --out-dir "$client" --out-name "$surface" "$wasm_in"
    node scripts/client-tools/node_modules/binaryen/bin/wasm-opt -Os --converge --enable-bulk-memory \
      --enable-nontrapping-float-to-int --enable-reference-types \
      "$client/${surface}_bg.wasm" -o "$client/${surface}_bg.wasm"
    node scripts/client-tools/node_modules/terser/bin/terser "$client/$surface.js" --module --compress \
      --mangle --output "$client/$surface.js"
  fi
  # style/*.css is every surface's; style/<surface>/ the surface's own. Comments and layout are for
  # people reading style/, not for every visitor's download.
  cat style/*.css $(ls style/"$surface"/*.css 2>/dev/null) | node -e 'process.stdout.write(require("fs")
    .readFileSync(0, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\s+/g, " ")
    .replace(/\s*([{};:,>])\s*/g, "$1").trim())' > "$client/$surface.css"
  for kind in js wasm css; do
    case $kind in wasm) built=$client/${surface}_bg.wasm ;; *) built=$client/$surface.$kind ;; esac
    hash=$(sha256sum "$built" | cut -c1-16)
    name=$surface.$hash.$kind
    [ -f "$site/pkg/$name" ] || cp "$built" "$site/pkg/$name"
    hashes="$hashes$surface.$kind: $hash"$'\n'
    keep="$keep$name $name.br $name.gz "
  done
done
for file in "$site"/pkg/*; do
  case "$keep" in *" $(basename "$file") "*) ;; *) rm -rf "$file" ;; esac
done
printf '%s' "$hashes" > "$site/hash.txt"
cp -r public/. "$site/"
node scripts/precompress.mjs "$site"

if [ "$mode" = release ]; then
  cargo build -p server --release
else
  cargo build -p server
fi
