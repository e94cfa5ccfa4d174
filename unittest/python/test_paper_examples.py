# AMORPH - LAMMPS plugin package, GPL-2.0
"""examples/paper: each of the paper's workflow inputs (glass, training, model, creep,
acoustic loading) runs at a tiny scale, in the documented order, and writes its outputs."""
import os
import subprocess

import numpy as np
import pytest

from conftest import clean_mpi_env, read_dump, run_example, skip_on_2021

ROOT = os.environ["AMORPH_ROOT"]
PAPER = os.path.join(ROOT, "examples", "paper")
TEMPS = [100, 700, 800, 900, 1000, 1200, 1700]
NEEDED = {"fix tml", "fix acoustic", "compute nonaffine/atom", "compute boop/atom"}

# the examples run on newer LAMMPS only (README, Supported LAMMPS versions)
pytestmark = [skip_on_2021("create_atoms overlap or LAMMPS_PLUGIN_PATH, which the examples use"),
              pytest.mark.skipif(
    not NEEDED <= set(s.strip() for s in os.environ.get("AMORPH_STYLES", ",".join(NEEDED)).split(",")),
    reason="the paper examples need all four AMORPH styles")]

# tiny variants: 400 atoms, durations x 1e-4 ... 1e-2, T_ML lags of a few steps
TINY = {
    "in.glass": {"scale": 0.2, "tscale": 0.0002},
    "in.train": {"tscale": 0.001, "lags": "0.002 0.004 0.01", "every": 5, "nwin": 2},
    "in.model": {},
    "in.creep": {"tscale": 0.001, "every": 50},
    "in.acoustic": {"freq": 1, "tscale": 0.002, "every": 100},
}


def lmp(inp, out, tmp_path, **variables):
    return run_example(os.path.join(PAPER, inp), tmp_path, f"log.{inp}", timeout=300, out=out,
                       **variables)


def test_readme_lists_every_input():
    text = open(os.path.join(PAPER, "README.md")).read()
    for inp in TINY:
        assert os.path.exists(os.path.join(PAPER, inp)), inp
        assert inp in text, f"{inp} not explained in examples/paper/README.md"
    assert "mpirun" in text


def test_paper_workflow_tiny(tmp_path):
    out = tmp_path / "out"
    # 1. glass: quench configurations at the training temperatures, V(T) curve, glass
    s = lmp("in.glass", out, tmp_path, **TINY["in.glass"])
    assert "AMORPH paper: glass of 400 atoms" in s, s[-2000:]
    for T in TEMPS:
        assert (out / f"quench_{T}K.data").stat().st_size > 0
    assert (out / "glass.data").stat().st_size > 0
    vt = np.loadtxt(out / "quench_vt.txt", comments="#", ndmin=2)
    assert len(vt) > 10 and np.all(np.isfinite(vt))
    assert vt[0, 1] > vt[-1, 1]                     # it cooled

    # 2. training: one feature file per temperature, labelled, 2 windows x 400 atoms
    s = lmp("in.train", out, tmp_path, **TINY["in.train"])
    for T in TEMPS:
        f = out / f"features_{T}K.txt"
        rows = np.loadtxt(f, comments="#", ndmin=2)
        assert rows.shape == (800, 4), (T, rows.shape)
        assert np.all(rows[:, 0] == T) and np.all(np.isfinite(rows))

    # 3. model
    s = lmp("in.model", out, tmp_path, **TINY["in.model"])
    assert (out / "CuZr.tmlmodel").stat().st_size > 0

    # 4a. creep at 2.2 GPa: strain series, per-window dumps with T_ML in the label range
    s = lmp("in.creep", out, tmp_path, **TINY["in.creep"])
    assert "AMORPH paper: creep at 2.2 GPa" in s
    st = np.loadtxt(out / "creep_22000_strain.txt", comments="#", ndmin=2)
    assert len(st) >= 4 and np.all(np.isfinite(st))
    assert st[-1, 2] < 0                            # compressive target
    cols, d = read_dump(out / "creep_22000_final.dump")
    assert len(d) == 400 and np.all(np.isfinite(d))
    tml = d[:, cols.index("f_ml")]
    assert np.all((tml >= 100) & (tml <= 1700))
    assert "c_bo[2]" in cols                        # q6 of compute boop/atom
    assert (out / "creep_22000.data").exists() and (out / "creep_22000.dump").exists()

    # 4b. acoustic loading: strain series, DMA per cycle, dumps
    s = lmp("in.acoustic", out, tmp_path, **TINY["in.acoustic"])
    assert "AMORPH paper: acoustic loading at 1e+12 Hz" in s
    st = np.loadtxt(out / "acoustic_1_strain.txt", comments="#", ndmin=2)
    assert len(st) >= 10 and np.all(np.isfinite(st))
    dma = np.loadtxt(out / "acoustic_1_dma.txt", comments="#", ndmin=2)
    assert len(dma) >= 1 and dma[0, 2] > 0          # a strain amplitude
    cols, d = read_dump(out / "acoustic_1_final.dump")
    assert len(d) == 400 and np.all(np.isfinite(d))
    tml = d[:, cols.index("f_ml")]
    assert np.all((tml >= 100) & (tml <= 1700))


def test_reproduce_driver_tiny(tmp_path):
    """examples/paper/reproduce.sh at its tiny size (400 atoms, minutes): the whole chain
    (glass, training, model with class selection, creep at 2.2 and 2.3 GPa, acoustic
    loading at two frequencies) and the analysis that writes the reproduction table."""
    import json
    env = clean_mpi_env()
    env["LAMMPS_PLUGIN_PATH"] = os.path.dirname(os.environ["AMORPH_PLUGIN"])
    env["PATH"] = os.path.dirname(os.environ["AMORPH_LMP"]) + os.pathsep + env["PATH"]
    env.update(AMORPH_REPRO="tiny", AMORPH_REPRO_OUT=str(tmp_path / "r"), AMORPH_NP="1")
    env.pop("AMORPH_REPRO_PUBLISH", None)
    r = subprocess.run(["bash", os.path.join(PAPER, "reproduce.sh")], capture_output=True, text=True,
                       env=env, timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    rep = tmp_path / "r" / "report"
    res = json.load(open(rep / "results.json"))
    assert res["natoms"] == 400 and np.isfinite(res["tg_K"])
    assert len(res["fig1_all"]["classes"]) == 7 and 100.0 in res["model"]["classes"]
    names = [row[0] for row in res["rows"]]
    for key in ("Tg from V(T)", "Fig. 1", "creep 2.2 GPa", "creep 2.3 GPa", "acoustic: strain amplitude",
                "Fig. 5", "Fig. 6"):
        assert any(n.startswith(key) for n in names), key
    assert all(row[3] in ("yes", "no", "partly", "–") for row in res["rows"])
    table = open(rep / "table.rst").read()
    assert table.count("   * - ") == len(res["rows"]) + 1
    for png in ("repro_vt", "repro_fig1", "repro_creep", "repro_acoustic", "repro_rho", "repro_boo"):
        assert open(rep / f"{png}.png", "rb").read(8) == b"\x89PNG\r\n\x1a\n"
