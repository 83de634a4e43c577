#!/usr/bin/env bash
# Vendors the axe-core accessibility engine (MPL-2.0) from the npm registry into this folder.
# The browser tests inject axe.min.js into each page they check. Run again to change the version.
set -euo pipefail
cd "$(dirname "$0")"
VERSION=${1:-4.11.0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$VERSION" >/dev/null)
tar -xzf "$work"/axe-core-*.tgz -C "$work"
cp "$work/package/axe.min.js" axe.min.js
cp "$work/package/LICENSE" LICENSE-axe-core
echo "$VERSION" > VERSION
echo "axe-core $VERSION vendored: $(wc -c < axe.min.js) bytes"
