#!/bin/sh
# Fetch the QR decoder the scanner app uses (zxing-wasm, from the npm registry), check it and copy
# the two files the app serves into static/vendor/zxing-wasm/, with its licence and version.
#
#   static/vendor/update-zxing-wasm.sh 3.1.8      (or: make vendor-decoder ZXING_WASM_VERSION=3.1.8)
#
# What it checks before copying anything:
#   - npm's own check of the package against the registry's sha512 (npm pack refuses a tarball
#     whose integrity differs), and the tarball's sha512 compared again with `npm view` here;
#   - the WebAssembly file's sha256 equals ZXING_WASM_SHA256, the hash the package's JavaScript
#     was built with (a reader script and a wasm file from different versions fail at run time).
# After an update: run tests/scanning/test_decoder.py, and bump APP_VERSION in
# exhibit/scanning/app_views.py so installed scanners drop their cached copy.
set -eu

VERSION="${1:-}"
if [ -z "$VERSION" ]; then
    echo "usage: $0 <zxing-wasm version, e.g. 3.1.8>" >&2
    exit 2
fi
command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 2; }

HERE="$(cd "$(dirname "$0")" && pwd)"
DEST="$HERE/zxing-wasm"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "zxing-wasm@$VERSION" >/dev/null
TARBALL="zxing-wasm-$VERSION.tgz"
[ -f "$TARBALL" ] || { echo "npm pack did not produce $TARBALL" >&2; exit 1; }

EXPECTED="$(npm view "zxing-wasm@$VERSION" dist.integrity)"
ACTUAL="sha512-$(openssl dgst -sha512 -binary "$TARBALL" | base64 -w0)"
if [ "$EXPECTED" != "$ACTUAL" ]; then
    echo "integrity mismatch: registry says $EXPECTED, tarball is $ACTUAL" >&2
    exit 1
fi

tar xzf "$TARBALL"
READER="package/dist/iife/reader/index.js"
WASM="package/dist/reader/zxing_reader.wasm"
for f in "$READER" "$WASM" package/LICENSE package/package.json; do
    [ -f "$f" ] || { echo "missing from the package: $f" >&2; exit 1; }
done

BUILT_FOR="$(grep -o 'ZXING_WASM_SHA256=`[0-9a-f]\{64\}`' "$READER" | grep -o '[0-9a-f]\{64\}' || true)"
WASM_SHA256="$(sha256sum "$WASM" | cut -d' ' -f1)"
if [ -z "$BUILT_FOR" ] || [ "$BUILT_FOR" != "$WASM_SHA256" ]; then
    echo "the reader script expects wasm sha256 '$BUILT_FOR' but the file is $WASM_SHA256" >&2
    exit 1
fi
LICENCE="$(node -p "require('./package/package.json').license" 2>/dev/null || echo MIT)"

mkdir -p "$DEST"
cp "$READER" "$DEST/index.js"
cp "$WASM" "$DEST/zxing_reader.wasm"
cp package/LICENSE "$DEST/LICENSE"
echo "$VERSION" > "$DEST/VERSION"
cat > "$DEST/README.md" <<EOF
# zxing-wasm $VERSION (QR decoder of the scanner app)

- Name: zxing-wasm (ZXing-C++ compiled to WebAssembly), reader build only
- Version: $VERSION
- Licence: $LICENCE (see LICENSE; ZXing-C++ itself is Apache-2.0)
- Source: https://www.npmjs.com/package/zxing-wasm/v/$VERSION
  (https://github.com/Sec-ant/zxing-wasm), tarball integrity $EXPECTED
- Files: \`index.js\` = dist/iife/reader/index.js (defines the global \`ZXingWASM\`),
  \`zxing_reader.wasm\` = dist/reader/zxing_reader.wasm (sha256 $WASM_SHA256)

The scanner (static/js/scanner/decoder.js) points the reader at
/static/vendor/zxing-wasm/zxing_reader.wasm with \`prepareZXingModule\` + \`locateFile\`:
nothing is ever fetched from a CDN.

## Updating

    make vendor-decoder ZXING_WASM_VERSION=<version>
    # = static/vendor/update-zxing-wasm.sh <version>

The script fetches the package with \`npm pack\`, checks its sha512 against the registry and the
wasm file's sha256 against the one the reader script was built for, then copies the files here
and rewrites this README and VERSION. Then run \`pytest tests/scanning/test_decoder.py\` and bump
APP_VERSION in exhibit/scanning/app_views.py (installed scanners then fetch the new files).
EOF
echo "zxing-wasm $VERSION installed in $DEST (wasm sha256 $WASM_SHA256)"
