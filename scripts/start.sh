#!/usr/bin/env bash
# `npm start`: JupyterLab from the project's .venv on 127.0.0.1, with the tensorscope kernel, opened on notebooks/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/jupyter-lab ] || [ ! -f dist/kernel-ext/cli.js ]; then
  echo "JupyterLab or the compiled kernel is missing: run 'npm run setup' first." >&2
  exit 1
fi
# The kernelspec goes into the project's environment, so nothing outside the clone changes.
node dist/kernel-ext/cli.js kernel install --prefix .venv >/dev/null
PORT="${PORT:-8888}"
TOKEN="${JUPYTER_TOKEN:-$(node -e 'console.log(require("node:crypto").randomBytes(24).toString("hex"))')}"
echo "tensorscope: JupyterLab with the \"TypeScript (tensorscope)\" kernel, notebooks in $(pwd)/notebooks"
echo "tensorscope: open http://127.0.0.1:${PORT}/lab?token=${TOKEN}"
ROOT_FLAG=()
[ "$(id -u)" = 0 ] && ROOT_FLAG=(--allow-root) # containers and CI machines run as root
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
exec .venv/bin/jupyter-lab --no-browser --ip 127.0.0.1 --port "$PORT" --port-retries 0 "${ROOT_FLAG[@]}" \
  --ServerApp.root_dir="$(pwd)/notebooks" --IdentityProvider.token="$TOKEN"
