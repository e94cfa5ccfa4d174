# AMORPH - LAMMPS plugin package, GPL-2.0
# Sourced by examples/*/run.sh (bash).  Uses the LAMMPS and plugin that
# `bash scripts/setup.sh demo` built, unless lmp is on PATH and LAMMPS_PLUGIN_PATH is set
# (your own LAMMPS).  Defines:
#   ROOT              the AMORPH checkout
#   LMP               the command array: lmp -nocite, under mpirun with AMORPH_NP > 1 ranks
#   amorph_out ARGS   prints the value of "-var out X" among ARGS (or its default, $1)
#   amorph_small_glass  writes glass.data here (once): the 1,458-atom glass of the events,
#                     indentation and cycling examples, from acoustic/in.glass
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v lmp >/dev/null || [ -z "${LAMMPS_PLUGIN_PATH:-}" ]; then
  eval "$(bash "$ROOT/scripts/setup.sh" env sid)"
fi
export LAMMPS_POTENTIALS="${LAMMPS_POTENTIALS:-$ROOT/potentials}"
export PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}"

LMP=(lmp -nocite)
if [ "${AMORPH_NP:-1}" -gt 1 ]; then
  LMP=(mpirun --oversubscribe --allow-run-as-root -np "$AMORPH_NP" lmp -nocite)
fi

amorph_out() {
  local out="$1" args=("${@:2}") i
  for ((i = 0; i < ${#args[@]}; i++)); do
    if [ "${args[$i]}" = "-var" ] && [ "${args[$((i + 1))]:-}" = "out" ]; then out="${args[$((i + 2))]}"; fi
  done
  echo "$out"
}

amorph_small_glass() {
  [ -f glass.data ] || "${LMP[@]}" -in "$ROOT/examples/acoustic/in.glass" -var scale 0.3 \
      -var tscale 0.005 -var out glass.data -log log.glass
}
