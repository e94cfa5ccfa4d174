#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# The paper's whole chain at a reduced size, with the paper's time scales where they matter,
# then the analysis (reproduce.py): figures and the paper-vs-AMORPH table of
# doc/src/Reproduction.rst.
#
#   bash reproduce.sh                      # 1000 atoms; see the note on its duration below
#   AMORPH_REPRO=tiny bash reproduce.sh    # 400 atoms, minutes: the chain keeps working (CI)
#   AMORPH_REPRO_PUBLISH=1 bash reproduce.sh   # also copy figures + table to doc/src/reproduction
#
# Size "small" (the default):
#   glass     1000 atoms, melt 5 ps at 2000 K, quench at 1e13 K/s (paper: 50,000 atoms, 1e11 K/s)
#   training  T = 100 700 800 900 1000 1200 1700 K, 10 ps at T, lags 0.2 ... 100 ps
#             (paper: ... 200 ps), 2 windows starting 20 ps apart: 2,000 instances per class
#   model     amorph.tml: 10-fold CV of all 7 classes (Fig. 1), classes the model cannot tell
#             apart merged (--auto-classes: adjacent classes with cross-validated AUC < 0.8, average
#             linkage), model check
#   creep     2.2 and 2.3 GPa compression at 0.1 MPa/fs, hold 470 ps at 100 K (as the paper),
#             T_ML windows every 40 ps, D2min etc. over 40 ps, bond order at the end
#   acoustic  sigma0 = 1.6 GPa at 2e10 and 1e11 Hz, 400 ps at 100 K (paper: 800 ps)
# Independent runs go two at a time on one MPI rank each (AMORPH_JOBS, default 2).
# Duration: the MD is about 2,900 ps of a 1000-atom EAM glass; measured 43 minutes in one run on
# the project's 2-core machine (2 Dec 2026: glass 2.5 min, training 14 min, model 0.1 min,
# creep and acoustic 26.5 min, analysis 0.1 min; a few light compiles ran beside it).
# Outputs: $AMORPH_REPRO_OUT (default examples/paper/reproduction-<size>): the outputs of the
# inputs in this folder, model.json/fig1 files, report/ (PNGs, table.rst, results.json).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../common.sh"
cd "$HERE"
SIZE="${AMORPH_REPRO:-small}"
OUT="${AMORPH_REPRO_OUT:-$HERE/reproduction-$SIZE}"
JOBS="${AMORPH_JOBS:-2}"
TEMPS=(100 700 800 900 1000 1200 1700)
case "$SIZE" in
  small)
    G=(-var scale 0.27144 -var tscale 0.01)             # 1000 atoms; 1e13 K/s
    TR=(-var tscale 0.1 -var lags "0.2 0.5 1 2 5 10 20 50 100" -var every 10000 -var nwin 2)
    C=(-var tscale 1 -var every 20000)
    A=(-var tscale 0.5 -var every 20000)
    FREQS=(0.02 0.1) ;;
  tiny)
    G=(-var scale 0.2 -var tscale 0.0004)
    TR=(-var tscale 0.02 -var lags "0.2 0.5 1 2" -var every 500 -var nwin 2)
    C=(-var tscale 0.02 -var every 1000)
    A=(-var tscale 0.05 -var every 1000)
    FREQS=(0.1 0.2) ;;
  *) echo "AMORPH_REPRO must be small or tiny" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
LMP1=(lmp -nocite)                                # one rank per job
NP="${AMORPH_NP:-$JOBS}"
LMPN=(lmp -nocite)
[ "$NP" -gt 1 ] && LMPN=(mpirun --oversubscribe --allow-run-as-root -np "$NP" lmp -nocite)
t0=$(date +%s)
stamp() { echo "AMORPH reproduce: $* ($(( $(date +%s) - t0 )) s)"; }

# run the given commands (one per argument, each a string) at most $JOBS at a time
parallel() {
  local pids=() c
  for c in "$@"; do
    bash -c "$c" & pids+=($!)
    if [ ${#pids[@]} -ge "$JOBS" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  done
  for c in "${pids[@]}"; do wait "$c"; done
}
q() { printf '%q ' "$@"; }

stamp "glass (${SIZE})"
"${LMPN[@]}" -in in.glass -var out "$OUT" -log "$OUT/log.glass" -screen none "${G[@]}"
stamp "training"
cmds=()
for T in "${TEMPS[@]}"; do                        # one job per temperature, $JOBS at a time
  cmds+=("$(q "${LMP1[@]}" -in in.train -var out "$OUT" -log "$OUT/log.train.$T" -screen none "${TR[@]}" -var T "$T")")
done
parallel "${cmds[@]}"
stamp "model"
files=(); for T in "${TEMPS[@]}"; do files+=("$OUT/features_${T}K.txt"); done
/usr/bin/python3 -m amorph.tml build "${files[@]}" -o "$OUT/all7.tmlmodel" --cv 10 --threshold 685 \
    --json "$OUT/fig1_all.json" --plot "$OUT/fig1_all.png" > "$OUT/log.model_all" 2>/dev/null &
all7=$!                                           # the two builds side by side
/usr/bin/python3 -m amorph.tml build "${files[@]}" -o "$OUT/CuZr.tmlmodel" --cv 10 --auto-classes \
    --threshold 685 --json "$OUT/model.json" --plot "$OUT/fig1.png" 2>/dev/null | tee "$OUT/log.model"
wait "$all7"
stamp "creep and acoustic loading"
cmds=()
for h in 22000 23000; do
  cmds+=("$(q "${LMP1[@]}" -in in.creep -var out "$OUT" -var hold $h -log "$OUT/log.creep.$h" -screen none "${C[@]}")")
done
for f in "${FREQS[@]}"; do
  cmds+=("$(q "${LMP1[@]}" -in in.acoustic -var out "$OUT" -var freq $f -log "$OUT/log.acoustic.$f" -screen none "${A[@]}")")
done
parallel "${cmds[@]}"
stamp "analysis"
/usr/bin/python3 "$HERE/reproduce.py" "$OUT" --size "$SIZE" --freqs "${FREQS[@]}" \
    --minutes "$(( ($(date +%s) - t0 + 59) / 60 ))" --cores "$(nproc)" \
    ${AMORPH_REPRO_PUBLISH:+--publish "$ROOT/doc/src/reproduction"}
stamp "done: $OUT/report"
