# AMORPH - LAMMPS plugin package, GPL-2.0
"""The README's main job, examples/quickstart, at a small scale: it prepares a Cu50Zr50
glass with potentials/CuZr_mm.eam.fs, prints the AMORPH styles LAMMPS sees and writes
sane outputs."""
import os
import subprocess

import numpy as np

from conftest import clean_mpi_env, read_dump

ROOT = os.environ["AMORPH_ROOT"]


def test_quickstart_small(tmp_path):
    env = clean_mpi_env()
    env["LAMMPS_PLUGIN_PATH"] = os.path.dirname(os.environ["AMORPH_PLUGIN"])
    env["PATH"] = os.path.dirname(os.environ["AMORPH_LMP"]) + os.pathsep + env["PATH"]
    out = tmp_path / "out"
    r = subprocess.run(["bash", os.path.join(ROOT, "examples/quickstart/run.sh"),
                        "-var", "ncell", "4", "-var", "tq", "2", "-var", "out", str(out)],
                       capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    # the styles LAMMPS sees (plugin list of the auto-loaded plugin)
    assert "compute style plugin boop/atom" in r.stdout, r.stdout[:3000]
    # a Cu50Zr50 glass: 128 atoms, half Cu (type 1), at 300 K
    cols, data = read_dump(out / "boop.dump")
    assert len(data) == 128
    types = data[:, cols.index("type")]
    assert np.sum(types == 1) == 64 and np.sum(types == 2) == 64
    assert (out / "glass.data").exists()
    # disordered: q6 well below fcc/bcc/hcp/icosahedral values, finite everywhere
    q6 = data[:, cols.index("c_bo[2]")]
    assert np.all(np.isfinite(data))
    assert 0.2 < q6.mean() < 0.45
    assert data[:, cols.index("c_bo[10]")].mean() < 0.7     # mean s(i,j): not crystalline
    assert "AMORPH quickstart: <q6> =" in r.stdout
