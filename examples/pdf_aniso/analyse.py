#!/usr/bin/python3
# AMORPH - LAMMPS plugin package, GPL-2.0
"""Nonaffine strain ratio of the pdf/aniso example (in.pdf_aniso): the loaded glass and the
same reference frames deformed purely affinely, with block-average uncertainties, and the
paper's Fig. 1 as a PNG.

    python3 analyse.py [out]
"""
import os
import sys

import numpy as np

from amorph import analysis as an

SETS = {0: "Cu-Cu", 1: "Cu-Zr", 2: "Zr-Zr", -1: "X-ray total (Z weights)"}


def blocks(path):
    """All blocks of a `fix ave/time ... mode vector` file: (nblocks, nrows, ncols)."""
    lines = [l for l in open(path).read().splitlines() if l.strip() and not l.startswith("#")]
    out, k = [], 0
    while k < len(lines):
        n = int(lines[k].split()[1])
        out.append([[float(v) for v in l.split()[1:]] for l in lines[k + 1:k + 1 + n]])
        k += 1 + n
    return np.array(out)


def main(out):
    ref, aff, load = (blocks(os.path.join(out, f"pdf_{s}.txt")) for s in ("ref", "affine", "load"))
    box = [l.split() for l in open(os.path.join(out, "box.txt"))]
    lref = np.mean([[float(v) for v in b[1:]] for b in box if b[0] == "ref"], axis=0)
    lload = np.mean([[float(v) for v in b[1:]] for b in box if b[0] == "load"], axis=0)
    nu, eps = an.poisson_ratio(lref, lload, axis="z")
    eps_aff, nu_aff = (float(v) for v in next(b for b in box if b[0] == "affine")[1:3])
    print(f"{len(ref)} reference frames, {len(load)} loaded frames")
    print(f"loaded: axial strain {eps:.5f} (compression), Poisson ratio from the box {nu:.3f}")
    lo, hi = 6.0, float(ref[0, -1, 0])
    results = {}
    for pair, name in SETS.items():
        R = [an.pdf_aniso_columns(b, pair, affine=True) for b in ref]
        A = [an.pdf_aniso_columns(b, pair, affine=True) for b in aff]
        D = [an.pdf_aniso_columns(b, pair, affine=True) for b in load]
        r = R[0].r
        g0 = np.mean([c.g0 for c in R], axis=0)
        g2r = np.mean([c.g2 for c in R], axis=0)
        dg2 = np.mean([c.dg2 for c in R], axis=0)
        # affine: frame by frame differences (the same frames, so the glass's own g2 cancels)
        da = np.array([a.g2 - c.g2 for a, c in zip(A, R)])
        sa = da.std(axis=0, ddof=1) / np.sqrt(len(da)) + 1e-12
        fa = an.nonaffine_strain_ratio(r, g0, np.zeros_like(r), da.mean(axis=0), nu_aff,
                                       dg2=dg2, dg2_nu=nu_aff, fit_range=(lo, hi), sigma=sa)
        # loaded: independent frames; errors from the scatter of the loaded and reference means
        g2l = np.array([c.g2 for c in D])
        sl = np.sqrt(g2l.var(axis=0, ddof=1) / len(D)
                     + np.array([c.g2 for c in R]).var(axis=0, ddof=1) / len(R)) + 1e-12
        fl = an.nonaffine_strain_ratio(r, g0, g2r, g2l.mean(axis=0), nu, dg2=dg2, dg2_nu=nu_aff,
                                       fit_range=(lo, hi), sigma=sl)
        results[pair] = (r, g0, g2l.mean(axis=0) - g2r, fl)
        print(f"\n[{name}]")
        print(f"  affine  (eps = {eps_aff}): eps_inf = {fa.eps_inf:.5f} +- {fa.eps_inf_err:.5f}, "
              f"eps1 = {fa.eps1:.5f}, eps2 = {fa.eps2:.5f}, "
              f"RATIO affine = {fa.ratio:+.3f} +- {fa.ratio_err:.3f}  "
              f"(derivative formula: {fa.ratio_derivative:+.3f})")
        print(f"  loaded  (eps = {eps:.4f}): eps_inf = {fl.eps_inf:.5f} +- {fl.eps_inf_err:.5f}, "
              f"eps1 = {fl.eps1:.5f} +- {fl.eps1_err:.5f}, eps2 = {fl.eps2:.5f} +- {fl.eps2_err:.5f}, "
              f"RATIO MD = {fl.ratio:+.3f} +- {fl.ratio_err:.3f}  "
              f"(derivative formula: {fl.ratio_derivative:+.3f})")
    lo_d, hi_d = an.DUCTILITY_RANGE_ZR
    f = results[-1][3]
    if f.ratio_err > 0.5 * (hi_d - lo_d) + abs(f.ratio - 0.5 * (lo_d + hi_d)):
        verdict = "too uncertain (average longer or use a bigger glass) to be placed against"
    else:
        verdict = ("below (brittle side of)" if f.ratio < lo_d else
                   "above (ductile side of)" if f.ratio > hi_d else "inside")
    print(f"\nX-ray-like total: Delta eps_R/eps_inf = {f.ratio:.3f} +- {f.ratio_err:.3f}, "
          f"{verdict} the paper's brittle/ductile range {lo_d}-{hi_d} for Zr-based glasses "
          f"(experiment: Zr50Cu40Al10 0.177, Zr65Cu17Ni8Al10 0.26)")
    try:
        from amorph import plots
        r, g0, d, f = results[-1]
        p = plots.plot_anisotropic_pdf(r, g0, d, f, os.path.join(out, "fig1.png"),
                                       title="Cu50Zr50, X-ray-like total")
        print(f"Fig. 1: {p}")
    except ImportError as e:
        print(f"no plot ({e})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out")
