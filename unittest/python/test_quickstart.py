# AMORPH - LAMMPS plugin package, GPL-2.0
"""The README's main job, examples/quickstart, at a small scale (250 atoms, 3 loading cycles):
it prepares a Cu50Zr50 glass with potentials/CuZr_mm.eam.fs, prints the AMORPH styles LAMMPS
sees, trains a T_ML model at the paper's temperatures, applies the acoustic loading with
T_ML, D2min and bond-orientational order, and writes sane text outputs and PNG plots."""
import os
import subprocess

import numpy as np
import pytest

from conftest import clean_mpi_env, read_dump

ROOT = os.environ["AMORPH_ROOT"]
TEMPS = [100, 700, 800, 900, 1000, 1200, 1700]
NEEDED = {"fix tml", "fix acoustic", "compute nonaffine/atom", "compute boop/atom"}
FREQ = 0.1          # 1/ps, the quickstart's default (1e11 Hz)
NCYCLES = 3


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    styles = os.environ.get("AMORPH_STYLES")
    if styles and not NEEDED <= {s.strip() for s in styles.split(",")}:
        pytest.skip("the quickstart needs all four AMORPH styles")
    env = clean_mpi_env()
    env["LAMMPS_PLUGIN_PATH"] = os.path.dirname(os.environ["AMORPH_PLUGIN"])
    env["PATH"] = os.path.dirname(os.environ["AMORPH_LMP"]) + os.pathsep + env["PATH"]
    env["AMORPH_NP"] = "1"
    out = tmp_path_factory.mktemp("quickstart") / "out"
    r = subprocess.run(["bash", os.path.join(ROOT, "examples/quickstart/run.sh"),
                        "-var", "ncell", "5", "-var", "tscale", "0.25", "-var", "nwin", "1",
                        "-var", "ncycles", str(NCYCLES), "-var", "out", str(out)],
                       capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out, r.stdout


def test_styles_and_glass(quickstart):
    out, stdout = quickstart
    # the styles LAMMPS sees (plugin list of the auto-loaded plugin)
    for s in ("compute style plugin boop/atom", "compute style plugin nonaffine/atom",
              "fix style plugin tml", "fix style plugin acoustic"):
        assert s in stdout, stdout[:3000]
    assert "AMORPH quickstart: glass of 250 atoms" in stdout
    assert (out / "glass.data").stat().st_size > 0
    # a Cu50Zr50 glass, disordered: q6 well below crystalline values, few crystalline bonds
    cols, data = read_dump(out / "final.dump")
    assert len(data) == 250 and np.all(np.isfinite(data))
    types = data[:, cols.index("type")]
    assert np.sum(types == 1) == 125 and np.sum(types == 2) == 125
    assert 0.2 < data[:, cols.index("c_bo[2]")].mean() < 0.45
    assert data[:, cols.index("c_bo[10]")].mean() < 0.7     # mean s(i,j): not crystalline
    assert "AMORPH quickstart: <q6> =" in stdout


def test_training_and_model(quickstart):
    out, _ = quickstart
    for T in TEMPS:
        rows = np.loadtxt(out / f"features_{T}K.txt", comments="#", ndmin=2)
        assert rows.shape == (250, 6), (T, rows.shape)        # label + 5 lags
        assert np.all(rows[:, 0] == T) and np.all(np.isfinite(rows))
    assert (out / "quickstart.tmlmodel").stat().st_size > 0


def test_tml_during_loading(quickstart):
    out, _ = quickstart
    lines = open(out / "loading.dump").read().split("ITEM: TIMESTEP\n")[1:]
    steps = [int(b.split("\n", 1)[0]) for b in lines]
    assert steps == [2500 * k for k in range(1, len(steps) + 1)]   # one snapshot per window
    assert len(steps) == 2 * NCYCLES                                 # 5 ps windows, 10 ps cycles
    cols, data = read_dump(out / "loading.dump")
    tml = data[:, cols.index("f_ml")]
    assert np.all(np.isfinite(tml))
    assert np.all((tml >= min(TEMPS)) & (tml <= max(TEMPS)))        # a mean of labels
    assert tml.std() > 0
    d2min = data[:, cols.index("c_na[1]")]
    assert np.all(np.isfinite(d2min)) and np.all(d2min >= 0) and d2min.mean() > 0
    res = open(out / "results.txt").read().splitlines()
    assert len([l for l in res if l and not l.startswith("#") and l.split()[0][0].isdigit()]) == len(steps)


def test_strain_oscillates_at_driving_frequency(quickstart):
    out, _ = quickstart
    s = np.loadtxt(out / "strain.txt", comments="#", ndmin=2)
    t, target, sigma, eps = s[:, 1], s[:, 2], s[:, 3], s[:, 4]
    assert np.all(np.isfinite(s))
    assert t[-1] == pytest.approx(NCYCLES / FREQ, abs=0.2)
    assert np.allclose(target, 16000 * np.sin(2 * np.pi * FREQ * t), atol=1.0)
    # FFT peak of the detrended strain series at the driving frequency
    n = len(t)
    y = eps - np.polyval(np.polyfit(t, eps, 1), t)
    spec = np.abs(np.fft.rfft(y * np.hanning(n)))
    fr = np.fft.rfftfreq(n, d=t[1] - t[0])
    fpk = fr[1 + np.argmax(spec[1:])]
    assert abs(fpk - FREQ) <= 1.0 / (t[-1] - t[0]) + 1e-9, fpk
    # least-squares amplitude: ~1.6 GPa / ~70 GPa, in phase with the stress (small lag)
    w = 2 * np.pi * FREQ
    M = np.column_stack([np.ones(n), t, np.sin(w * t), np.cos(w * t)])
    c = np.linalg.lstsq(M, eps, rcond=None)[0]
    assert 0.005 < np.hypot(c[2], c[3]) < 0.1
    assert c[2] > 0 and abs(np.arctan2(c[3], c[2])) < 0.6
    dma = np.loadtxt(out / "dma.txt", comments="#", ndmin=2)
    assert len(dma) == NCYCLES and np.all(dma[:, 14] == 1)            # valid fits


def test_plots(quickstart):
    out, stdout = quickstart
    for name in ("strain.png", "tml_distribution.png", "tml_slice.png"):
        p = out / name
        assert p.exists() and p.stat().st_size > 5000, name
        assert open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
        assert str(p) in stdout                                       # where the plots are
