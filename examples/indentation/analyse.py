# AMORPH - LAMMPS plugin package, GPL-2.0
"""Analysis of in.indent (spherical nanoindentation of a glass slab, load-hold-unload):
Oliver-Pharr hardness and reduced modulus from the unloading curve (sphere area function),
total/elastic/plastic work, the creep of the depth during the constant-load hold
(h(t) = a t + b t^c), and the D2min of the atoms beneath the indenter at the end of the hold
against those far from it.  Writes OUT/summary.json and prints the numbers.

    /usr/bin/python3 analyse.py out --R 10"""
import argparse
import json
from pathlib import Path

import numpy as np

from amorph import indentation as ind, read_dump_frames

EV_PER_A3_TO_GPA = 160.21766


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out", type=Path)
    p.add_argument("--R", type=float, default=10.0, help="indenter radius (A)")
    a = p.parse_args()
    d = np.loadtxt(a.out / "indent.txt", comments="#", ndmin=2)
    phase, t, h, P = d[:, 0].astype(int), d[:, 1], d[:, 2], d[:, 3]
    load, hold, unload = phase == 1, phase == 2, phase == 3
    s = {}
    # unloading curve while in contact (load above 2 % of its maximum)
    un = unload & (P > 0.02 * P[unload].max())
    op = ind.oliver_pharr(h[un], P[un], area=ind.sphere_area(a.R), epsilon=0.75)
    s["oliver_pharr"] = {"hardness_GPa": op.hardness * EV_PER_A3_TO_GPA,
                         "reduced_modulus_GPa": op.reduced_modulus * EV_PER_A3_TO_GPA,
                         "stiffness_eV_per_A2": op.stiffness, "h_max_A": op.h_max,
                         "p_max_eV_per_A": op.p_max, "h_c_A": op.h_c, "m": op.m}
    print(f"Oliver-Pharr: H = {s['oliver_pharr']['hardness_GPa']:.2f} GPa, "
          f"E_r = {s['oliver_pharr']['reduced_modulus_GPa']:.1f} GPa (h_max {op.h_max:.2f} A, "
          f"P_max {op.p_max:.2f} eV/A = {op.p_max * 1.602:.2f} nN, h_c {op.h_c:.2f} A, m {op.m:.2f})")
    w = ind.indentation_work(h[load | hold], P[load | hold], h[unload], P[unload])
    s["work_eV"] = w
    print(f"work: total {w['W_total']:.1f} eV, elastic {w['W_elastic']:.1f} eV, plastic "
          f"{w['W_plastic']:.1f} eV (elastic fraction {w['elastic_fraction']:.2f})")
    th, hh, ph = t[hold] - t[hold][0], h[hold] - h[hold][0], P[hold]
    s["hold"] = {"duration_ps": float(th[-1]), "creep_depth_A": float(hh[-1]),
                 "load_mean_eV_per_A": float(np.mean(ph)), "load_sd_eV_per_A": float(np.std(ph))}
    print(f"hold: {th[-1]:.1f} ps at P = {np.mean(ph):.2f} +- {np.std(ph):.2f} eV/A, "
          f"creep {hh[-1]:.3f} A")
    if len(th) >= 6 and np.ptp(hh) > 0:
        try:
            c = ind.fit_creep_power(th[1:], hh[1:])
            s["hold"]["creep_fit"] = {"a": c.a, "b": c.b, "c": c.c, "r2": c.r2}
            if c.c > 0.99:    # a t and b t^c coincide: only their sum, a linear rate, is defined
                rate = float(np.polyfit(th, hh, 1)[0])
                s["hold"]["creep_fit"] = {"linear_rate_A_per_ps": rate}
                print(f"  the creep is linear in t (c -> 1): {rate:.4g} A/ps")
            else:
                print(f"  h(t) = a t + b t^c: a = {c.a:.4g} A/ps, b = {c.b:.4g}, c = {c.c:.3f}, "
                      f"R^2 = {c.r2:.3f}")
        except RuntimeError as e:
            print(f"  creep fit did not converge: {e}")
    _, _, cols, atoms = read_dump_frames(a.out / "hold.dump")[-1]
    x, y, z = (atoms[:, cols.index(k)] for k in "xyz")
    d2 = atoms[:, cols.index("c_na[1]")]
    xc, yc = 0.5 * (x.min() + x.max()), 0.5 * (y.min() + y.max())
    r = np.hypot(x - xc, y - yc)
    ztop = np.percentile(z, 99.5)
    beneath = (r < a.R) & (z > ztop - 2 * a.R)
    far = r > 0.45 * min(np.ptp(x), np.ptp(y))
    s["d2min"] = {"beneath_mean_A2": float(d2[beneath].mean()), "far_mean_A2": float(d2[far].mean()),
                  "n_beneath": int(beneath.sum()), "n_far": int(far.sum())}
    print(f"D2min since the start of the loading: {d2[beneath].mean():.3f} A^2 beneath the "
          f"indenter ({beneath.sum()} atoms), {d2[far].mean():.3f} A^2 far from it ({far.sum()} atoms)")
    (a.out / "summary.json").write_text(json.dumps(s, indent=1))


if __name__ == "__main__":
    main()
