#!/usr/bin/env bash
# Installs the Debian packages named on the command line that are missing.
#
#   scripts/system-packages.sh gettext --optional fonts-dejavu-core chromium
#
# Packages after --optional are wanted but not needed: when they cannot be
# installed (no root, no passwordless sudo, not Debian), the script says what to
# install and carries on. A missing required package stops it with status 1.
set -euo pipefail

required=() optional=() kind=required
for arg in "$@"; do
    if [[ $arg == --optional ]]; then kind=optional
    elif [[ $kind == required ]]; then required+=("$arg")
    else optional+=("$arg")
    fi
done

missing() {
    local package
    for package in "$@"; do
        dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed' || echo "$package"
    done
}

if ! command -v dpkg >/dev/null; then
    echo "system-packages: not Debian; make sure you have: ${required[*]} ${optional[*]}" >&2
    exit 0
fi

can_install=yes sudo=()
if [[ $(id -u) != 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else can_install=no; fi
fi

updated=no
install() {  # install PACKAGE...; fails when apt cannot
    [[ $can_install == yes ]] || return 1
    if [[ $updated == no ]]; then
        "${sudo[@]}" apt-get update -qq && updated=yes || return 1
    fi
    echo "system-packages: installing $*"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

mapfile -t need < <(missing "${required[@]}")
mapfile -t want < <(missing "${optional[@]}")

if ((${#need[@]})) && ! install "${need[@]}"; then
    echo "system-packages: please install these packages and run again: sudo apt-get install ${need[*]}" >&2
    exit 1
fi
if ((${#want[@]})) && ! install "${want[@]}"; then
    echo "system-packages: carrying on without ${want[*]} (install them for full features: sudo apt-get install ${want[*]})" >&2
fi
exit 0
