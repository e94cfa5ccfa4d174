# AMORPH - LAMMPS plugin package, GPL-2.0
"""Event statistics of in.trapezoid (fix events under fix acoustic's load-hold-unload stress):
per segment of the load function the damage (p-type) and recovery (n-type) event counts and
their balance N_p - N_n, the event-size distribution (truncated power-law fit when there are
enough events) and the waiting times.  Writes OUT/summary.json and prints a table.

    /usr/bin/python3 analyse.py out [--tramp 10 --thold 20] [--baseline out/rest]

--baseline: the output folder of the same run without load (-var peak 0): its event rate is
the thermal false-event rate at this threshold."""
import argparse
import json
from pathlib import Path

import numpy as np

import amorph.events as ev


def rate(out: Path, dt: float) -> tuple[float, int, float]:
    """Events per ps over the whole run, their number, the run length (ps)."""
    tab = ev.read_events(out / "events.txt")
    load = np.loadtxt(out / "load.txt", comments="#", ndmin=2)
    t_end = float(load[-1, 1]) if len(load) else 0.0
    return (len(tab) / t_end if t_end > 0 else 0.0), len(tab), t_end


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out", type=Path)
    p.add_argument("--tramp", type=float, default=10.0, help="ramp = unload = rest (ps)")
    p.add_argument("--thold", type=float, default=20.0, help="hold (ps)")
    p.add_argument("--dt", type=float, default=0.002, help="time step (ps)")
    p.add_argument("--baseline", type=Path, help="output folder of the run without load")
    a = p.parse_args()

    tab = ev.read_events(a.out / "events.txt")
    t = tab["step"] * a.dt
    r, h = a.tramp, a.thold
    segments = [("load", 0.0, r), ("hold", r, r + h), ("unload", r + h, 2 * r + h),
                ("rest", 2 * r + h, 3 * r + h + 1e-9)]
    bal = ev.event_balance(t, tab["sign"], segments)
    summary = {"events": int(len(tab)), "damage": int(np.sum(tab["sign"] > 0)),
               "recovery": int(np.sum(tab["sign"] < 0)), "segments": bal}
    print(f"{len(tab)} events ({summary['damage']} damage, {summary['recovery']} recovery)")
    print(f"{'segment':8s} {'t (ps)':>13s} {'N_p':>5s} {'N_n':>5s} {'N_p-N_n':>8s} {'per ps':>7s}")
    for b in bal:
        span = b["t_end"] - b["t_start"]
        n = b["n_p"] + b["n_n"]
        print(f"{b['segment']:8s} {b['t_start']:6.1f}-{b['t_end']:6.1f} {b['n_p']:5d} {b['n_n']:5d} "
              f"{b['balance']:8d} {n / span if span > 0 else 0:7.2f}")
    if len(tab):
        summary["size_mean"] = float(np.mean(tab["size"]))
        summary["size_max"] = int(np.max(tab["size"]))
        print(f"sizes: mean {summary['size_mean']:.1f} atoms, largest {summary['size_max']}")
    # sizes in atoms are integers: the continuous fit holds above about 5 atoms
    xmin = 5
    big = tab["size"][tab["size"] >= xmin]
    if len(big) >= 30:
        fit = ev.fit_truncated_power_law(big, xmin=xmin)
        summary["size_fit"] = {"xmin": xmin, "alpha": fit.alpha, "alpha_err": fit.alpha_err,
                               "xc": fit.xc, "p_value_pure": fit.p_value}
        print(fit.summary())
    else:
        print(f"size distribution: {len(big)} events of >= {xmin} atoms, too few to fit (30)")
    steps = np.unique(tab["step"])
    if len(steps) >= 3:
        w = ev.fit_waiting_times(steps * a.dt)
        summary["waiting_tau_ps"] = w.tau
        print("between intervals with events (waits are multiples of the interval): "
              + w.summary())
    if a.baseline:
        rb, nb, tb = rate(a.baseline, a.dt)
        rl, nl, tl = rate(a.out, a.dt)
        summary["baseline_rate_per_ps"] = rb
        summary["loaded_rate_per_ps"] = rl
        print(f"event rate: {rl:.3f}/ps under load ({nl} in {tl:.0f} ps), {rb:.3f}/ps without "
              f"load ({nb} in {tb:.0f} ps): thermal false events")
    (a.out / "summary.json").write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
