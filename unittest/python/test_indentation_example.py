# AMORPH - LAMMPS plugin package, GPL-2.0
"""examples/indentation at a tiny scale: glass, spherical indentation under load-hold-unload
(in.indent) and analyse.py run in the documented order.  Checked: the three phases in order,
the depth follows the function (loading and unloading at the set speed), the corrections of
the depth during the constant-load hold stay within their bound, and the physics of the
outputs: a positive hardness and modulus, an elastic fraction of the work between 0 and 1, and
more non-affine deformation beneath the indenter than far from it."""
import json
import os

import numpy as np
import pytest

from conftest import run_example, run_script, skip_on_2021

ROOT = os.environ["AMORPH_ROOT"]
EX = os.path.join(ROOT, "examples")
# the examples run on newer LAMMPS only (README, Supported LAMMPS versions)
pytestmark = [skip_on_2021("create_atoms overlap or LAMMPS_PLUGIN_PATH, which the examples use"),
              pytest.mark.skipif(
    "compute nonaffine/atom" not in os.environ.get("AMORPH_STYLES", ""),
    reason="needs compute nonaffine/atom")]


def test_indentation_example_tiny(tmp_path):
    run_example(os.path.join(EX, "acoustic", "in.glass"), tmp_path, "log.glass",
                scale=0.25, tscale=0.0004, out="glass.data")
    s = run_example(os.path.join(EX, "indentation", "in.indent"), tmp_path, "log.indent",
                    out="out", R=6, hmax=3, thold=1, neq=300)
    assert "AMORPH indentation" in s
    d = np.loadtxt(tmp_path / "out" / "indent.txt", comments="#", ndmin=2)
    phase, t, h, P = d.T
    assert list(np.unique(phase)) == [1, 2, 3] and np.all(np.diff(phase) >= 0)
    speed, dt = 0.5, 0.002
    ld, un = phase == 1, phase == 3
    np.testing.assert_allclose(np.diff(h[ld]) / np.diff(t[ld]), speed, rtol=1e-6)
    step = np.diff(t[un]) > 0
    np.testing.assert_allclose((np.diff(h[un]) / np.maximum(np.diff(t[un]), 1e-300))[step],
                               -speed, rtol=1e-6)
    hh = h[phase == 2]
    assert np.all(np.abs(np.diff(hh)) <= speed * 100 * dt * (1 + 1e-9))
    run_script(os.path.join(EX, "indentation", "analyse.py"), ["out", "--R", "6"], tmp_path)
    sm = json.loads((tmp_path / "out" / "summary.json").read_text())
    op = sm["oliver_pharr"]
    assert op["hardness_GPa"] > 0 and op["reduced_modulus_GPa"] > 0
    assert 0 < sm["work_eV"]["elastic_fraction"] < 1
    assert sm["d2min"]["beneath_mean_A2"] > sm["d2min"]["far_mean_A2"]
