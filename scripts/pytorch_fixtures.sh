#!/usr/bin/env bash
# Writes the PyTorch fixtures of Course's weight parity tests (Course.Tests/Interop) into ${COURSE_FIXTURES:-data/pytorch-fixtures},
# installing Debian's python3-torch with apt when no python3 with torch is there (about 45 s on a fresh Debian 12).
set -euo pipefail
cd "$(dirname "$0")/.."
python=/usr/bin/python3
if ! "$python" -c "import torch" >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch) >/dev/null
  else
    echo "PyTorch is not installed and apt-get is not there; install python3 with torch and run again." >&2
    exit 1
  fi
fi
"$python" scripts/pytorch_fixtures.py write "${COURSE_FIXTURES:-data/pytorch-fixtures}"
