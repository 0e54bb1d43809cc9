#!/usr/bin/env bash
# Builds the WebAssembly module and the page into web/dist, which the reference server
# serves at /. Needs the wasm32 target and wasm-bindgen-cli at the version the wasm
# crate pins (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print }' Cargo.lock)
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }')" != "$version" ]; then
    # --locked fails on this registry mirror; about 5 minutes on two cores.
    cargo install wasm-bindgen-cli --version "$version"
fi
cargo build -p enswitch-people-wasm --target wasm32-unknown-unknown --profile wasm
rm -rf web/dist
mkdir -p web/dist
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir web/dist target/wasm32-unknown-unknown/wasm/enswitch_people_wasm.wasm
cp web/index.html web/app.js web/style.css web/dist/
# Precompressed beside each file, for the server to send as the browser accepts
# (node's zlib makes both brotli and gzip, so no other tool is needed).
node -e '
const zlib = require("zlib"), fs = require("fs");
for (const file of process.argv.slice(1)) {
  const bytes = fs.readFileSync(file);
  const quality = { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 };
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(bytes, { params: quality }));
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }));
}' web/dist/*.wasm web/dist/*.js web/dist/*.html web/dist/*.css
gzip -9 -c web/dist/enswitch_people_wasm_bg.wasm | wc -c | awk '{ printf "web/dist: the module is %d bytes gzipped\n", $1 }'
