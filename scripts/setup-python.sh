#!/usr/bin/env bash
# The project's own Python environment: TensorBoard (to check our event files with its reader and to
# benchmark against its data server) and Jupyter pieces. pip tries the public index first and retries,
# so every call here keeps retries and timeouts low.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
REQ=scripts/python-requirements.txt
PIP_FLAGS=(--retries 1 --timeout 10 --disable-pip-version-check --quiet)
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
REQ_SUM=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ "$(cat "$VENV/.req.sha" 2>/dev/null)" = "$REQ_SUM" ]; then
  echo "$VENV matches $REQ; nothing to install."
  exit 0
fi
# The public index is unreachable on offline machines: hide its retry warnings, keep real errors.
"$VENV/bin/pip" install "${PIP_FLAGS[@]}" -r "$REQ" 2> >(grep -vE "Retrying|is ignored: it is neither" >&2)
echo "$REQ_SUM" >"$VENV/.req.sha"
echo "installed $(wc -l <"$REQ") requirement lines into $VENV"
