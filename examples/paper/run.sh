#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# The paper's workflow chain in order: glass -> training -> model -> creep (2.2, 2.3 GPa) ->
# acoustic loading (2e10, 5e10, 1e11 Hz), with the LAMMPS and plugin that
# `bash scripts/setup.sh demo` built (or your own: lmp on PATH, LAMMPS_PLUGIN_PATH set).
#   bash run.sh                  # scaled-down chain (1350 atoms, about an hour on 4 cores)
#   AMORPH_FULL=1 AMORPH_NP=128 bash run.sh     # the paper's sizes and durations (cluster)
# AMORPH_NP = MPI ranks (default 1); outputs in ./out (see README.md).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../common.sh"
cd "$HERE"
mkdir -p out
if [ "${AMORPH_FULL:-0}" = 1 ]; then
  G=(); TR=(); L=(); C=(); A=()
else
  G=(-var scale 0.3 -var tscale 0.01)
  TR=(-var tscale 0.2 -var lags "0.2 0.5 1 2 5 10 20" -var every 2500)
  C=(-var tscale 0.2 -var every 2500)
  A=(-var tscale 0.25 -var every 2500)
fi
"${LMP[@]}" -in in.glass -log out/log.glass "${G[@]}"
"${LMP[@]}" -in in.train -log out/log.train "${TR[@]}"
"${LMP[@]}" -in in.model -log out/log.model
for h in 22000 23000; do "${LMP[@]}" -in in.creep -var hold $h -log out/log.creep.$h "${C[@]}"; done
for f in 0.02 0.05 0.1; do "${LMP[@]}" -in in.acoustic -var freq $f -log out/log.acoustic.$f "${A[@]}"; done
echo "AMORPH paper: outputs in $HERE/out (see README.md)"
