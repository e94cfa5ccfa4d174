#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# Run the nonaffine/atom example with the LAMMPS and plugin that `bash scripts/setup.sh demo`
# built.  Extra arguments go to lmp (e.g. -var ncell 4 -var nshear 500 for a tiny run).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
if ! command -v lmp >/dev/null || [ -z "${LAMMPS_PLUGIN_PATH:-}" ]; then
  eval "$(bash "$ROOT/scripts/setup.sh" env sid)"
fi
export LAMMPS_POTENTIALS="${LAMMPS_POTENTIALS:-$ROOT/potentials}"
cd "$HERE"
NP="${AMORPH_NP:-1}"
if [ "$NP" -gt 1 ]; then
  mpirun --oversubscribe --allow-run-as-root -np "$NP" lmp -in in.nonaffine -nocite "$@"
else
  lmp -in in.nonaffine -nocite "$@"
fi
