# AMORPH - LAMMPS plugin package, GPL-2.0
"""The Cu50Zr50 glass the benchmarks run on, made in one place.

A 1024-atom cell of random positions at the density of B2 CuZr (a B2 crystal start does
not melt at 2000 K within a few ps), relaxed, melted at 2000 K, quenched to 300 K at
constant zero pressure with the Mendelev Cu-Zr EAM (potentials/CuZr_mm.eam.fs), then
replicated 4x4x2 to 32,768 atoms (minus the few random insertions that fail).
"""
import os

POTENTIALS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "potentials")


def make_cuzr_glass(lmp, quick=False, replicate=(4, 4, 2), seed=8812):
    """Build the glass in `lmp` (a fresh lammps.lammps instance), metal units."""
    nmd = 500 if quick else 2500
    rx, ry, rz = replicate
    for line in f"""units metal
atom_style atomic
lattice custom 3.26 a1 1 0 0 a2 0 1 0 a3 0 0 1 basis 0 0 0 basis 0.5 0.5 0.5
region box block 0 8 0 8 0 8
create_box 2 box
create_atoms 1 random 1024 {seed} NULL overlap 2.0 maxtry 200 units box
set type 1 type/ratio 2 0.5 {seed}
mass 1 63.546
mass 2 91.224
pair_style eam/fs
pair_coeff * * {POTENTIALS}/CuZr_mm.eam.fs Cu Zr
thermo 0
minimize 1.0e-6 1.0e-8 200 2000
reset_timestep 0
velocity all create 2000 {seed} mom yes rot yes
timestep 0.002
fix md all npt temp 2000 2000 0.1 iso 0 0 1.0
run {nmd}
unfix md
fix md all npt temp 2000 300 0.1 iso 0 0 1.0
run {nmd}
unfix md
replicate {rx} {ry} {rz}
""".splitlines():
        lmp.command(line)
