#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# The quickstart (the README's main job) with the LAMMPS and plugin that
# `bash scripts/setup.sh demo` built, in four steps (about 8 minutes on 2 cores):
#   1. in.quickstart  glass, T_ML training runs at 100 ... 1700 K (feature files)
#   2. amorph.tml     10-fold cross-validation of the features, the classes the model cannot
#                     tell apart found (agglomerative clustering by their cross-validated AUC)
#                     and dropped, the model check, the model file
#   3. in.loading     the reference window (unloaded glass at 100 K) and the acoustic loading,
#                     classified with that model; D2min, strain, rotation, bond order
#   4. plots.py       summary.json, results.txt and PNG plots
# Extra arguments go to lmp (both inputs), e.g. a smaller, shorter run:
#   bash run.sh -var ncell 5 -var tscale 0.5 -var out /tmp/qs
# AMORPH_NP = number of MPI ranks (default: 2 if there are 2 cores and mpirun, else 1).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -z "${AMORPH_NP:-}" ] && command -v mpirun >/dev/null && [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then
  export AMORPH_NP=2
fi
source "$HERE/../common.sh"
cd "$HERE"
OUT="$(amorph_out out "$@")"
TG=685      # K, the paper's Tg of Cu50Zr50: atoms with T_ML > TG are liquid-like
"${LMP[@]}" -in in.quickstart -log none "$@"
mapfile -t FEATURES < <(ls "$OUT"/features_*K.txt | sort -V)
echo "AMORPH quickstart: T_ML model from ${#FEATURES[@]} feature files (python3 -m amorph.tml build)"
/usr/bin/python3 -m amorph.tml build "${FEATURES[@]}" -o "$OUT/quickstart.tmlmodel" --k 50 \
    --cv 10 --auto-classes --threshold "$TG" --json "$OUT/model.json" --plot "$OUT/fig1.png" \
    2> "$OUT/log.model.progress" | tee "$OUT/log.model"
"${LMP[@]}" -in in.loading -log none -var Tg "$TG" "$@"
/usr/bin/python3 "$HERE/plots.py" "$OUT"
echo "AMORPH quickstart: done; results and plots are in $(cd "$OUT" && pwd)"
