#!/usr/bin/env bash
# One command that prepares a fresh clone: npm packages, the native TensorFlow binding, the project's
# Python environment (TensorBoard, JupyterLab) and the compiled library. Safe and quick to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
mkdir -p .cache
step() { echo; echo "== $*"; }

step "npm packages"
LOCK_SUM=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -d node_modules ] && [ "$(cat .cache/npm-lock.sha 2>/dev/null)" = "$LOCK_SUM" ]; then
  echo "node_modules matches package-lock.json; skipping npm ci."
else
  # Install scripts are skipped on purpose: tfjs-node's downloads libtensorflow, which fails offline.
  # The native pieces are built explicitly below.
  npm ci --ignore-scripts --no-audit --no-fund
  echo "$LOCK_SUM" >.cache/npm-lock.sha
fi

step "npm's cache, for an offline install of the packed tarball"
bash scripts/warm-npm-cache.sh

step "native TensorFlow backend"
bash scripts/build-tfjs-node.sh

step "Python environment (.venv)"
bash scripts/setup-python.sh

step "Chromium for the browser tests"
# Debian's chromium, driven by playwright-core (which downloads no browser). The set-up runs as root.
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq chromium
else
  echo "/usr/bin/chromium is installed."
fi

step "tensorscope importable by name"
# Notebooks and examples import "tensorscope"; a link makes Node and TypeScript resolve it to this clone.
ln -sfn .. node_modules/tensorscope

step "compile"
# tslab ships its own TypeScript 5.0 with a `tsc` bin that may win node_modules/.bin/tsc: use ours by path.
npm run build --silent

step "widgets: JupyterLab extension"
bash widgets/build-labextension.sh
echo
echo "Set-up done. Run 'npm test'."
