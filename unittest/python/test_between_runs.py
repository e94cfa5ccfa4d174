# AMORPH - LAMMPS plugin package, GPL-2.0
"""Per-atom values read between runs (after create_atoms, delete_atoms, displace_atoms,
change_box, and a run with fix deform ... remap x) equal those of the same state read
inside a run, and reading them leaves the coordinates untouched; on 1 and 2 MPI ranks."""
import os

import numpy as np
import pytest

import amorph
from conftest import LAMMPS_2021, read_dump, run_lmp

FCC = """units metal
atom_style atomic
boundary p p p
lattice fcc 3.6
region box block 0 4 0 4 0 4
create_box 1 box
create_atoms 1 box
mass 1 63.5
pair_style zero 3.0
pair_coeff * *
"""


def test_boop_after_create_and_displace_atoms(lmp):
    for line in FCC.splitlines():
        lmp.command(line)
    lmp.command("compute bo all boop/atom degrees 2 4 6 cutoff 3.0 qbar no wbar no bonds no")
    lmp.command("run 0")
    # remove a corner region and create its atoms again: new atoms are appended
    lmp.command("region corner block 0 1.5 0 1.5 0 1.5")
    lmp.command("delete_atoms region corner")
    lmp.command("create_atoms 1 region corner")
    n = lmp.get_natoms()
    assert n == 256
    x_before = np.array(lmp.numpy.extract_atom("x")[:n], copy=True)
    bo = np.array(lmp.numpy.extract_compute("bo", 1, 2)[:n], copy=True)
    x_after = np.array(lmp.numpy.extract_atom("x")[:n], copy=True)
    np.testing.assert_array_equal(x_after, x_before)            # reading changed nothing
    assert np.all(bo[:, -1] == 12)                                # N_b of fcc
    np.testing.assert_allclose(bo[:, 1], 0.57452, atol=1e-5)     # q6 of fcc
    # displace across the boundaries (atoms migrate, no new communication lists)
    lmp.command("displace_atoms all move 2.3 -1.1 4.9 units box")
    # a compute defined after the last run has not been initialised: a clear error
    lmp.command("compute bo2 all boop/atom degrees 2 4 6 cutoff 3.0 qbar no wbar no bonds no")
    with pytest.raises(Exception, match="not initialised"):
        lmp.numpy.extract_compute("bo2", 1, 2)
    # values are computed once per step: run 0 (new step for the compute), then displace
    lmp.command("run 1 post no")
    lmp.command("displace_atoms all move 0.7 3.3 -2.2 units box")
    bo2 = np.array(lmp.numpy.extract_compute("bo2", 1, 2)[:n], copy=True)
    assert np.all(bo2[:, -1] == 12)
    np.testing.assert_allclose(bo2[:, 1], 0.57452, atol=1e-5)


DEFORM = """plugin load {plugin}
units metal
atom_style atomic
boundary p p p
lattice fcc 3.6
region box prism 0 5 0 5 0 5 0 0 0
create_box 1 box
create_atoms 1 box
mass 1 63.5
pair_style lj/cut 3.0
pair_coeff * * 0.01 2.3
velocity all create 300 4711 dist gaussian
displace_atoms all random 0.2 0.2 0.2 8812 units box
fix nve all nve
compute na all nonaffine/atom cutoff 3.0
compute bo all boop/atom degrees 2 4 6 cutoff 3.0
fix def all deform 1 xy erate 0.02 x erate 0.01 remap x
run 300
# read between runs (the last remap of fix deform was not communicated)
write_dump all custom between.dump id x y z c_na[*] c_bo[*] modify sort id format float %.17g
unfix def
run 0
write_dump all custom inrun.dump id x y z c_na[*] c_bo[*] modify sort id format float %.17g
"""


@pytest.mark.parametrize("nprocs", [1, 2])
def test_values_after_fix_deform_equal_run0(tmp_path, nprocs):
    if LAMMPS_2021:
        pytest.skip("LAMMPS 29 Sep 2021 refuses computes in write_dump between runs ('not "
                    "current'); its library path is test_values_after_fix_deform_python_2021")
    log = run_lmp(DEFORM.format(plugin=os.environ["AMORPH_PLUGIN"]), tmp_path, nprocs=nprocs)
    assert f"on {nprocs} procs" in log
    cols, between = read_dump(tmp_path / "between.dump")
    cols2, inrun = read_dump(tmp_path / "inrun.dump")
    assert cols == cols2 and len(between) == 500
    d2 = between[:, cols.index("c_na[1]")]
    assert d2.max() > 1e-3                         # something to compare
    # positions: run 0 remaps atoms into the box, so compare the computed values only
    c0 = cols.index("c_na[1]")
    np.testing.assert_allclose(between[:, c0:], inrun[:, c0:], rtol=1e-10, atol=1e-12)


@pytest.mark.skipif(not LAMMPS_2021, reason="newer LAMMPS: write_dump between runs, above")
def test_values_after_fix_deform_python_2021(lmp, tmp_path):
    """LAMMPS 29 Sep 2021: write_dump and variables refuse computes between runs, the library
    interface invokes them; values read there equal those after run 0 (1 rank)."""
    body = DEFORM.split("\n", 1)[1]    # without the plugin load line (the fixture loaded it)
    before, _ = body.split("# read between runs", 1)
    lmp.commands_string(before)
    with pytest.raises(Exception, match="not current"):
        lmp.command(f"write_dump all custom {tmp_path / 'refused.dump'} id c_na[*]")
    between = np.hstack([amorph.peratom(lmp, "na"), amorph.peratom(lmp, "bo")])
    lmp.commands_string("unfix def\nrun 0")
    inrun = np.hstack([amorph.peratom(lmp, "na"), amorph.peratom(lmp, "bo")])
    assert len(between) == 500 and between[:, 0].max() > 1e-3
    np.testing.assert_allclose(between, inrun, rtol=1e-10, atol=1e-12)
