# AMORPH - LAMMPS plugin package, GPL-2.0
"""The README's main job, examples/quickstart, with its own physics (686 atoms, lags up to
20 ps, the paper's 7 training temperatures, 10 loading cycles at 1e11 Hz, 2 MPI ranks where
there are 2 cores; about 8 minutes on 2 cores): it prints the AMORPH styles LAMMPS sees,
builds a T_ML model whose cross-validation is measured and whose indistinguishable classes
are dropped, classifies an unloaded reference window of the glass, which must read
solid-like (mean T_ML < Tg, at most 10 % liquid-like atoms), then the loading; and writes
summary.json, text results and PNG plots."""
import json
import os
import re
import subprocess
import time

import numpy as np
import pytest

from conftest import clean_mpi_env, read_dump, skip_on_2021

# examples run on newer LAMMPS only (see README, Supported LAMMPS versions)
pytestmark = skip_on_2021("create_atoms overlap or LAMMPS_PLUGIN_PATH, which the examples use")

ROOT = os.environ["AMORPH_ROOT"]
TEMPS = [100, 700, 800, 900, 1000, 1200, 1700]
NEEDED = {"fix tml", "fix acoustic", "compute nonaffine/atom", "compute boop/atom"}
FREQ = 0.1          # 1/ps, the quickstart's default (1e11 Hz)
NCYCLES = 10
NATOMS = 686
WIN = 10000         # steps per T_ML window (20 ps)
KEYS = ("tg_K", "classes_K", "lags_ps", "cv_r2", "cv_mean_predicted_K", "reference_mean_tml_K",
        "reference_liquid_fraction", "loading_mean_tml_K", "loading_liquid_fraction",
        "strain_amplitude", "phase_lag_rad", "storage_modulus_GPa")


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    styles = os.environ.get("AMORPH_STYLES")
    if styles and not NEEDED <= {s.strip() for s in styles.split(",")}:
        pytest.skip("the quickstart needs all four AMORPH styles")
    env = clean_mpi_env()
    env["LAMMPS_PLUGIN_PATH"] = os.path.dirname(os.environ["AMORPH_PLUGIN"])
    env["PATH"] = os.path.dirname(os.environ["AMORPH_LMP"]) + os.pathsep + env["PATH"]
    env.pop("AMORPH_NP", None)          # the demo's own choice of ranks
    out = tmp_path_factory.mktemp("quickstart") / "out"
    t0 = time.time()
    r = subprocess.run(["bash", os.path.join(ROOT, "examples/quickstart/run.sh"), "-var", "out", str(out)],
                       capture_output=True, text=True, env=env, timeout=1500)
    print(f"quickstart: {time.time() - t0:.0f} s")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    with open(out / "summary.json") as fh:
        summary = json.load(fh)
    return out, r.stdout, summary


def test_styles_and_glass(quickstart):
    out, stdout, _ = quickstart
    for s in ("compute style plugin boop/atom", "compute style plugin nonaffine/atom",
              "fix style plugin tml", "fix style plugin acoustic"):
        assert s in stdout, stdout[:3000]
    assert f"AMORPH quickstart: glass of {NATOMS} atoms" in stdout
    nproc = 2 if (os.cpu_count() or 1) >= 2 else 1
    assert f"on {nproc} procs for" in stdout             # really ran on that many ranks
    cols, data = read_dump(out / "final.dump")
    assert len(data) == NATOMS and np.all(np.isfinite(data))
    types = data[:, cols.index("type")]
    assert np.sum(types == 1) == NATOMS // 2 and np.sum(types == 2) == NATOMS // 2
    assert 0.2 < data[:, cols.index("c_bo[2]")].mean() < 0.45          # q6 of a glass
    assert data[:, cols.index("c_bo[10]")].mean() < 0.7                 # mean s(i,j): not crystalline


def test_training_files(quickstart):
    out, _, summary = quickstart
    for T in TEMPS:
        rows = np.loadtxt(out / f"features_{T}K.txt", comments="#", ndmin=2)
        assert rows.shape == (2 * NATOMS, 1 + len(summary["lags_ps"])), (T, rows.shape)
        assert np.all(rows[:, 0] == T) and np.all(np.isfinite(rows))
    assert summary["lags_ps"] == [0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]


def test_model_quality_measured_and_classes_selected(quickstart):
    """The numbers of the paper's Fig. 1 from 10-fold cross-validation, printed and in
    summary.json; the classes the model cannot tell apart were dropped visibly."""
    out, stdout, s = quickstart
    assert "10-fold cross-validation, k = 50: R^2" in stdout and "confusion matrix" in stdout
    assert "indistinguishable classes (adjacent AUC < 0.8" in stdout
    assert s["classes_all_K"] == [float(t) for t in TEMPS]
    kept = s["classes_K"]
    assert kept[0] == 100.0 and kept[-1] == 1700.0 and 3 <= len(kept) <= 7
    assert sorted(set(kept) | set(s["classes_dropped_K"])) == [float(t) for t in TEMPS]
    if s["classes_dropped_K"]:
        assert "dropped (indistinguishable)" in stdout
    means = s["cv_mean_predicted_K"]
    assert len(means) == len(kept) and all(np.diff(means) > 0)          # T_ML rises with T
    assert means[0] < s["tg_K"] < means[-1]
    assert s["cv_r2"] > 0.6
    assert s["cv_fraction_liquid_like"][0] < 0.2
    conf = np.array(s["cv_confusion"])
    assert conf.shape == (len(kept), len(kept)) and conf.sum() == len(kept) * 2 * NATOMS
    # the model check of fix tml (in.loading) agrees with the kept classes
    assert "T_ML model check:" in stdout
    for k in KEYS:
        assert k in s, k


def test_reference_window_reads_solid_like(quickstart):
    """The unloaded glass at 100 K, classified with the same model: solid-like."""
    out, stdout, s = quickstart
    assert s["reference_mean_tml_K"] < s["tg_K"]
    assert s["reference_liquid_fraction"] <= 0.10
    cols, data = read_dump(out / "reference.dump")
    t = data[:, cols.index("f_ref")]
    assert len(t) == NATOMS
    assert np.mean(t) == pytest.approx(s["reference_mean_tml_K"], rel=1e-9)
    assert np.mean(t > s["tg_K"]) == pytest.approx(s["reference_liquid_fraction"], abs=1e-12)
    assert "reference window (100 K, no loading): mean T_ML" in stdout


def test_tml_during_loading(quickstart):
    out, _, s = quickstart
    lines = open(out / "loading.dump").read().split("ITEM: TIMESTEP\n")[1:]
    steps = [int(b.split("\n", 1)[0]) for b in lines]
    assert steps == [WIN * k for k in range(1, len(steps) + 1)]      # one snapshot per window
    assert len(steps) == NCYCLES * 5000 // WIN
    assert len(s["loading_mean_tml_K"]) == len(steps) == len(s["loading_liquid_fraction"])
    cols, data = read_dump(out / "loading.dump")
    tml = data[:, cols.index("f_ml")]
    assert np.all(np.isfinite(tml))
    assert np.all((tml >= min(s["classes_K"])) & (tml <= max(s["classes_K"])))   # a mean of labels
    assert tml.mean() == pytest.approx(s["loading_mean_tml_K"][-1], rel=1e-9)
    d2min = data[:, cols.index("c_na[1]")]
    assert np.all(np.isfinite(d2min)) and np.all(d2min >= 0) and d2min.mean() > 0
    res = open(out / "results.txt").read().splitlines()
    assert len([l for l in res if re.match(r"loading +\d", l)]) == len(steps)
    assert len([l for l in res if l.startswith("reference ")]) == 1


def test_strain_oscillates_at_driving_frequency(quickstart):
    out, _, summary = quickstart
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
    assert summary["strain_amplitude"] == pytest.approx(np.mean(dma[1:, 2]), rel=1e-9)
    assert 30 < summary["storage_modulus_GPa"] < 150
    assert abs(summary["phase_lag_rad"]) < 0.6


def test_plots(quickstart):
    out, stdout, _ = quickstart
    for name in ("strain.png", "tml_distribution.png", "tml_slice.png", "fig1.png"):
        p = out / name
        assert p.exists() and p.stat().st_size > 5000, name
        assert open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
        assert str(p) in stdout                                       # where the plots are
