#!/usr/bin/env bash
# Makes sure PYTHON can create a virtual environment, then creates it.
#
#   scripts/python-venv.sh python3.11 .venv
#
# On Debian and Ubuntu `python3.11 -m venv` fails until python3.11-venv (which
# brings ensurepip) is installed, and Debian 12 may lack python3.11 itself; both
# come through scripts/system-packages.sh, which says what to install when it cannot.
set -euo pipefail
python=$1 venv=$2
here=$(dirname "$0")

if ! command -v "$python" >/dev/null; then
    name=$(basename "$python")
    if [[ $name =~ ^python3\.[0-9]+$ ]]; then
        "$here/system-packages.sh" "$name" "$name-venv"
    fi
    command -v "$python" >/dev/null || {
        echo "python-venv: $python not found; install Python 3.11 or run: make PYTHON=/path/to/python3.11 ..." >&2
        exit 1
    }
fi
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    "$here/system-packages.sh" "python$version-venv"
fi
"$python" -m venv "$venv"
