#!/usr/bin/env bash
# Makes @tensorflow/tfjs-node loadable on machines where its install script cannot download libtensorflow.
# Order: keep a binding that already loads; else try the package's own installer (works with internet);
# else build the binding from the TensorFlow CPU wheel that pip can fetch from its configured index.
# Run from this repository by `npm run setup`, and from a user's project by `npx tensorscope setup`, which says
# where things are: TENSORSCOPE_TFJS_NODE_DIR (the tfjs-node that tensorscope loads), TENSORSCOPE_CACHE_DIR
# (wheels, logs), TENSORSCOPE_NODE_GYP (node-gyp's JavaScript entry) and TENSORSCOPE_PIP.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PKG="${TENSORSCOPE_TFJS_NODE_DIR:-$ROOT/node_modules/@tensorflow/tfjs-node}"
BINDING="$PKG/lib/napi-v8/tfjs_binding.node"
TF_VERSION="${TENSORSCOPE_TF_WHEEL_VERSION:-2.21.0}"
CACHE="${TENSORSCOPE_CACHE_DIR:-$ROOT/.cache}"
WHEEL_DIR="$CACHE/wheels"
if [ -n "${TENSORSCOPE_NODE_GYP:-}" ]; then NODE_GYP=(node "$TENSORSCOPE_NODE_GYP"); else NODE_GYP=("$ROOT/node_modules/.bin/node-gyp"); fi
if [ -n "${TENSORSCOPE_PIP:-}" ]; then PIP=("$TENSORSCOPE_PIP"); elif command -v pip >/dev/null; then PIP=(pip); else PIP=(python3 -m pip); fi
export TF_CPP_MIN_LOG_LEVEL=2

say() { echo "[tfjs-node] $*"; }
fail() { echo "[tfjs-node] ERROR: $*" >&2; exit 1; }

binding_loads() {
  # A separate process, so that a crashing binding cannot take the set-up down with it.
  node -e "require(process.argv[1]).tensor([1,2]).sum().dataSync()" "$PKG" >/dev/null 2>&1
}

[ -d "$PKG" ] || fail "$PKG is missing: run 'npm ci --ignore-scripts' first."

if [ -f "$BINDING" ] && binding_loads; then
  say "native binding already loads; nothing to do."
  exit 0
fi

if [ "${TENSORSCOPE_SKIP_DOWNLOAD:-0}" != "1" ]; then
  say "trying the package's own installer (downloads libtensorflow)…"
  if (cd "$PKG" && timeout 120 node scripts/install.js >/dev/null 2>&1) && binding_loads; then
    say "installed by the package's own installer."
    exit 0
  fi
  say "download failed; building the binding from the tensorflow-cpu==$TF_VERSION wheel instead."
fi

mkdir -p "$WHEEL_DIR"
WHEEL=$(ls "$WHEEL_DIR"/tensorflow_cpu-"$TF_VERSION"-*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$WHEEL" ]; then
  "${PIP[@]}" --version >/dev/null 2>&1 || fail "pip is needed to fetch the tensorflow-cpu wheel and was not found."
  "${PIP[@]}" download --no-deps --retries 1 --timeout 15 -d "$WHEEL_DIR" "tensorflow-cpu==$TF_VERSION" >/dev/null ||
    fail "could not download tensorflow-cpu==$TF_VERSION with pip (needed for libtensorflow and its headers)."
  WHEEL=$(ls "$WHEEL_DIR"/tensorflow_cpu-"$TF_VERSION"-*.whl | head -n 1)
fi

DEPS="$PKG/deps"
rm -rf "$DEPS" "$PKG/lib/napi-v8"
mkdir -p "$DEPS/lib" "$PKG/lib/napi-v8"
say "unpacking libtensorflow and headers from $(basename "$WHEEL")…"
python3 - "$WHEEL" "$DEPS" <<'PY'
import sys, zipfile, os, shutil
wheel, deps = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("tensorflow/include/") and not name.endswith("/"):
            target = os.path.join(deps, "include", name[len("tensorflow/include/"):])
        elif name in ("tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"):
            target = os.path.join(deps, "lib", os.path.basename(name))
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(name) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
PY
[ -f "$DEPS/include/tensorflow/c/eager/c_api.h" ] || fail "the wheel has no tensorflow/include/tensorflow/c/eager/c_api.h."
# libtensorflow_cc exports the C and eager C APIs the binding links against (as -ltensorflow).
(cd "$DEPS/lib" &&
  ln -sf libtensorflow_cc.so.2 libtensorflow.so.2 &&
  ln -sf libtensorflow.so.2 libtensorflow.so &&
  ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so)

say "compiling the binding with node-gyp (about a minute)…"
NODEDIR=$(npm config get nodedir 2>/dev/null || true)
GYP_ARGS=(rebuild --module_name=tfjs_binding --module_path=lib/napi-v8 --napi_build_version=8)
if [ -n "$NODEDIR" ] && [ "$NODEDIR" != "undefined" ]; then GYP_ARGS+=(--nodedir="$NODEDIR"); fi
mkdir -p "$CACHE"
(cd "$PKG" && "${NODE_GYP[@]}" "${GYP_ARGS[@]}" >"$CACHE/node-gyp.log" 2>&1) ||
  { rm -rf "$PKG/lib/napi-v8"; fail "node-gyp failed; see $CACHE/node-gyp.log (needs python3, make and g++)."; }
cp "$PKG/build/Release/tfjs_binding.node" "$BINDING"

if ! binding_loads; then
  rm -f "$BINDING"
  fail "the built binding does not load; removed it so that tensorscope falls back to another backend."
fi
say "native binding built from the wheel and verified."
