#!/usr/bin/env bash
# Builds the browser side of the widgets as a prebuilt JupyterLab extension, offline, and installs it into
# .venv: tsc compiles the TypeScript, then @jupyterlab/builder's webpack (module federation) bundles it
# against the installed JupyterLab's core package list. `jupyter labextension build` is not used: it tries
# to fetch packages. Output: widgets/labextension/ (gitignored), linked as
# .venv/share/jupyter/labextensions/tensorscope-widgets. Skips the build when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
SRC=widgets/labextension-src
OUT=widgets/labextension
CORE=$("$VENV/bin/python" -c 'import jupyterlab, os; print(os.path.join(os.path.dirname(jupyterlab.__file__), "staging"))')
SUM=$( (find "$SRC/src" widgets/src/shared "$SRC/package.json" "$SRC/tsconfig.json" -type f -print0 | sort -z | xargs -0 cat; cat "$CORE/package.json") | sha256sum | cut -d' ' -f1)
if [ -f "$OUT/package.json" ] && [ "$(cat "$OUT/.build.sha" 2>/dev/null)" = "$SUM" ]; then
  echo "widgets labextension is up to date."
else
  rm -rf "$SRC/lib" "$OUT"
  node node_modules/typescript/bin/tsc -p "$SRC/tsconfig.json"
  node node_modules/@jupyterlab/builder/lib/build-labextension.js --core-path "$CORE" "$SRC" >/dev/null
  echo "$SUM" >"$OUT/.build.sha"
  echo "built $OUT"
fi
mkdir -p "$VENV/share/jupyter/labextensions"
ln -sfn "$ROOT/$OUT" "$VENV/share/jupyter/labextensions/tensorscope-widgets"
echo "installed as $VENV/share/jupyter/labextensions/tensorscope-widgets"
