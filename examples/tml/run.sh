#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# Run the fix tml example with the LAMMPS and plugin that `bash scripts/setup.sh demo` built,
# then cross-validate the model with the Python tooling (confusion matrix, Fig. 1 plot).
# Extra arguments go to lmp (e.g. -var scale 2, -var out DIR).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
if ! command -v lmp >/dev/null || [ -z "${LAMMPS_PLUGIN_PATH:-}" ]; then
  eval "$(bash "$ROOT/scripts/setup.sh" env sid)"
fi
export LAMMPS_POTENTIALS="${LAMMPS_POTENTIALS:-$ROOT/potentials}"
export PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}"
cd "$HERE"
OUT=out
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "-var" ] && [ "${args[$((i + 1))]:-}" = "out" ]; then OUT="${args[$((i + 2))]}"; fi
done
NP="${AMORPH_NP:-1}"
if [ "$NP" -gt 1 ]; then
  mpirun --oversubscribe --allow-run-as-root -np "$NP" lmp -in in.tml -nocite "$@"
else
  lmp -in in.tml -nocite "$@"
fi
/usr/bin/python3 -m amorph.tml build "$OUT"/features_1500K.txt "$OUT"/features_1000K.txt \
  "$OUT"/features_700K.txt "$OUT"/features_300K.txt -o "$OUT"/CuZr_py.tmlmodel --k 50 --cv 5 \
  --plot "$OUT"/fig1_predicted_vs_actual.png --rank-features
