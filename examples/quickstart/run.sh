#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# The quickstart (the README's main job) with the LAMMPS and plugin that
# `bash scripts/setup.sh demo` built: glass -> T_ML training -> acoustic loading with T_ML,
# D2min and bond-orientational order -> plots (plots.py).  A few minutes on 2 cores.
# Extra arguments go to lmp, e.g. a tiny run:
#   bash run.sh -var ncell 5 -var tscale 0.25 -var nwin 1 -var ncycles 3 -var out /tmp/qs
# AMORPH_NP = number of MPI ranks (default: 2 if there are 2 cores and mpirun, else 1).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -z "${AMORPH_NP:-}" ] && command -v mpirun >/dev/null && [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then
  export AMORPH_NP=2
fi
source "$HERE/../common.sh"
cd "$HERE"
OUT="$(amorph_out out "$@")"
"${LMP[@]}" -in in.quickstart -log none "$@"
/usr/bin/python3 "$HERE/plots.py" "$OUT"
echo "AMORPH quickstart: done; results and plots are in $(cd "$OUT" && pwd)"
