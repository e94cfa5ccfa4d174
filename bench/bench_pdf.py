#!/usr/bin/python3
# AMORPH - LAMMPS plugin package, GPL-2.0
"""Benchmark: compute pdf/aniso (g0 and g2) versus core compute rdf (g0), same Nbin and
cutoff, timed side by side in ONE LAMMPS instance on a Cu50Zr50 glass.

    eval "$(bash scripts/setup.sh env sid)"; /usr/bin/python3 bench/bench_pdf.py [--quick]

The glass is bench/glass.py's melt-quenched 1024-atom cell replicated 2x2x2 (8,192 atoms,
the size of the issue's measurement; --quick: a shorter quench).  Cases: Nbin 200 with
rc = 10 and 20 Angstrom (comm_modify cutoff rc + skin + 0.5).  compute rdf uses an
occasional half neighbour list built to rc + skin whenever the regular lists were rebuilt
(every evaluation here, as in an MD run that samples less often than it reneighbours);
pdf/aniso its own cell list over local + ghost atoms.  Each compute is invoked by reading
its array through the library interface at a new time step (reset_timestep + run 0,
outside the timed region); invocations alternate between the styles.  Printed: the median
time of each and the ratio of medians with the spread (min-max) of the per-round ratios.
Goal (issue #16): pdf/aniso <= 1.5x compute rdf.
"""
import os
import statistics
import sys
import time

import lammps
from lammps import LMP_STYLE_GLOBAL, LMP_TYPE_ARRAY

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
import amorph  # noqa: E402
from glass import make_cuzr_glass  # noqa: E402

QUICK = "--quick" in sys.argv
NREP = 5 if QUICK else 9


def time_compute(lmp, cid, step):
    lmp.command(f"reset_timestep {step}")
    lmp.command("run 0 post no")           # new step, neighbour lists rebuilt
    t0 = time.perf_counter()
    lmp.numpy.extract_compute(cid, LMP_STYLE_GLOBAL, LMP_TYPE_ARRAY)
    return time.perf_counter() - t0


def main():
    lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    amorph.load_plugin(lmp)
    make_cuzr_glass(lmp, quick=QUICK, replicate=(2, 2, 2))
    natoms = lmp.get_natoms()
    print(f"Cu50Zr50 glass: {natoms} atoms, LAMMPS {lmp.version()}, 1 MPI rank", flush=True)
    step = 10000
    skin = 2.0
    lmp.command(f"neighbor {skin} bin")
    for rc in (10.0, 20.0):
        lmp.command(f"comm_modify cutoff {rc + skin + 0.5}")
        cases = {
            "rdf": f"rdf 200 cutoff {rc}",
            "pdf": f"pdf/aniso 200 {rc} axis z",
            "pdf_pairs": f"pdf/aniso 200 {rc} axis z 1 1 1 2 2 2 weights 29 40",
            "pdf_affine": f"pdf/aniso 200 {rc} axis z affine 0.003 0.36",
            "pdf_spline": f"pdf/aniso 200 {rc} axis z bins spline",
        }
        for k, c in cases.items():
            lmp.command(f"compute {k} all {c}")
        lmp.command("run 0 post no")
        times = {k: [] for k in cases}
        for _ in range(NREP):
            for k in cases:
                step += 1
                times[k].append(time_compute(lmp, k, step))
        med = {k: statistics.median(v) for k, v in times.items()}
        ratios = [p / r for p, r in zip(times["pdf"], times["rdf"])]
        print(f"\n[Nbin 200, rc {rc}] median of {NREP}:")
        print(f"  compute rdf (g0)                         {med['rdf']*1e3:9.1f} ms")
        print(f"  pdf/aniso (g0, g2, total)                {med['pdf']*1e3:9.1f} ms")
        print(f"  pdf/aniso 3 pairs + weighted total       {med['pdf_pairs']*1e3:9.1f} ms")
        print(f"  pdf/aniso + affine response              {med['pdf_affine']*1e3:9.1f} ms")
        print(f"  pdf/aniso bins spline                    {med['pdf_spline']*1e3:9.1f} ms")
        print(f"  RATIO pdf/aniso / rdf = {med['pdf']/med['rdf']:.3f} "
              f"(per-round {min(ratios):.3f}-{max(ratios):.3f}; goal <= 1.5)", flush=True)
        for k in cases:
            lmp.command(f"uncompute {k}")
    lmp.close()


if __name__ == "__main__":
    main()
