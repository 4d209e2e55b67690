#!/usr/bin/env bash
# Puts in npm's cache everything `npm install --offline` of tensorscope's packed tarball needs: the registry's
# metadata (packuments) and the tarballs of its dependencies, resolved as a user's install resolves them (the
# newest versions in range, not this repository's package-lock.json). `npm ci` caches only the locked tarballs,
# so without this step an install of the tarball must ask the registry. One install into a throw-away folder;
# skipped when the dependencies have not changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
DEPS_SUM=$(node -p 'JSON.stringify(require("./package.json").dependencies)' | sha256sum | cut -d' ' -f1)
MARK=.cache/npm-offline-deps.sha
if [ "$(cat "$MARK" 2>/dev/null)" = "$DEPS_SUM" ]; then
  echo "npm's cache already holds tensorscope's dependencies for an offline install."
  exit 0
fi
WARM=$(mktemp -d "${TMPDIR:-/tmp}/tensorscope-npm-cache-XXXXXX")
trap 'rm -rf "$WARM"' EXIT
node -e '
  const { dependencies } = require("./package.json");
  const manifest = { name: "tensorscope-offline-cache", version: "0.0.0", private: true, dependencies };
  require("fs").writeFileSync(process.argv[1], JSON.stringify(manifest));
' "$WARM/package.json"
# --ignore-scripts as in the README's install; --prefer-offline asks the registry only for what is missing.
(cd "$WARM" && npm install --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null)
echo "$DEPS_SUM" >"$MARK"
COUNT=$(node -p 'Object.keys(require(process.argv[1]).packages).length - 1' "$WARM/package-lock.json")
echo "npm's cache now holds the metadata and tarballs of tensorscope's $COUNT dependencies (an offline install)."
