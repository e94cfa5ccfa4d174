#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# The paper's acoustic and creep runs on a Cu50Zr50 glass, with the LAMMPS and plugin that
# `bash scripts/setup.sh demo` built.  Default: small, quick variants (minutes on a laptop);
# AMORPH_FULL=1 runs the paper's sizes and durations (a cluster job: set AMORPH_NP).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../common.sh"
cd "$HERE"
if [ "${AMORPH_FULL:-0}" = 1 ]; then
  "${LMP[@]}" -in in.glass -log log.glass
  for f in 0.02 0.05 0.1; do "${LMP[@]}" -in in.acoustic -var freq $f -log log.acoustic.$f; done
  for h in 22000 23000; do "${LMP[@]}" -in in.creep -var hold $h -log log.creep.$h; done
else
  "${LMP[@]}" -in in.glass -var scale 0.3 -var tscale 0.005 -log log.glass
  "${LMP[@]}" -in in.acoustic -var freq 0.1 -var tscale 0.05 -log log.acoustic
  "${LMP[@]}" -in in.creep -var hold 22000 -var tscale 0.05 -log log.creep
fi
