# AMORPH - LAMMPS plugin package, GPL-2.0
"""Analysis of the reduced-size reproduction of the T_ML paper (reproduce.sh runs it at the end).

Reads the outputs of in.glass, in.train, the model building, in.creep (2.2, 2.3 GPa) and
in.acoustic (two frequencies) in OUT and writes OUT/report/: small PNG figures, results.json
and table.rst (quantity | paper | AMORPH | agrees?), the table of doc/src/Reproduction.rst.

  /usr/bin/python3 reproduce.py OUT [--size small] [--freqs 0.02 0.1] [--publish DIR]

Conventions: T_ML at a dump snapshot at step S is that of the latest window completed at or
before S (it started one longest lag earlier); D2min, von Mises strain and rotation at S are
over the `every` steps before S.  Liquid-like atoms: T_ML > Tg = 685 K (the paper's Tg).
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
from amorph.analysis import bimodality, correlation, glass_transition  # noqa: E402

TG_PAPER = 685.0
DPI = 80


def read_dump(path):
    """All snapshots of a text dump: list of (step, columns, data sorted by id)."""
    return [(st, c, d) for st, _, c, d in read_dump_frames(path)]


def tml_frames(path):
    """Snapshots with a completed T_ML window (T_ML > 0 for all atoms), time in ps."""
    return [(st * 0.002, c, d) for st, c, d in read_dump(path) if np.all(d[:, c.index("f_ml")] > 0)]


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
    res.update(natoms=natoms, tg_K=tg, alpha_glass=s_lo, alpha_liquid=s_hi)
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
    rows.append(("Tg from V(T)", "685 K (50,000 atoms, 1e11 K/s)", f"{tg:.0f} K",
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
    rows.append(("classes kept (agglomerative clustering)", "100, 700, 800, 900, 1000, 1200, 1700 K "
                 "(200-600 K dropped)", ", ".join(f"{c:g}" for c in model["classes"]) + " K (dropped "
                 + ", ".join(f"{c:g}" for c in model.get("classes_dropped", [])) + f"); R² = {model['cv_r2']:.2f}",
                 verdict(len(model["classes"]) == 7, len(model["classes"]) >= 3)))

    # ---------------------------------------------------------------- creep
    creep = {}
    for h in ("22000", "23000"):
        fr = tml_frames(os.path.join(out, f"creep_{h}.dump"))
        s = np.loadtxt(os.path.join(out, f"creep_{h}_strain.txt"), comments="#", ndmin=2)
        w = []
        for t, c, d in fr:
            x = d[:, c.index("f_ml")]
            b = bimodality(x)
            w.append({"t_ps": t, "mean": float(x.mean()), "la_fraction": float(np.mean(x > TG_PAPER)),
                      "delta_bic": b["delta_bic"], "maxima": b["maxima"], "means": b["means"],
                      "weights": b["weights"],
                      "rho_d2min": correlation(x, d[:, c.index("c_na[1]")]),
                      "rho_mises": correlation(x, d[:, c.index("c_na[2]")]),
                      "rho_rotation": correlation(x, d[:, c.index("c_na[4]")])})
        allx = np.concatenate([d[:, c.index("f_ml")] for _, c, d in fr])
        creep[h] = {"windows": w, "pooled": bimodality(allx), "strain_t": s[:, 1].tolist(),
                    "strain": s[:, 4].tolist(), "final_strain": float(s[-1, 4]), "frames": fr}
    res["creep"] = {h: {k: v for k, v in d.items() if k not in ("frames", "strain_t", "strain")}
                    for h, d in creep.items()}
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.0))
    bins = np.linspace(0, 1750, 36)
    for ax, h in zip(axes[:2], ("22000", "23000")):
        cm = plt.get_cmap("viridis")
        fr = creep[h]["frames"]
        for k, (t, c, d) in enumerate(fr):
            hh, e = np.histogram(d[:, c.index("f_ml")], bins=bins, density=True)
            ax.plot(0.5 * (e[1:] + e[:-1]), hh, color=cm(k / max(1, len(fr) - 1)), lw=1,
                    label=f"{t:.0f} ps" if k in (0, len(fr) - 1) else None)
        ax.axvline(TG_PAPER, color="k", ls="--", lw=0.7)
        ax.set_xlabel("T$_{ML}$ (K)")
        ax.set_title(f"creep {int(h) / 1e4:.1f} GPa (window ends)", fontsize=9)
        ax.legend(fontsize=7)
    axes[0].set_ylabel("density (1/K)")
    for h in ("22000", "23000"):
        axes[2].plot(creep[h]["strain_t"], -np.array(creep[h]["strain"]) * 100, label=f"{int(h) / 1e4:.1f} GPa")
    axes[2].set_xlabel("time (ps)")
    axes[2].set_ylabel("compressive strain (%)")
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(rep, "repro_creep.png"), dpi=DPI)
    plt.close(fig)
    p22 = creep["22000"]["pooled"]
    w22 = creep["22000"]["windows"]
    nbim = sum(1 for x in w22 if x["delta_bic"] > 10)
    rows.append(("creep 2.2 GPa: T_ML distribution", "bimodal, maxima ~270 K and ~790 K, little change with time",
                 f"maxima {', '.join(f'{m:.0f}' for m in p22['maxima'])} K (two-Gaussian means "
                 f"{p22['means'][0]:.0f}, {p22['means'][1]:.0f} K, weights {p22['weights'][0]:.2f}/"
                 f"{p22['weights'][1]:.2f}); ΔBIC(1-2) = {p22['delta_bic']:.0f} pooled, > 10 in "
                 f"{nbim}/{len(w22)} windows",
                 verdict(len(p22["maxima"]) >= 2 and p22["delta_bic"] > 10, p22["delta_bic"] > 10)))
    w23 = creep["23000"]["windows"]
    rows.append(("creep 2.3 GPa: shift after yield", "low-T_ML maximum vanishes, distribution shifts to "
                 "high T_ML after yield (t > 100 ps)",
                 f"mean T_ML {w23[0]['mean']:.0f} → {w23[-1]['mean']:.0f} K, liquid-like fraction "
                 f"{w23[0]['la_fraction']:.2f} → {w23[-1]['la_fraction']:.2f} (windows ending at "
                 f"{w23[0]['t_ps']:.0f} → {w23[-1]['t_ps']:.0f} ps); strain {-creep['23000']['final_strain'] * 100:.1f} % "
                 f"(2.2 GPa: {-creep['22000']['final_strain'] * 100:.1f} %)",
                 verdict(w23[-1]["mean"] > w23[0]["mean"] + 100 and w23[-1]["mean"] > w22[-1]["mean"],
                         w23[-1]["mean"] > w22[-1]["mean"])))

    # ---------------------------------------------------------------- acoustic
    have = [f for f in a.freqs if os.path.exists(os.path.join(out, f"acoustic_{f}_final.dump"))]
    if len(have) < len(a.freqs):
        res["acoustic"] = None
        for q, p in (("acoustic: strain amplitude growth (last / early cycles)",
                      "2e10 Hz: constant; 1e11 Hz: grows after ~300 ps"),
                     ("acoustic: E', tan δ", "not given"),
                     ("acoustic: liquid-like fraction (first → last window)", "rises during the loading")):
            rows.append((q, p, "not run to completion in the session that made this table: run "
                         "reproduce.sh (or in.acoustic) for it", "–"))
    else:
        ac = {}
        for f in a.freqs:
            dma = np.loadtxt(os.path.join(out, f"acoustic_{f}_dma.txt"), comments="#", ndmin=2)
            s = np.loadtxt(os.path.join(out, f"acoustic_{f}_strain.txt"), comments="#", ndmin=2)
            ok = dma[dma[:, 14] == 1]
            e0 = ok[:, 2]
            n3 = max(1, len(e0) // 4)
            early = e0[1:1 + n3] if len(e0) > n3 + 1 else e0[:n3]
            fr = tml_frames(os.path.join(out, f"acoustic_{f}.dump"))
            ac[f] = {"cycles": int(len(ok)), "eps0": e0.tolist(), "growth": float(e0[-n3:].mean() / early.mean()),
                     "E_storage_GPa": float(np.mean(ok[1:, 5]) / 1e4), "tan_delta": float(np.mean(ok[1:, 7])),
                     "t": s[:, 1].tolist(), "strain": s[:, 4].tolist(),
                     "la_fraction": [float(np.mean(d[:, c.index("f_ml")] > TG_PAPER)) for _, c, d in fr],
                     "tml_t": [t for t, _, _ in fr]}
        res["acoustic"] = {f: {k: v for k, v in d.items() if k not in ("t", "strain")} for f, d in ac.items()}
        fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.0))
        for f in a.freqs:
            axes[0].plot(ac[f]["t"], np.array(ac[f]["strain"]) * 100, lw=0.6, label=f"{float(f) * 1e12:.0e} Hz")
            per = 1.0 / float(f)
            axes[1].plot(per * (np.arange(ac[f]["cycles"]) + 1), np.array(ac[f]["eps0"]) * 100, "o-", ms=3,
                         label=f"{float(f) * 1e12:.0e} Hz")
        axes[0].set_xlabel("time (ps)")
        axes[0].set_ylabel("strain (%)")
        axes[1].set_xlabel("time (ps)")
        axes[1].set_ylabel("strain amplitude per cycle (%)")
        for ax in axes:
            ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(rep, "repro_acoustic.png"), dpi=DPI)
        plt.close(fig)
        flo, fhi = a.freqs[0], a.freqs[-1]
        rows.append((f"acoustic: strain amplitude growth (last / early cycles)",
                     "2e10 Hz: constant; 1e11 Hz: grows after ~300 ps",
                     f"{float(flo) * 1e12:.0e} Hz: {ac[flo]['growth']:.2f}; {float(fhi) * 1e12:.0e} Hz: "
                     f"{ac[fhi]['growth']:.2f} ({ac[fhi]['cycles']} cycles)",
                     verdict(abs(ac[flo]["growth"] - 1) < 0.1 and ac[fhi]["growth"] > 1.1,
                             ac[fhi]["growth"] > ac[flo]["growth"])))
        rows.append(("acoustic: E', tan δ", "not given",
                     "; ".join(f"{float(f) * 1e12:.0e} Hz: E' = {ac[f]['E_storage_GPa']:.0f} GPa, tan δ = "
                               f"{ac[f]['tan_delta']:.3f}" for f in a.freqs), "–"))
        rows.append(("acoustic: liquid-like fraction (first → last window)", "rises during the loading",
                     "; ".join(f"{float(f) * 1e12:.0e} Hz: {ac[f]['la_fraction'][0]:.3f} → {ac[f]['la_fraction'][-1]:.3f}"
                               for f in a.freqs if ac[f]["la_fraction"]),
                     verdict(all(ac[f]["la_fraction"][-1] > ac[f]["la_fraction"][0] for f in a.freqs if ac[f]["la_fraction"]))))

    # ---------------------------------------------------------------- Fig. 5: correlations
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 2.9), sharey=True)
    for ax, key, name in zip(axes, ("rho_mises", "rho_d2min", "rho_rotation"),
                             ("von Mises strain", "D$^2_{min}$", "rotation angle")):
        for h in ("22000", "23000"):
            w = creep[h]["windows"]
            ax.plot([x["t_ps"] for x in w], [x[key] for x in w], "o-", ms=3, label=f"{int(h) / 1e4:.1f} GPa")
        ax.axhline(0, color="0.6", lw=0.6)
        ax.set_xlabel("time (ps)")
        ax.set_title(f"ρ(T$_{{ML}}$, {name})", fontsize=9)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(rep, "repro_rho.png"), dpi=DPI)
    plt.close(fig)
    rr = [x for h in ("22000", "23000") for x in creep[h]["windows"]]
    pos = all(x[k] > 0 for x in rr for k in ("rho_d2min", "rho_mises", "rho_rotation"))
    incr = np.mean([creep[h]["windows"][-1]["rho_d2min"] > creep[h]["windows"][0]["rho_d2min"]
                    for h in ("22000", "23000")])
    rows.append(("Fig. 5: ρ(T_ML, D2min), ρ(T_ML, η), ρ(T_ML, θ) under creep", "positive, increasing with time",
                 "; ".join(f"{int(h) / 1e4:.1f} GPa: D2min {w[0]['rho_d2min']:.2f} → {w[-1]['rho_d2min']:.2f}, "
                           f"η {w[0]['rho_mises']:.2f} → {w[-1]['rho_mises']:.2f}, θ {w[0]['rho_rotation']:.2f} → "
                           f"{w[-1]['rho_rotation']:.2f}"
                           for h, w in ((h, creep[h]["windows"]) for h in ("22000", "23000"))),
                 verdict(pos and incr == 1, pos)))

    # ---------------------------------------------------------------- Fig. 6: q6 - wbar6
    final23 = os.path.join(out, "creep_23000_final.dump")
    if not os.path.exists(final23):
        res["boo"] = None
        rows.append(("Fig. 6: liquid-like vs solid-like atoms in the q6-w̄6 plane",
                     "LAs away from the icosahedral corner, SAs favour icosahedra",
                     "not run to completion in the session that made this table", "–"))
    else:
        _, c, d = read_dump(final23)[-1]
        x = d[:, c.index("f_ml")]
        q6, w6 = d[:, c.index("c_bo[2]")], d[:, c.index("c_bo[8]")]
        la = x > TG_PAPER
        ico = np.array([0.66332, -0.16975])
        dist = np.hypot(q6 - ico[0], w6 - ico[1])
        res["boo"] = {"n_la": int(la.sum()), "n_sa": int((~la).sum()),
                      "q6_la": float(q6[la].mean()) if la.any() else None, "q6_sa": float(q6[~la].mean()),
                      "w6_la": float(w6[la].mean()) if la.any() else None, "w6_sa": float(w6[~la].mean()),
                      "dist_ico_la": float(dist[la].mean()) if la.any() else None,
                      "dist_ico_sa": float(dist[~la].mean())}
        fig, ax = plt.subplots(figsize=(4.2, 3.2))
        ax.scatter(q6[~la], w6[~la], s=3, c="C0", alpha=0.5, label=f"SA ({(~la).sum()})")
        ax.scatter(q6[la], w6[la], s=3, c="C3", alpha=0.6, label=f"LA ({la.sum()})")
        ax.plot(*ico, "k*", ms=8, label="icosahedron")
        ax.set_xlabel("q$_6$")
        ax.set_ylabel("$\\bar{w}_6$")
        ax.legend(fontsize=7)
        ax.set_title("creep 2.3 GPa, end", fontsize=9)
        fig.tight_layout()
        fig.savefig(os.path.join(rep, "repro_boo.png"), dpi=DPI)
        plt.close(fig)
        b = res["boo"]
        if la.any():
            rows.append(("Fig. 6: liquid-like vs solid-like atoms in the q6-w̄6 plane",
                         "LAs away from the icosahedral corner, SAs favour icosahedra",
                         f"mean distance to the icosahedron: LA {b['dist_ico_la']:.3f}, SA {b['dist_ico_sa']:.3f}; "
                         f"w̄6 LA {b['w6_la']:.3f}, SA {b['w6_sa']:.3f} ({b['n_la']} LAs)",
                         verdict(b["dist_ico_la"] > 1.05 * b["dist_ico_sa"], b["dist_ico_la"] > b["dist_ico_sa"])))
        else:
            rows.append(("Fig. 6: liquid-like vs solid-like atoms in the q6-w̄6 plane",
                         "LAs away from the icosahedral corner", "no liquid-like atoms at the end", "no"))

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


def read_dump_count(data_file):
    with open(data_file) as fh:
        for line in fh:
            if line.strip().endswith("atoms"):
                return int(line.split()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
