#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# Run the fix tml example with the LAMMPS and plugin that `bash scripts/setup.sh demo` built,
# then cross-validate the model with the Python tooling (confusion matrix, Fig. 1 plot).
# Extra arguments go to lmp (e.g. -var scale 2, -var out DIR).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../common.sh"
cd "$HERE"
OUT="$(amorph_out out "$@")"
"${LMP[@]}" -in in.tml "$@"
/usr/bin/python3 -m amorph.tml build "$OUT"/features_1500K.txt "$OUT"/features_1000K.txt \
  "$OUT"/features_700K.txt "$OUT"/features_300K.txt -o "$OUT"/CuZr_py.tmlmodel --k 50 --cv 5 \
  --plot "$OUT"/fig1_predicted_vs_actual.png --rank-features
