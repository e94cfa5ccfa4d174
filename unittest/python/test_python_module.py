# AMORPH - LAMMPS plugin package, GPL-2.0
"""The LAMMPS Python module found through the documented environment is the one built for
AMORPH (not a system copy), and the AMORPH package loads the plugin into it."""
import os
import subprocess

import numpy as np
import pytest

import amorph


def test_lammps_module_is_ours(lmp):
    import lammps
    # the staged module sits next to its own liblammps.so in the LAMMPS build folder
    modfile = os.path.realpath(lammps.__file__)
    assert os.path.exists(os.path.join(os.path.dirname(modfile), "liblammps.so")), modfile
    assert not modfile.startswith("/usr/lib/python3"), modfile
    assert lmp.version() == int(os.environ["AMORPH_LAMMPS_VERSION"])
    assert "PLUGIN" in lmp.installed_packages


def test_load_plugin_registers_styles(lmp):
    got = amorph.styles_available(lmp)
    # public styles only: internal helper styles are upper case, as in LAMMPS (STORE/ATOM)
    expected = [tuple(s.split()) for s in os.environ["AMORPH_STYLES"].split(",")
                if not s.split()[1].isupper()]
    assert sorted(got) == sorted(expected)


def test_load_plugin_fails_loudly_on_bad_file():
    # in a fresh process: plugins loaded earlier in this one are registered in every instance
    code = ("import lammps, amorph\n"
            "L = lammps.lammps(cmdargs=['-log', 'none', '-screen', 'none', '-nocite'])\n"
            "try:\n"
            "    amorph.load_plugin(L, '/nonexistent/amorphplugin.so')\n"
            "except RuntimeError as e:\n"
            "    print('RAISED', e)\n")
    env = dict(os.environ)
    env.pop("LAMMPS_PLUGIN_PATH", None)
    r = subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True, text=True, env=env)
    assert "RAISED" in r.stdout and "registered no AMORPH style" in r.stdout, r.stdout + r.stderr


def test_peratom_numpy_readback_fcc(lmp):
    for line in ["units metal", "atom_style atomic", "lattice fcc 1.0",
                 "region box block 0 3 0 3 0 3", "create_box 1 box", "create_atoms 1 box",
                 "mass 1 1.0", "pair_style zero 0.9", "pair_coeff * *",
                 "compute bo all boop/atom", "variable q6 atom c_bo[2]",
                 "compute q6avg all reduce ave v_q6", "thermo_style custom step c_q6avg",
                 "run 0"]:
        lmp.command(line)
    arr = amorph.peratom(lmp, "bo")
    assert arr.shape == (108, 11)
    # columns: q4 q6 wh4 wh6 qbar4 qbar6 wbar4 wbar6 ncryst mean_s N_b
    np.testing.assert_allclose(arr[:, 0], 0.19094, atol=1e-5)
    np.testing.assert_allclose(arr[:, 1], 0.57452, atol=1e-5)
    np.testing.assert_allclose(arr[:, 4:6], arr[:, 0:2], atol=1e-12)   # all atoms alike
    np.testing.assert_allclose(arr[:, 8], 12.0)                         # all bonds crystalline
    np.testing.assert_allclose(arr[:, 9], 1.0, atol=1e-12)
    np.testing.assert_allclose(arr[:, 10], 12.0)
    # the same through LAMMPS's own numpy access and a global reduction (thermo)
    from lammps import LMP_STYLE_ATOM, LMP_STYLE_GLOBAL, LMP_TYPE_ARRAY, LMP_TYPE_SCALAR
    local = lmp.numpy.extract_compute("bo", LMP_STYLE_ATOM, LMP_TYPE_ARRAY)
    np.testing.assert_allclose(local[:, 1], 0.57452, atol=1e-5)
    assert lmp.extract_compute("q6avg", LMP_STYLE_GLOBAL, LMP_TYPE_SCALAR) == pytest.approx(0.57452, abs=1e-5)
