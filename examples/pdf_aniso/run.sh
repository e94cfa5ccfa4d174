#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# Run the pdf/aniso example with the LAMMPS and plugin that `bash scripts/setup.sh demo`
# built, then its analysis.  Extra arguments go to lmp (e.g. -var n 6 -var nsamp 4 for a
# tiny run); AMORPH_NP=2 runs on 2 MPI ranks.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../common.sh"
cd "$HERE"
"${LMP[@]}" -in in.pdf_aniso "$@"
/usr/bin/python3 analyse.py "$(amorph_out out "$@")"
