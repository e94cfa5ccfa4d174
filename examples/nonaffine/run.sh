#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# Run the nonaffine/atom example with the LAMMPS and plugin that `bash scripts/setup.sh demo`
# built.  Extra arguments go to lmp (e.g. -var ncell 4 -var nshear 500 for a tiny run).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../common.sh"
cd "$HERE"
"${LMP[@]}" -in in.nonaffine "$@"
