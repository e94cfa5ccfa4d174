#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# Spherical nanoindentation of a glass slab under a load-hold-unload function (in.indent),
# then hardness, modulus, work, hold creep and D2min beneath the indenter (analyse.py).
# Default: a 1,458-atom glass (minutes).
# Measured with the defaults (2 Dec 2026, 1 rank, 2 min; R 10 A, 50 K, 50 m/s, hold 10 ps):
# H = 6.5 GPa, E_r = 54 GPa (h_max 5.6 A, P_max 14 nN, unloading exponent m 1.84), elastic
# fraction of the work 0.26; hold at 9.19 +- 2.6 eV/A for the target 9.15 (the thermal noise
# of the load), creep 0.62 A, h(t) = 0.018 t + 0.23 t^0.39; D2min 8.4 A^2 beneath the
# indenter against 1.0 far from it.  A slab this thin (26 A) and a depth of 5 A give a
# modulus well below the bulk one (substrate and size effects): the example shows the
# workflow, not converged values.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../common.sh"
cd "$HERE"
amorph_small_glass
"${LMP[@]}" -in in.indent -var out out -log log.indent
/usr/bin/python3 analyse.py out | tee out/results.txt
