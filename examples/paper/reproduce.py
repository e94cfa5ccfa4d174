# AMORPH - LAMMPS plugin package, GPL-2.0
"""Analysis of the reduced-size reproduction of the T_ML paper (reproduce.sh runs it at the end).

Reads the outputs of in.glass, in.train, the model building, in.creep (2.2, 2.3 GPa) and
in.acoustic (two frequencies) in OUT and writes OUT/report/: small PNG figures, results.json
and table.rst (quantity | paper | AMORPH | agrees?), the table of doc/src/Reproduction.rst.

  /usr/bin/python3 reproduce.py OUT [--size small] [--freqs 0.02 0.1] [--publish DIR]

Conventions: T_ML windows start every `every` steps and last one longest lag L; a dump
snapshot at step S holds the latest window completed at or before S, i.e. the one that started
at floor((S - L) / every) * every (small size: the snapshot at t holds [t - 120, t - 20] ps).
D2min, von Mises strain and rotation at S are over the `every` steps before S.  Liquid-like
atoms: T_ML > 685 K (the paper's Tg).  The figures and rows name windows by their time span.
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from amorph import read_dump_frames  # noqa: E402
from amorph.analysis import (bimodality, correlation, extreme_atoms, glass_transition,  # noqa: E402
                             neighbor_lists, steinhardt_qlm)

TG_PAPER = 685.0
DPI = 80
DT = 0.002            # ps per step (in.creep, in.acoustic)
ICO = (0.66332, -0.16975)   # (q6, w-hat6) of the perfect icosahedron
CUTOFF = 3.6          # neighbour cutoff of compute boop/atom and nonaffine/atom in the inputs


def read_dump(path):
    """All snapshots of a text dump: list of (step, columns, data sorted by id)."""
    return [(st, c, d) for st, _, c, d in read_dump_frames(path)]


def tml_frames(path):
    """Snapshots with a completed T_ML window (T_ML > 0 for all atoms), time in ps."""
    return [(st * DT, c, d) for st, c, d in read_dump(path) if np.all(d[:, c.index("f_ml")] > 0)]


def window_start(t, every_ps, lag_ps):
    """Start (ps) of the T_ML window held by a snapshot at t: the latest one completed by t."""
    return float(np.floor((t - lag_ps) / every_ps + 1e-9) * every_ps)


def fhz(f):
    """Loading frequency given in 1/ps as text, e.g. 0.02 -> '2e10 Hz'."""
    m, e = f"{float(f) * 1e12:.3e}".split("e")
    return f"{float(m):g}e{int(e)} Hz"


def mean_sd(x):
    x = np.asarray(x, float)
    return (float(x.mean()), float(x.std(ddof=1))) if len(x) > 1 else (float(np.mean(x)) if len(x) else float("nan"),
                                                                         float("nan"))


def trend(t, y, per=100.0):
    """Least-squares slope of y(t) per `per` time units and its standard error (NaN if < 3 points)."""
    t, y = np.asarray(t, float), np.asarray(y, float)
    if len(t) < 3 or np.ptp(t) == 0:
        return float("nan"), float("nan")
    from scipy import stats
    r = stats.linregress(t, y)
    return float(r.slope * per), float(r.stderr * per)


def ratio_se(late, early):
    """mean(late)/mean(early) with the standard error from the scatter of the two groups."""
    late, early = np.asarray(late, float), np.asarray(early, float)
    if len(late) < 2 or len(early) < 2:
        return float(np.mean(late) / np.mean(early)), float("nan")
    r = late.mean() / early.mean()
    se = r * np.sqrt(late.var(ddof=1) / len(late) / late.mean() ** 2 + early.var(ddof=1) / len(early) / early.mean() ** 2)
    return float(r), float(se)


def spearman(x, y):
    from scipy import stats
    if len(x) < 3:
        return float("nan"), float("nan")
    r = stats.spearmanr(x, y)
    return float(r.statistic if hasattr(r, "statistic") else r[0]), float(r.pvalue if hasattr(r, "pvalue") else r[1])


def _w3j_666(m1, m2):
    """Wigner 3j symbol (6 6 6; m1 m2 -m1-m2), Racah formula."""
    from math import factorial as f, sqrt
    j = 6
    m3 = -m1 - m2
    pre = (-1) ** (-m3) * sqrt(f(j) ** 3 / f(3 * j + 1) * f(j + m1) * f(j - m1) * f(j + m2) * f(j - m2)
                               * f(j + m3) * f(j - m3))
    tot = 0.0
    for k in range(3 * j + 1):
        a = (k, j - k, j - m1 - k, j + m2 - k, m1 + k, -m2 + k)
        if min(a) >= 0:
            tot += (-1) ** k / float(np.prod([f(v) for v in a]))
    return pre * tot


def q6_w6(positions, box, cutoff=CUTOFF):
    """Plain q6 and normalised w-hat6 of every atom (neighbours within cutoff), as columns q6 and
    w-hat6 of compute boop/atom (reproduce.py checks the agreement on the final dump)."""
    nb = neighbor_lists(positions, box, cutoff)
    q = steinhardt_qlm(positions, box, nb, l=6)
    s2 = np.sum(np.abs(q) ** 2, axis=1)
    q6 = np.sqrt(4 * np.pi / 13 * s2)
    w = np.zeros(len(q), complex)
    for m1 in range(-6, 7):
        for m2 in range(-6, 7):
            if abs(m1 + m2) <= 6:
                w += _w3j_666(m1, m2) * q[:, m1 + 6] * q[:, m2 + 6] * q[:, -m1 - m2 + 6]
    w6 = np.where(q6 > 1e-6, w.real / np.where(s2 > 0, s2, 1.0) ** 1.5, 0.0)
    return q6, w6


def d2min(x0, b0, x1, b1, cutoff=CUTOFF):
    """Falk-Langer D2min of every atom between two snapshots (unwrapped positions, boxes as
    [[lo, hi]] * 3), neighbours within cutoff in the reference: the definition of compute
    nonaffine/atom (reproduce.py checks the agreement on one snapshot)."""
    from scipy.spatial import cKDTree
    L0, L1 = b0[:, 1] - b0[:, 0], b1[:, 1] - b1[:, 0]
    y = np.mod(x0 - b0[:, 0], L0)
    y[y >= L0] = 0.0
    pr = cKDTree(y, boxsize=L0).query_pairs(cutoff, output_type="ndarray")
    i = np.concatenate([pr[:, 0], pr[:, 1]])
    j = np.concatenate([pr[:, 1], pr[:, 0]])
    raw = x0[j] - x0[i]
    n = np.round(raw / L0)
    r0 = raw - n * L0
    r1 = x1[j] - x1[i] - n * L1
    N = len(x0)
    V = np.zeros((N, 3, 3))
    W = np.zeros((N, 3, 3))
    np.add.at(V, i, r0[:, :, None] * r0[:, None, :])
    np.add.at(W, i, r1[:, :, None] * r0[:, None, :])
    ok = np.abs(np.linalg.det(V)) > 1e-12 * (np.trace(V, axis1=1, axis2=2) / 3) ** 3
    F = np.zeros((N, 3, 3))
    F[ok] = W[ok] @ np.linalg.inv(V[ok])
    res = r1 - np.einsum("nab,nb->na", F[i], r0)
    out = np.bincount(i, weights=np.sum(res * res, axis=1), minlength=N)
    out[~ok] = 0.0
    return out


def xyz(c, d):
    return d[:, [c.index("xu"), c.index("yu"), c.index("zu")]]


def strain_bursts(t, eps, t_from, block=10.0, jump=0.15):
    """Discrete creep bursts: 10 ps block means of the compressive strain (%) after t_from; a
    burst is a rise of more than `jump` (%) between the blocks before and after a block
    (the blocks on both sides of one block).  Returns (block centres, block means, bursts),
    bursts as dicts t_ps (centre of the block of the largest rise), span_ps (that block),
    before, after (the block means on both sides)."""
    edges = np.arange(t_from, t[-1] + 1e-9, block)
    if len(edges) < 4:
        return [], [], []
    tc = 0.5 * (edges[1:] + edges[:-1])
    B = np.array([eps[(t >= a) & (t < a + block)].mean() for a in edges[:-1]])
    rise = B[2:] - B[:-2]                   # across block k+1 (centre tc[k+1])
    hits = np.where(rise > jump)[0]
    bursts = []
    for k in hits:
        if bursts and k - bursts[-1]["k"] <= 2:
            if rise[k] > bursts[-1]["rise"]:
                bursts[-1].update(k=int(k), rise=float(rise[k]))
            bursts[-1]["after"] = float(B[k + 2])
            continue
        bursts.append({"k": int(k), "rise": float(rise[k]), "before": float(B[k]), "after": float(B[k + 2])})
    for b in bursts:
        b["t_ps"] = float(tc[b["k"] + 1])
        b["span_ps"] = [float(tc[b["k"] + 1] - 0.5 * block), float(tc[b["k"] + 1] + 0.5 * block)]
        del b["k"], b["rise"]
    return tc.tolist(), B.tolist(), bursts


def verdict(ok, partly=False):
    return "yes" if ok else ("partly" if partly else "no")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--size", default="small")
    ap.add_argument("--freqs", nargs="+", default=["0.02", "0.1"])
    ap.add_argument("--minutes", type=float, default=float("nan"))
    ap.add_argument("--cores", type=int, default=0)
    ap.add_argument("--publish", help="copy the figures and table.rst to this folder")
    a = ap.parse_args(argv)
    out = a.out
    rep = os.path.join(out, "report")
    os.makedirs(rep, exist_ok=True)
    res = {"size": a.size, "minutes": a.minutes, "cores": a.cores}
    rows = []

    # ---------------------------------------------------------------- Tg from V(T)
    vt = np.loadtxt(os.path.join(out, "quench_vt.txt"), comments="#", ndmin=2)
    T, V = vt[:, 1], vt[:, 2]
    natoms = read_dump_count(os.path.join(out, "glass.data"))
    tg, s_lo, s_hi, rms = glass_transition(T, V, tmin=300.0, tmax=1500.0)
    # uncertainty: the same hinge fit over other search ranges for the kink
    tgs = []
    for lo in (200.0, 300.0, 400.0, 500.0):
        for hi in (1300.0, 1500.0, 1700.0):
            try:
                tgs.append(glass_transition(T, V, tmin=lo, tmax=hi)[0])
            except ValueError:
                pass
    tg_lo, tg_hi = (min(tgs), max(tgs)) if tgs else (tg, tg)
    res.update(natoms=natoms, tg_K=tg, tg_range_K=[tg_lo, tg_hi], alpha_glass=s_lo, alpha_liquid=s_hi)
    fig, ax = plt.subplots(figsize=(4.2, 3.0))
    ax.plot(T, V, ".", ms=2, color="0.5")
    for lo, hi, s in ((T.min(), tg, s_lo), (tg, T.max(), s_hi)):
        x = np.array([lo, hi])
        ax.plot(x, np.interp(tg, T[::-1], V[::-1]) + s * (x - tg), "C3-", lw=1)
    ax.axvline(tg, color="C3", ls="--", lw=0.8)
    ax.set_xlabel("T (K)")
    ax.set_ylabel("volume per atom (Å$^3$)")
    ax.set_title(f"quench: Tg = {tg:.0f} K", fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(rep, "repro_vt.png"), dpi=DPI)
    plt.close(fig)
    rows.append(("Tg from V(T)", "685 K (50,000 atoms, 1e11 K/s)",
                 f"{tg:.0f} K ({tg_lo:.0f}-{tg_hi:.0f} K: hinge fits with the kink searched in "
                 f"200-500 K → 1300-1700 K)",
                 verdict(abs(tg - TG_PAPER) < 0.1 * TG_PAPER, abs(tg - TG_PAPER) < 0.25 * TG_PAPER)))

    # ---------------------------------------------------------------- Fig. 1
    with open(os.path.join(out, "fig1_all.json")) as fh:
        all7 = json.load(fh)
    with open(os.path.join(out, "model.json")) as fh:
        model = json.load(fh)
    res["fig1_all"] = {k: all7[k] for k in ("classes", "cv_r2", "cv_mean_predicted", "cv_fraction_above_threshold")}
    res["model"] = {k: model.get(k) for k in ("classes", "classes_dropped", "cv_r2", "cv_mean_predicted",
                                              "cv_fraction_above_threshold", "lags")}
    fig, ax = plt.subplots(figsize=(4.2, 3.2))
    c7 = np.array(all7["classes"])
    ax.errorbar(c7, all7["cv_mean_predicted"], yerr=all7["cv_std_predicted"], fmt="o", ms=4, capsize=2,
                label=f"7 classes, R$^2$ = {all7['cv_r2']:.2f}")
    ck = np.array(model["classes"])
    ax.errorbar(ck + 15, model["cv_mean_predicted"], yerr=model["cv_std_predicted"], fmt="s", ms=4,
                capsize=2, label=f"kept {', '.join(f'{c:g}' for c in ck)}: R$^2$ = {model['cv_r2']:.2f}")
    ax.plot([100, 1700], [100, 1700], "k--", lw=0.8)
    ax.axhline(TG_PAPER, color="0.6", lw=0.6, ls=":")
    ax.set_xlabel("actual T (K)")
    ax.set_ylabel("predicted T$_{ML}$ (K)")
    ax.legend(fontsize=6.5, loc="upper left")
    fig.tight_layout()
    fig.savefig(os.path.join(rep, "repro_fig1.png"), dpi=DPI)
    plt.close(fig)
    m7 = dict(zip(all7["classes"], all7["cv_mean_predicted"]))
    lin = np.polyfit(c7, all7["cv_mean_predicted"], 1)
    res["fig1_all"]["slope"] = float(lin[0])
    rows.append(("Fig. 1: predicted vs actual T, 7 classes (10-fold CV)",
                 "close to linear; 100 K overestimated, 700 and 1700 K underestimated",
                 f"R² = {all7['cv_r2']:.2f}, slope {lin[0]:.2f}; 100 K → {m7[100.0]:.0f} K, 700 K → "
                 f"{m7[700.0]:.0f} K, 1700 K → {m7[1700.0]:.0f} K",
                 verdict(all7["cv_r2"] > 0.8 and m7[100.0] > 100 and m7[1700.0] < 1700,
                         m7[100.0] > 100 and m7[1700.0] < 1700 and lin[0] > 0.5)))
    adj = (all7.get("check") or {}).get("adjacent_auc") or []
    groups = (model.get("groups") or [[]])[0]
    gtxt = ", ".join("{" + ", ".join(f"{c:g}" for c in g) + "}" for g in groups if len(g) > 1)
    res["fig1_all"]["adjacent_auc"] = adj
    rows.append(("classes kept (--auto-classes: classes whose cross-validated T_ML overlap, adjacent AUC "
                 "< 0.8, merged, average linkage)",
                 "100, 700, 800, 900, 1000, 1200, 1700 K, chosen from candidates 100-1700 K by agglomerative "
                 "hierarchical clustering",
                 ", ".join(f"{c:g}" for c in model["classes"]) + " K (dropped "
                 + ", ".join(f"{c:g}" for c in model.get("classes_dropped", [])) + "; merged "
                 + (gtxt or "none") + (f"; adjacent AUCs of the 7 classes {', '.join(f'{x:.2f}' for x in adj)}"
                                       if adj else "") + f"); R² = {model['cv_r2']:.2f}",
                 verdict(len(model["classes"]) == 7, len(model["classes"]) >= 3)))

    # ---------------------------------------------------------------- creep
    lag_ps = float(max(model.get("lags") or [0.0]))
    creep = {}
    for h in ("22000", "23000"):
        allfr = read_dump_frames_cache(out, h)
        every_ps = (allfr[1][0] - allfr[0][0]) * DT if len(allfr) > 1 else float("nan")
        snaps = {round(st * DT, 6): (bx, c, d) for st, bx, c, d in allfr}
        fr = tml_frames(os.path.join(out, f"creep_{h}.dump"))
        s = np.loadtxt(os.path.join(out, f"creep_{h}_strain.txt"), comments="#", ndmin=2)
        t_s, eps = s[:, 1], -s[:, 4] * 100           # compressive strain, %
        reached = np.nonzero(np.abs(s[:, 2]) >= int(h) - 1e-6)[0]
        t_ramp = float(t_s[reached[0]]) if len(reached) else None
        last = eps[t_s >= t_s[-1] - 20.0]
        cr = {"t_ramp_ps": t_ramp, "strain_last20_mean": float(last.mean()), "strain_last20_sd": float(last.std()),
              "final_strain_sample": float(eps[-1])}
        bt, bm, bursts = [], [], []
        if t_ramp is not None and t_s[-1] - t_ramp > 60.0:
            first = eps[(t_s >= t_ramp) & (t_s < t_ramp + 20.0)]
            cr["strain_hold_first20_mean"] = float(first.mean())
            cr["creep_strain_hold"] = float(last.mean() - first.mean())
            bt, bm, bursts = strain_bursts(t_s, eps, t_ramp)
        cr["bursts"] = bursts
        w = []
        for t, c, d in fr:
            x = d[:, c.index("f_ml")]
            b = bimodality(x)
            t0 = window_start(t, every_ps, lag_ps)
            w.append({"t_ps": t, "window_ps": [t0, t0 + lag_ps], "mean": float(x.mean()),
                      "la_fraction": float(np.mean(x > TG_PAPER)), "skew": float(stats_skew(x)),
                      "delta_bic": b["delta_bic"], "maxima": b["maxima"], "means": b["means"],
                      "weights": b["weights"],
                      "burst": any(q["span_ps"][0] < t0 + lag_ps and q["span_ps"][1] > t0 for q in bursts),
                      "rho_d2min": correlation(x, d[:, c.index("c_na[1]")]),
                      "rho_mises": correlation(x, d[:, c.index("c_na[2]")]),
                      "rho_rotation": correlation(x, d[:, c.index("c_na[4]")])})
            # rho(T_ML, D2min) along the lag from the window start (Fig. 5 of the paper):
            # D2min between the snapshot at the window start and later snapshots
            w[-1]["rho_d2min_lag"] = {}
            k0 = snaps.get(round(t0, 6))
            nlag = int(np.ceil(lag_ps / every_ps - 1e-9)) if np.isfinite(every_ps) and every_ps > 0 else 0
            for m in range(1, nlag + 1):
                k1 = snaps.get(round(t0 + m * every_ps, 6))
                if k0 is None or k1 is None or t0 + m * every_ps > t + 1e-6:
                    continue
                try:
                    dd = d2min(xyz(k0[1], k0[2]), k0[0], xyz(k1[1], k1[2]), k1[0])
                    w[-1]["rho_d2min_lag"][f"{m * every_ps:g}"] = correlation(x, dd)
                except (ValueError, np.linalg.LinAlgError):
                    pass
        allx = np.concatenate([d[:, c.index("f_ml")] for _, c, d in fr])
        cr.update(windows=w, pooled=bimodality(allx), pooled_skew=float(stats_skew(allx)), every_ps=every_ps,
                  lag_ps=lag_ps)
        creep[h] = dict(cr, strain_t=t_s, strain=eps, blocks_t=bt, blocks=bm, frames=fr)
    # check of the Python D2min against compute nonaffine/atom on one snapshot pair
    fa = read_dump_frames_cache(out, "23000")
    if len(fa) > 2:
        try:
            (_, b0, c0, d0), (_, b1, c1, d1) = fa[-3], fa[-2]
            res["check_d2min_max_abs_diff"] = float(np.max(np.abs(
                d2min(xyz(c0, d0), b0, xyz(c1, d1), b1) - d1[:, c1.index("c_na[1]")])))
        except (ValueError, np.linalg.LinAlgError):
            pass
    res["creep"] = {h: {k: v for k, v in d.items() if k not in ("frames", "strain_t", "strain", "blocks_t", "blocks")}
                    for h, d in creep.items()}
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.0))
    bins = np.linspace(0, 1750, 36)
    for ax, h in zip(axes[:2], ("22000", "23000")):
        cm = plt.get_cmap("viridis")
        fr = creep[h]["frames"]
        ws = creep[h]["windows"]
        for k, (t, c, d) in enumerate(fr):
            hh, e = np.histogram(d[:, c.index("f_ml")], bins=bins, density=True)
            w0, w1 = ws[k]["window_ps"]
            ax.plot(0.5 * (e[1:] + e[:-1]), hh, color=cm(k / max(1, len(fr) - 1)), lw=1,
                    label=f"window {w0:.0f}-{w1:.0f} ps" if k in (0, len(fr) - 1) else None)
        ax.axvline(TG_PAPER, color="k", ls="--", lw=0.7)
        ax.set_xlabel("T$_{ML}$ (K)")
        ax.set_title(f"creep {int(h) / 1e4:.1f} GPa, T$_{{ML}}$ windows", fontsize=9)
        ax.legend(fontsize=7)
    axes[0].set_ylabel("density (1/K)")
    for k, h in enumerate(("22000", "23000")):
        axes[2].plot(creep[h]["strain_t"], creep[h]["strain"], lw=0.4, color=f"C{k}", alpha=0.45)
        if creep[h]["blocks"]:
            axes[2].plot(creep[h]["blocks_t"], creep[h]["blocks"], "-", lw=1.4, color=f"C{k}",
                         label=f"{int(h) / 1e4:.1f} GPa (10 ps means)")
        else:
            axes[2].plot([], [], color=f"C{k}", label=f"{int(h) / 1e4:.1f} GPa")
        for q in creep[h]["bursts"]:
            axes[2].annotate("burst", (q["t_ps"], q["after"]), xytext=(0, 8), textcoords="offset points",
                             fontsize=6, ha="center", color=f"C{k}")
    axes[2].set_xlabel("time (ps)")
    axes[2].set_ylabel("compressive strain (%)\n(reference: glass at P$_{zz}$ = -0.36 GPa)", fontsize=7)
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(rep, "repro_creep.png"), dpi=DPI)
    plt.close(fig)
    p22 = creep["22000"]["pooled"]
    w22 = creep["22000"]["windows"]
    nbim = sum(1 for x in w22 if x["delta_bic"] > 10)
    nmax1 = sum(1 for x in w22 if len(x["maxima"]) == 1)
    low_ok = bool(p22["maxima"]) and abs(p22["maxima"][0] - 270) < 100
    two = len(p22["maxima"]) >= 2 and abs(p22["maxima"][-1] - 790) < 150
    means22 = ", ".join(f"{x['mean']:.0f}" for x in w22)
    m22 = np.array([x["mean"] for x in w22])
    settles = len(m22) >= 5 and m22[0] > m22[3:].max() + 2 * m22[3:].std() and np.ptp(m22[3:]) < 0.15 * m22[3:].mean()
    rows.append(("creep 2.2 GPa: T_ML distribution",
                 "two maxima, ~270 K and ~790 K; the high-T_ML maximum slightly diminishes and then stabilizes",
                 f"one maximum in {nmax1}/{len(w22)} windows, pooled at "
                 f"{', '.join(f'{m:.0f}' for m in p22['maxima'])} K; skewed, non-Gaussian (skewness "
                 f"{creep['22000']['pooled_skew']:.2f} pooled; two Gaussians beat one, ΔBIC > 10, in {nbim}/{len(w22)} "
                 f"windows, as for any skewed unimodal sample; their means {p22['means'][0]:.0f} and "
                 f"{p22['means'][1]:.0f} K{' form no second maximum' if len(p22['maxima']) < 2 else ''}); mean "
                 f"T_ML per window {means22} K" + (": falls while the ramp and primary creep leave the window, then "
                                                   "flat, as the paper's 'diminishes and then stabilizes'"
                                                   if settles else "")
                 + f" → low maximum {'agrees' if low_ok else 'differs'}, second maximum "
                 f"{'present' if two else 'absent'}",
                 verdict(low_ok and two, low_ok)))
    w23 = creep["23000"]["windows"]
    c22, c23 = creep["22000"], creep["23000"]
    hold_txt = ""
    if "creep_strain_hold" in c23 and "creep_strain_hold" in c22:
        hold_txt = (f"creep strain accumulated during the hold (last 20 ps minus first 20 ps at σ_h) "
                    f"{c23['creep_strain_hold']:.2f} % (2.2 GPa: {c22['creep_strain_hold']:.2f} %); ")
    bur = "; ".join(f"{q['before']:.2f} → {q['after']:.2f} % at ~{q['t_ps']:.0f} ps" for q in c23["bursts"])
    inb = [x["la_fraction"] for x in w23[1:] if x["burst"]]
    outb = [x["la_fraction"] for x in w23[1:] if not x["burst"]]
    la_txt = ""
    if inb and outb:
        la_txt = (f"; liquid-like fraction {min(inb):.3f}-{max(inb):.3f} in the windows containing a burst, "
                  f"{min(outb):.3f}-{max(outb):.3f} in the others (first window, with the ramp: "
                  f"{w23[0]['la_fraction']:.3f})")
    rows.append(("creep 2.3 GPa: shift after yield", "low-T_ML maximum vanishes, distribution shifts to "
                 "high T_ML after yield (t > 100 ps)",
                 f"no yield within the hold: {len(c23['bursts'])} discrete strain burst(s)"
                 f"{' (' + bur + ', 10 ps means)' if bur else ''}; {hold_txt}compressive strain over the last 20 ps "
                 f"{c23['strain_last20_mean']:.2f} ± {c23['strain_last20_sd']:.2f} % (2.2 GPa: "
                 f"{c22['strain_last20_mean']:.2f} ± {c22['strain_last20_sd']:.2f} %; both total strains, elastic "
                 f"part and reference offset included); mean T_ML {w23[0]['mean']:.0f} → {w23[-1]['mean']:.0f} K "
                 f"(windows {w23[0]['window_ps'][0]:.0f}-{w23[0]['window_ps'][1]:.0f} → "
                 f"{w23[-1]['window_ps'][0]:.0f}-{w23[-1]['window_ps'][1]:.0f} ps){la_txt}"
                 + (" → no shift, but more liquid-like atoms in the windows where the glass deforms plastically"
                    if inb and outb and min(inb) > max(outb) else ""),
                 verdict(w23[-1]["mean"] > w23[0]["mean"] + 100 and w23[-1]["mean"] > w22[-1]["mean"],
                         w23[-1]["mean"] > w22[-1]["mean"])))

    # ---------------------------------------------------------------- acoustic
    have = [f for f in a.freqs if os.path.exists(os.path.join(out, f"acoustic_{f}_final.dump"))]
    if len(have) < len(a.freqs):
        res["acoustic"] = None
        for q, p in ((f"acoustic: strain amplitude at {fhz(a.freqs[0])}", "constant (Fig. 4a)"),
                     (f"acoustic: strain amplitude at {fhz(a.freqs[-1])}", "grows after ~300 ps"),
                     ("acoustic: E', tan δ", "not given"),
                     ("acoustic: liquid-like fraction (windows 2…n)", "rises during the loading")):
            rows.append((q, p, "not run to completion in the session that made this table: run "
                         "reproduce.sh (or in.acoustic) for it", "–"))
    else:
        ac = {}
        for f in a.freqs:
            dma = np.loadtxt(os.path.join(out, f"acoustic_{f}_dma.txt"), comments="#", ndmin=2)
            s = np.loadtxt(os.path.join(out, f"acoustic_{f}_strain.txt"), comments="#", ndmin=2)
            per = 1.0 / float(f)
            ok = dma[dma[:, 14] == 1]
            cyc = ok[:, 0]
            tc = (cyc + 0.5) * per                     # cycle midpoints, placed by the cycle column
            e0 = ok[:, 2] * 100
            use = cyc >= 1                             # cycle 0 holds the start-up transient
            if use.sum() < 2:
                use = np.ones(len(cyc), bool)
            eu, tu = e0[use], tc[use]
            n3 = max(len(eu) // 4, min(3, len(eu) // 2), 1)   # first/last quarter, at least 3 cycles
            g, g_se = ratio_se(eu[-n3:], eu[:n3])
            tr, tr_se = trend(tu, eu / eu.mean() * 100)     # % of the mean amplitude per 100 ps
            Es, tand = ok[use, 5] / 1e4, ok[use, 7]
            fr = tml_frames(os.path.join(out, f"acoustic_{f}.dump"))
            allfr = read_dump(os.path.join(out, f"acoustic_{f}.dump"))
            every_ps = (allfr[1][0] - allfr[0][0]) * DT if len(allfr) > 1 else float("nan")
            laf = [float(np.mean(d[:, c.index("f_ml")] > TG_PAPER)) for _, c, d in fr]
            tw = [window_start(t, every_ps, lag_ps) for t, _, _ in fr]
            la_m, la_sd = mean_sd(laf[1:])
            la_tr, la_tr_se = trend(np.array(tw[1:]) + 0.5 * lag_ps, laf[1:])
            ac[f] = {"cycles": int(len(ok)), "cycle": cyc.astype(int).tolist(), "eps0_percent": e0.tolist(),
                     "eps0_sd_percent": float(eu.std(ddof=1)) if len(eu) > 1 else float("nan"),
                     "t_end_ps": float(s[-1, 1]), "n_early_late": n3,
                     "growth": g, "growth_se": g_se, "trend_percent_per_100ps": tr, "trend_se": tr_se,
                     "E_storage_GPa": float(Es.mean()), "E_storage_se": float(Es.std(ddof=1) / np.sqrt(len(Es)))
                     if len(Es) > 1 else float("nan"),
                     "tan_delta": float(tand.mean()), "tan_delta_se": float(tand.std(ddof=1) / np.sqrt(len(tand)))
                     if len(tand) > 1 else float("nan"),
                     "mean_strain_percent": float(s[:, 4].mean() * 100),
                     "t": s[:, 1].tolist(), "strain": s[:, 4].tolist(), "tc": tc.tolist(),
                     "la_fraction": laf, "tml_t": [t for t, _, _ in fr], "window_start_ps": tw,
                     "la_mean_2n": la_m, "la_sd_2n": la_sd, "la_trend_per_100ps": la_tr, "la_trend_se": la_tr_se}
        res["acoustic"] = {f: {k: v for k, v in d.items() if k not in ("t", "strain", "tc")} for f, d in ac.items()}
        fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.0))
        allm = []
        for k, f in enumerate(a.freqs):
            axes[0].plot(ac[f]["t"], np.array(ac[f]["strain"]) * 100, lw=0.6, label=fhz(f))
            e0 = np.array(ac[f]["eps0_percent"])
            axes[1].plot(ac[f]["tc"], e0, "o-", ms=3, color=f"C{k}", label=f"{fhz(f)} (sd {ac[f]['eps0_sd_percent']:.2f} %)")
            axes[1].axhline(e0.mean(), color=f"C{k}", lw=0.6, ls=":")
            allm.append(e0.mean())
        m = float(np.mean(allm))
        axes[1].set_ylim(0.75 * m, 1.25 * m)          # ±25 %: per-cycle noise of 2-3 % stays small
        axes[1].text(0.02, 0.04, "axis ±25 % of the mean; dotted: run means", transform=axes[1].transAxes,
                     fontsize=6.5, color="0.3")
        axes[0].set_xlabel("time (ps)")
        axes[0].set_ylabel("strain (%)")
        axes[1].set_xlabel("time (ps), cycle midpoints")
        axes[1].set_ylabel("strain amplitude per cycle (%)")
        for ax in axes:
            ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(rep, "repro_acoustic.png"), dpi=DPI)
        plt.close(fig)
        flo, fhi = a.freqs[0], a.freqs[-1]

        def amp(f):
            x = ac[f]
            return (f"{fhz(f)}: late/early cycles {x['growth']:.3f} ± {x['growth_se']:.3f} (first/last "
                    f"{x['n_early_late']} of {x['cycles']} cycles, cycle 0 left out), trend "
                    f"{x['trend_percent_per_100ps']:+.1f} ± {x['trend_se']:.1f} % per 100 ps over "
                    f"{x['t_end_ps']:.0f} ps")

        def const(f):
            x = ac[f]
            if not all(np.isfinite(v) for v in (x["growth_se"], x["trend_se"])):
                return None
            return abs(x["growth"] - 1) < 2 * x["growth_se"] and abs(x["trend_percent_per_100ps"]) < 2 * x["trend_se"]
        cl = const(flo)
        rows.append((f"acoustic: strain amplitude at {fhz(flo)}", "constant (Fig. 4a)",
                     amp(flo) + {True: " → constant within 2 standard errors", False: " → not constant",
                                 None: " → too few cycles"}[cl], "–" if cl is None else verdict(cl)))
        grows = np.isfinite(ac[fhi]["trend_se"]) and ac[fhi]["trend_percent_per_100ps"] > 2 * ac[fhi]["trend_se"]
        long_enough = ac[fhi]["t_end_ps"] >= 600.0
        rows.append((f"acoustic: strain amplitude at {fhz(fhi)}",
                     "constant in the first ~300 ps (viscoelastic), then grows (300-800 ps), then climbs steeply",
                     amp(fhi) + (" → grows" if grows else " → constant" if np.isfinite(ac[fhi]["trend_se"]) else "") +
                     ("" if long_enough else f"; the run ends at {ac[fhi]['t_end_ps']:.0f} ps, where the paper's growth "
                      "has barely begun: growth not tested"),
                     verdict(grows) if long_enough else "–"))
        dtan = ac[fhi]["tan_delta"] - ac[flo]["tan_delta"]
        dtan_se = float(np.hypot(ac[fhi]["tan_delta_se"], ac[flo]["tan_delta_se"]))
        res["acoustic_tan_delta_difference"] = [dtan, dtan_se]
        rows.append(("acoustic: E', tan δ (mean ± standard error over cycles 1…n)", "not given",
                     "; ".join(f"{fhz(f)}: E' = {ac[f]['E_storage_GPa']:.1f} ± {ac[f]['E_storage_se']:.1f} GPa, tan δ = "
                               f"{ac[f]['tan_delta']:.3f} ± {ac[f]['tan_delta_se']:.3f}" for f in a.freqs)
                     + f"; tan δ({fhz(fhi)}) - tan δ({fhz(flo)}) = {dtan:.3f} ± {dtan_se:.3f} ({dtan / dtan_se:.1f} σ)",
                     "–"))

        def laf(f):
            x = ac[f]
            if not x["la_fraction"]:
                return f"{fhz(f)}: no completed window"
            tw = x["window_start_ps"]
            return (f"{fhz(f)}: {x['la_mean_2n']:.3f} ± {x['la_sd_2n']:.3f} (mean ± sd of windows 2…n, "
                    f"{tw[1] if len(tw) > 1 else tw[0]:.0f}-{tw[-1] + lag_ps:.0f} ps), trend "
                    f"{x['la_trend_per_100ps']:+.3f} ± {x['la_trend_se']:.3f} per 100 ps; first window "
                    f"(0-{lag_ps:.0f} ps, with the start-up relaxation) {x['la_fraction'][0]:.3f}")
        rise = np.isfinite(ac[fhi]["la_trend_se"]) and ac[fhi]["la_trend_per_100ps"] > 2 * ac[fhi]["la_trend_se"]
        rows.append(("acoustic: liquid-like fraction (windows 2…n)",
                     f"rises continuously during the {fhz(fhi)} acousto-plastic loading (Fig. 4b)",
                     "; ".join(laf(f) for f in a.freqs) + (" → rises" if rise else
                                                           f" → no rise at {fhz(fhi)} within {ac[fhi]['t_end_ps']:.0f} ps"),
                     verdict(rise)))

    # ---------------------------------------------------------------- Fig. 5: correlations
    nfl = 2.0 / np.sqrt(max(natoms, 1))            # |rho| of uncorrelated data: ~1/sqrt(N) (1 sd)
    fig, axes = plt.subplots(1, 4, figsize=(13.0, 2.9))
    for ax, key, name in zip(axes, ("rho_mises", "rho_d2min", "rho_rotation"),
                             ("von Mises strain", "D$^2_{min}$", "rotation angle")):
        for h in ("22000", "23000"):
            w = creep[h]["windows"]
            ax.plot([x["window_ps"][1] for x in w], [x[key] for x in w], "o-", ms=3, label=f"{int(h) / 1e4:.1f} GPa")
        ax.axhspan(-nfl, nfl, color="0.85", lw=0)
        ax.axhline(0, color="0.6", lw=0.6)
        ax.set_xlabel("T$_{ML}$ window end (ps)")
        ax.set_title(f"ρ(T$_{{ML}}$, {name} of the last 40 ps)", fontsize=8)
        ax.set_ylim(-0.15, 0.75)
    axes[0].legend(fontsize=7)
    axes[0].text(0.02, 0.92, "grey: ±2/√N", transform=axes[0].transAxes, fontsize=6.5, color="0.3")
    lagres = {}
    for h in ("22000", "23000"):
        lags = sorted({float(k) for x in creep[h]["windows"] for k in x["rho_d2min_lag"]})
        mm = []
        for L in lags:
            v = [x["rho_d2min_lag"][f"{L:g}"] for x in creep[h]["windows"] if f"{L:g}" in x["rho_d2min_lag"]]
            mm.append((L, *mean_sd(v), len(v)))
        lagres[h] = mm
        if mm:
            axes[3].errorbar([m[0] for m in mm], [m[1] for m in mm], yerr=[m[2] for m in mm], fmt="o-", ms=3,
                             capsize=2, label=f"{int(h) / 1e4:.1f} GPa")
    axes[3].set_xlabel("Δt from the window start (ps)")
    axes[3].set_title("ρ(T$_{ML}$, D$^2_{min}$(t$_0$, t$_0$+Δt)), mean ± sd", fontsize=8)
    axes[3].set_ylim(-0.15, 0.75)
    axes[3].axhline(0, color="0.6", lw=0.6)
    fig.tight_layout()
    fig.savefig(os.path.join(rep, "repro_rho.png"), dpi=DPI)
    plt.close(fig)
    res["fig5"] = {"noise_floor_2_over_sqrtN": nfl, "lag": {h: [{"dt_ps": m[0], "mean": m[1], "sd": m[2], "n": m[3]}
                                                            for m in mm] for h, mm in lagres.items()}}
    parts, pos, incr = [], True, []
    for h in ("22000", "23000"):
        w = creep[h]["windows"]
        t_end = [x["window_ps"][1] for x in w]
        st = {}
        for key in ("rho_d2min", "rho_mises", "rho_rotation"):
            v = [x[key] for x in w]
            st[key] = (*mean_sd(v), float(np.max(v)), t_end[int(np.argmax(v))], *spearman(t_end, v))
        res["fig5"][h] = {k: dict(zip(("mean", "sd", "max", "max_at_window_end_ps", "spearman_vs_time", "p"), v))
                          for k, v in st.items()}
        pos = pos and st["rho_d2min"][0] > nfl and st["rho_mises"][0] > nfl
        incr.append(np.isfinite(st["rho_d2min"][5]) and st["rho_d2min"][4] > 0 and st["rho_d2min"][5] < 0.05)
        lag_txt = ""
        if lagres[h]:
            lag_txt = (" along Δt " + "/".join(f"{m[0]:.0f}" for m in lagres[h]) + " ps from the window start: "
                       + " / ".join(f"{m[1]:.2f}" for m in lagres[h]) + f" (sd ≤ {max(m[2] for m in lagres[h]):.2f})")
        parts.append(f"{int(h) / 1e4:.1f} GPa: D2min {st['rho_d2min'][0]:.3f} ± {st['rho_d2min'][1]:.3f} (max "
                     f"{st['rho_d2min'][2]:.2f}, window ending at {st['rho_d2min'][3]:.0f} ps; Spearman vs time "
                     f"{st['rho_d2min'][4]:+.2f}, p = {st['rho_d2min'][5]:.2f}), η {st['rho_mises'][0]:.3f} ± "
                     f"{st['rho_mises'][1]:.3f}, θ {st['rho_rotation'][0]:.3f} ± {st['rho_rotation'][1]:.3f};"
                     f"{lag_txt}")
    rows.append(("Fig. 5: ρ(T_ML, D2min), ρ(T_ML, η), ρ(T_ML, θ) under creep",
                 "positive; increasing with the interval Δt from the window start",
                 f"mean ± sd over the {len(creep['22000']['windows'])} windows, deformation over the last "
                 f"{creep['22000']['every_ps']:.0f} ps before each snapshot; noise floor ρ = ±{nfl:.2f} "
                 f"(2/√N, N = {natoms}): " + "; ".join(parts)
                 + (" → positive (D2min, η)" if pos else " → not clearly positive")
                 + (", increasing with time" if all(incr) else ", no trend with time"),
                 verdict(pos and all(incr), pos)))

    # ---------------------------------------------------------------- Fig. 6: q6 - w-hat6
    final23 = os.path.join(out, "creep_23000_final.dump")
    if not os.path.exists(final23):
        res["boo"] = None
        rows.append(("Fig. 6: most LAs vs most SAs in the q6-ŵ6 plane",
                     "LAs away from the icosahedral corner, SAs favour icosahedra",
                     "not run to completion in the session that made this table", "–"))
    else:
        _, bxf, c, d = read_dump_frames(final23)[-1]
        ico = np.array(ICO)
        boo = {}
        # the structure of the dumped end state: columns q6 (c_bo[2]) and w-hat6 (c_bo[4]) of
        # "compute boop/atom degrees 2 4 6" (two degrees, 4 and 6: q4 q6 ŵ4 ŵ6 q̄4 q̄6 ŵ̄4 ŵ̄6 ...)
        q6e, w6e = d[:, c.index("c_bo[2]")], d[:, c.index("c_bo[4]")]
        sets = {"end": (d[:, c.index("f_ml")], q6e, w6e)}
        try:
            q6p, w6p = q6_w6(xyz(c, d), bxf)
            boo["check_q6_w6_max_abs_diff"] = [float(np.max(np.abs(q6p - q6e))), float(np.max(np.abs(w6p - w6e)))]
            # the paper's choice: window starting at t = 40 ps (2.3 GPa), structure at its start
            w23 = creep["23000"]["windows"]
            k = int(np.argmin([abs(x["window_ps"][0] - 40.0) for x in w23]))
            t0 = w23[k]["window_ps"][0]
            snap = {round(st * DT, 6): (bx, cc, dd) for st, bx, cc, dd in read_dump_frames_cache(out, "23000")}
            if round(t0, 6) in snap:
                bx0, c0, d0 = snap[round(t0, 6)]
                q60, w60 = q6_w6(xyz(c0, d0), bx0)
                tk, ck, dk = creep["23000"]["frames"][k]
                sets["paper"] = (dk[:, ck.index("f_ml")], q60, w60)
                boo["paper_window_ps"] = w23[k]["window_ps"]
        except (ValueError, np.linalg.LinAlgError):
            pass
        rng = np.random.default_rng(0)
        for name, (tml, q6, w6) in sets.items():
            hi, lo = extreme_atoms(tml, 0.10)
            dist = np.hypot(q6 - ico[0], w6 - ico[1])
            n = int(hi.sum())
            perm = [np.mean(dist[p[:n]]) - np.mean(dist[p[n:2 * n]])
                    for p in (rng.permutation(len(dist)) for _ in range(2000))] if n else [np.nan]
            diff = float(dist[hi].mean() - dist[lo].mean()) if n else float("nan")
            boo[name] = {"n": n, "dist_ico_la": float(dist[hi].mean()) if n else None,
                         "dist_ico_sa": float(dist[lo].mean()) if n else None, "dist_ico_all": float(dist.mean()),
                         "diff": diff, "diff_sd_random": float(np.std(perm)),
                         "q6_la": float(q6[hi].mean()) if n else None, "q6_sa": float(q6[lo].mean()) if n else None,
                         "w6_la": float(w6[hi].mean()) if n else None, "w6_sa": float(w6[lo].mean()) if n else None}
        res["boo"] = boo
        key = "paper" if "paper" in sets else "end"
        tml, q6, w6 = sets[key]
        hi, lo = extreme_atoms(tml, 0.10)
        fig, ax = plt.subplots(figsize=(4.2, 3.2))
        ax.scatter(q6[~(hi | lo)], w6[~(hi | lo)], s=2, c="0.8", label="other")
        ax.scatter(q6[lo], w6[lo], s=4, c="C0", alpha=0.7, label=f"10 % lowest T$_{{ML}}$ ({lo.sum()})")
        ax.scatter(q6[hi], w6[hi], s=4, c="C3", alpha=0.7, label=f"10 % highest T$_{{ML}}$ ({hi.sum()})")
        ax.plot(*ico, "k*", ms=8, label="icosahedron")
        ax.set_xlabel("q$_6$")
        ax.set_ylabel("$\\hat{w}_6$")
        ax.legend(fontsize=6.5)
        ttl = (f"2.3 GPa, T$_{{ML}}$ window {boo['paper_window_ps'][0]:.0f}-{boo['paper_window_ps'][1]:.0f} ps, "
               f"structure at {boo['paper_window_ps'][0]:.0f} ps" if key == "paper" else "creep 2.3 GPa, end")
        ax.set_title(ttl, fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(rep, "repro_boo.png"), dpi=DPI)
        plt.close(fig)

        def txt(x):
            return (f"distance to the icosahedron point LA {x['dist_ico_la']:.3f}, SA {x['dist_ico_sa']:.3f}, "
                    f"difference {x['diff']:+.3f} ± {x['diff_sd_random']:.3f} (sd of random groups of "
                    f"{x['n']}); ŵ6 LA {x['w6_la']:.3f}, SA {x['w6_sa']:.3f}")
        b = boo[key]
        z = b["diff"] / b["diff_sd_random"] if b["n"] and b["diff_sd_random"] > 0 else float("nan")
        where = (f"window {boo['paper_window_ps'][0]:.0f}-{boo['paper_window_ps'][1]:.0f} ps, structure at its "
                 f"start (q6, ŵ6 computed here, as compute boop/atom)" if key == "paper" else "end of the hold")
        extra = f"; end of the hold (compute boop/atom): {txt(boo['end'])}" if key == "paper" and boo["end"]["n"] else ""
        rows.append(("Fig. 6: most LAs vs most SAs (10 % highest / lowest T_ML) in the q6-ŵ6 plane",
                     "2.3 GPa, window start t = 40 ps: LAs away from the icosahedral corner, SAs favour icosahedra",
                     (f"{where}: {txt(b)} ({z:.1f} σ){extra}" if b["n"] else "no atoms")
                     + (" → LAs farther from the icosahedron" if z > 2 else " → no significant difference"),
                     verdict(z > 3, z > 2) if np.isfinite(z) else "–"))

    # ---------------------------------------------------------------- outputs
    res["rows"] = rows
    with open(os.path.join(rep, "results.json"), "w") as fh:
        json.dump(res, fh, indent=1)
    with open(os.path.join(rep, "table.rst"), "w") as fh:
        fh.write(".. list-table::\n   :header-rows: 1\n   :widths: 22 26 40 8\n\n"
                 "   * - quantity\n     - paper\n     - AMORPH\n     - agrees?\n")
        for q, p, m, v in rows:
            fh.write(f"   * - {q}\n     - {p}\n     - {m}\n     - {v}\n")
    alts = {"repro_vt": "volume per atom against temperature during the quench, two-line fit",
            "repro_fig1": "predicted against actual temperature (Fig. 1)",
            "repro_creep": "T_ML distributions under creep at 2.2 and 2.3 GPa, creep strain",
            "repro_acoustic": "strain and strain amplitude per cycle under acoustic loading",
            "repro_rho": "correlation of T_ML with von Mises strain, D2min and rotation",
            "repro_boo": "liquid-like and solid-like atoms in the q6 - wbar6 plane"}
    with open(os.path.join(rep, "figures.rst"), "w") as fh:
        for name, alt in alts.items():
            if os.path.exists(os.path.join(rep, name + ".png")):
                fh.write(f".. image:: reproduction/{name}.png\n   :alt: {alt}\n")
    for q, p, m, v in rows:
        print(f"{q}\n    paper:  {p}\n    AMORPH: {m}\n    agrees: {v}")
    if a.publish:
        os.makedirs(a.publish, exist_ok=True)
        for name in sorted(os.listdir(rep)):
            if name.endswith((".png", ".rst", ".json")):
                shutil.copy(os.path.join(rep, name), os.path.join(a.publish, name))
    return 0


_FRAMES = {}


def read_dump_frames_cache(out, h):
    """All snapshots (step, box, columns, data) of creep_<h>.dump, read once."""
    key = (out, h)
    if key not in _FRAMES:
        _FRAMES[key] = read_dump_frames(os.path.join(out, f"creep_{h}.dump"))
    return _FRAMES[key]


def stats_skew(x):
    from scipy import stats
    return stats.skew(np.asarray(x, float))


def read_dump_count(data_file):
    with open(data_file) as fh:
        for line in fh:
            if line.strip().endswith("atoms"):
                return int(line.split()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
