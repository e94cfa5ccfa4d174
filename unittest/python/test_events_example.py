# AMORPH - LAMMPS plugin package, GPL-2.0
"""examples/events at a tiny scale: the glass, the load-hold-unload run with fix events, the run
without load and analyse.py run in the documented order; the outputs agree with each other
(events in the file = the events counted by the fix's global vector, per segment counts of
analyse.py = those of the file) and the load follows the trapezoid."""
import json
import os

import numpy as np
import pytest

import amorph.events as ev
from conftest import run_example, run_script, skip_on_2021

ROOT = os.environ["AMORPH_ROOT"]
EX = os.path.join(ROOT, "examples")
# the examples run on newer LAMMPS only (README, Supported LAMMPS versions)
pytestmark = [skip_on_2021("create_atoms overlap or LAMMPS_PLUGIN_PATH, which the examples use"),
              pytest.mark.skipif(
    not {"fix events", "fix acoustic", "compute nonaffine/atom"}
    <= set(s.strip() for s in os.environ.get("AMORPH_STYLES", "").split(",")),
    reason="needs fix events, fix acoustic and compute nonaffine/atom")]


def test_events_example_tiny(tmp_path):
    run_example(os.path.join(EX, "acoustic", "in.glass"), tmp_path, "log.glass", timeout=300,
                scale=0.2, tscale=0.0004, out="glass.data")
    tiny = dict(tscale=0.1, every=100, neq=500, thresh=0.5)
    run_example(os.path.join(EX, "events", "in.trapezoid"), tmp_path, "log.trapezoid", timeout=300,
                out="out", **tiny)
    run_example(os.path.join(EX, "events", "in.trapezoid"), tmp_path, "log.rest", timeout=300,
                out="out/rest", peak=0, **tiny)
    out = run_script(os.path.join(EX, "events", "analyse.py"),
                     ["out", "--tramp", "1", "--thold", "2", "--baseline", "out/rest"], tmp_path)
    tab = ev.read_events(tmp_path / "out" / "events.txt")
    load = np.loadtxt(tmp_path / "out" / "load.txt", comments="#", ndmin=2)
    # columns: step time target stress strain events damage recovery atoms
    assert len(load) >= 5
    assert load[:, 5].sum() == len(tab)
    assert load[:, 6].sum() == np.sum(tab["sign"] > 0)
    assert load[:, 7].sum() == np.sum(tab["sign"] < 0)
    for step, n in load[:, [0, 5]]:
        assert np.sum(tab["step"] == step) == n
    # the trapezoid: 0 at the start, the peak (-15000 bar) during the hold, 0 at the rest
    t, target = load[:, 1], load[:, 2]
    np.testing.assert_allclose(target[(t > 1.0) & (t < 3.0)], -15000.0, rtol=1e-9)
    np.testing.assert_allclose(target[t > 4.0], 0.0, atol=1e-6)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["events"] == len(tab)
    assert sum(s["n_p"] + s["n_n"] for s in summary["segments"]) == np.sum(tab["sign"] != 0)
    assert "loaded_rate_per_ps" in summary and "baseline_rate_per_ps" in summary
    assert "event rate" in out
