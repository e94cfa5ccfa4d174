# AMORPH - LAMMPS plugin package, GPL-2.0
"""examples/cycling at a tiny scale: glass, one thermal cycle with its probe, the as-cast probe,
analyse.py.  Checked: the cycle heats the glass to Tc and brings it back (the thermo
temperature), the probe shears the box by the set strain (the tilt of the dumped box), the
as-cast run skips the cycle, and the analysis reports every folder."""
import json
import os
import re

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


def temps(log):
    """Temperatures of the thermo lines (columns: step temp pe press vol)."""
    out = []
    for line in log.splitlines():
        v = line.split()
        if len(v) == 5 and v[0].isdigit():
            out.append(float(v[1]))
    return np.array(out)


def test_cycling_example_tiny(tmp_path):
    run_example(os.path.join(EX, "acoustic", "in.glass"), tmp_path, "log.glass",
                scale=0.2, tscale=0.0004, out="glass.data")
    tiny = dict(theat=1.0, tprobe=1.0, neq=200, thold=0.5)
    s_ac = run_example(os.path.join(EX, "cycling", "in.cycling"), tmp_path, "log.ac",
                       ncycles=0, out="out/ac", **tiny)
    s_c = run_example(os.path.join(EX, "cycling", "in.cycling"), tmp_path, "log.c1",
                      ncycles=1, out="out/c1", Tc=700, **tiny)
    t_ac, t_c = temps(s_ac), temps(s_c)
    assert t_ac.max() < 200                                  # no cycle: stays near 50 K
    assert t_c.max() > 500 and t_c[-1] < 150                 # heated towards 700 K, back
    for run in ("ac", "c1"):
        lines = (tmp_path / "out" / run / "probe.dump").read_text().splitlines()
        i = next(k for k, l in enumerate(lines) if l.startswith("ITEM: BOX BOUNDS xy"))
        xlo, xhi, xy = (float(v) for v in lines[i + 1].split())
        ylo, yhi, _ = (float(v) for v in lines[i + 2].split())
        ly = yhi - ylo
        assert xy == pytest.approx(0.02 * ly, rel=1e-3)
        assert re.search(r"AMORPH cycling: .* pe -[\d.]+ eV/atom", s_ac + s_c)
    run_script(os.path.join(EX, "cycling", "analyse.py"),
               ["out/ac", "out/c1", "--logs", "log.ac", "log.c1"], tmp_path)
    rows = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [x["run"] for x in rows] == ["ac", "c1"]
    for x in rows:
        assert x["log10_d2min"]["fwhm"] > 0 and "pe_before_probe_eV_per_atom" in x
        assert "tml" not in x


def test_cycling_example_with_a_model(tmp_path):
    """-var model: one T_ML window before the probe; its values reach the dump and the
    analysis (a synthetic model: the values lie in its label range, nothing more)."""
    from amorph import tml
    run_example(os.path.join(EX, "acoustic", "in.glass"), tmp_path, "log.glass",
                scale=0.2, tscale=0.0004, out="glass.data")
    lags = [0.01, 0.02, 0.05]
    rng = np.random.default_rng(3)
    y = rng.choice([300.0, 1000.0], size=400)
    X = np.log10(lags) * (1 + (y[:, None] - 300) / 1400) + rng.normal(0, 0.5, (400, 3)) - 3
    feats = tmp_path / "f.txt"
    tml.write_features(feats, tml.FeatureSet(tml.Metadata("metal", lags), y, X))
    tml.build_model([str(feats)], k=10).save(tmp_path / "m.tmlmodel")
    run_example(os.path.join(EX, "cycling", "in.cycling"), tmp_path, "log.ml",
                ncycles=0, out="out/ml", model="m.tmlmodel", win=25, tprobe=1.0, neq=200)
    out = run_script(os.path.join(EX, "cycling", "analyse.py"), ["out/ml"], tmp_path)
    row = json.loads((tmp_path / "out" / "summary.json").read_text())[0]
    assert 300.0 <= row["tml"]["mean"] <= 1000.0 and row["tml"]["fwhm"] >= 0
    assert 0.0 <= row["tml_liquid_like_fraction"] <= 1.0
    assert "T_ML mean" in out
