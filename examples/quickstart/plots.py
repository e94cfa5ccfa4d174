# AMORPH - LAMMPS plugin package, GPL-2.0
"""Plots and a plain-text summary of the quickstart outputs (examples/quickstart/run.sh calls
this at the end):

  strain.png            strain and stress versus time under the acoustic loading
  tml_distribution.png  the T_ML distribution of every window (colour = window end time)
  tml_slice.png         T_ML maps of a 3.85 A thick slice (normal to x) at four times
  fig1.png              (written by amorph.tml build) predicted vs actual T, confusion matrix
  results.txt           the model's cross-validation; the reference window (unloaded glass)
                        and per loading window: time, mean T_ML, liquid-like fraction,
                        correlation of T_ML with D2min / von Mises strain / rotation; the DMA
  summary.json          the key numbers for scripts (see the README of the quickstart test)

Usage:  /usr/bin/python3 plots.py [OUT]      (OUT: the quickstart's output folder, default out)
Needs numpy, matplotlib (Agg backend) and the amorph package (python/)."""
import json
import os
import sys

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from amorph import read_dump_frames as read_dump  # noqa: E402
from amorph.analysis import glass_transition  # noqa: E402

TG = 685.0          # K, glass transition temperature of Cu50Zr50 (the paper)
SLICE = 3.85        # A, slice thickness of the paper's T_ML maps


def fit_sine(t, y, f):
    """Least-squares fit y = c0 + c1 t + A sin(2 pi f t + phi); returns (A, phi, c0)."""
    w = 2 * np.pi * f
    M = np.column_stack([np.ones_like(t), t, np.sin(w * t), np.cos(w * t)])
    c, *_ = np.linalg.lstsq(M, y, rcond=None)
    return float(np.hypot(c[2], c[3])), float(np.arctan2(c[3], c[2])), float(c[0])


def main(out="out"):
    # ---- strain series: TimeStep t target sigma strain ----
    s = np.loadtxt(os.path.join(out, "strain.txt"), comments="#", ndmin=2)
    t, target, sigma, eps = s[:, 1], s[:, 2], s[:, 3], s[:, 4]
    dma = np.loadtxt(os.path.join(out, "dma.txt"), comments="#", ndmin=2)
    period = dma[1, 1] - dma[0, 1] if len(dma) > 1 else t[-1]
    freq = 1.0 / period                                     # 1/ps
    eps0, phi_eps, _ = fit_sine(t, eps, freq)
    sig0, phi_sig, _ = fit_sine(t, sigma, freq)

    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.plot(t, 100 * eps, color="C0", lw=1.2)
    ax.set_xlabel("time (ps)")
    ax.set_ylabel("strain $\\varepsilon_{zz}$ (%)", color="C0")
    ax2 = ax.twinx()
    ax2.plot(t, target / 1e4, color="0.6", lw=0.8, ls="--", label="target")
    ax2.plot(t, sigma / 1e4, color="C3", lw=0.6, alpha=0.7, label="measured")
    ax2.set_ylabel("stress $\\sigma_{zz}$ (GPa)", color="C3")
    ax2.legend(loc="upper right", fontsize=8)
    ax.set_title(f"acoustic loading at {freq * 1e12:.3g} Hz, 100 K: "
                 f"$\\varepsilon_0$ = {100 * eps0:.2f} %, $\\sigma_0$ = {sig0 / 1e4:.2f} GPa",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "strain.png"), dpi=120)
    plt.close(fig)

    # ---- T_ML per window ----
    frames = read_dump(os.path.join(out, "loading.dump"))
    dt = t[1] - t[0]
    steps_per_ps = (s[1, 0] - s[0, 0]) / dt
    times = [st / steps_per_ps for st, *_ in frames]
    tmls = [d[:, c.index("f_ml")] for _, _, c, d in frames]
    lo = min(x.min() for x in tmls)
    hi = max(x.max() for x in tmls)
    bins = np.linspace(min(lo, TG) - 50, max(hi, TG) + 50, 31)
    fig, ax = plt.subplots(figsize=(6, 4))
    cmap = plt.get_cmap("viridis")
    for k, (tt, x) in enumerate(zip(times, tmls)):
        h, e = np.histogram(x, bins=bins, density=True)
        ax.plot(0.5 * (e[1:] + e[:-1]), h, color=cmap(k / max(1, len(times) - 1)), lw=1.2)
    ax.axvline(TG, color="k", ls="--", lw=1)
    ax.text(TG, ax.get_ylim()[1] * 0.95, " $T_g$", va="top")
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(times[0], times[-1]))
    fig.colorbar(sm, ax=ax, label="window end time (ps)")
    ax.set_xlabel("$T_{ML}$ (K)")
    ax.set_ylabel("probability density (1/K)")
    ax.set_title("$T_{ML}$ distribution during the loading", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "tml_distribution.png"), dpi=120)
    plt.close(fig)

    # ---- slice maps: atoms with |x - x_mid| < SLICE/2, coloured by T_ML, at four times ----
    picks = sorted(set(np.linspace(0, len(frames) - 1, min(4, len(frames))).round().astype(int)))
    fig, axes = plt.subplots(1, len(picks), figsize=(2.9 * len(picks) + 1.2, 3.4), squeeze=False,
                             constrained_layout=True)
    norm = plt.Normalize(lo, hi)
    for a, k in zip(axes[0], picks):
        step, box, c, d = frames[k]
        xm = 0.5 * (box[0, 0] + box[0, 1])
        sel = np.abs(d[:, c.index("x")] - xm) < SLICE / 2
        sc = a.scatter(d[sel, c.index("y")], d[sel, c.index("z")], c=d[sel, c.index("f_ml")],
                       cmap="coolwarm", norm=norm, s=40, edgecolors="k", linewidths=0.3)
        a.set_xlim(*box[1])
        a.set_ylim(*box[2])
        a.set_aspect("equal")
        a.set_title(f"t = {times[k]:.0f} ps", fontsize=10)
        a.set_xlabel("y (Å)")
    axes[0][0].set_ylabel("z (Å), loading axis")
    fig.colorbar(sc, ax=list(axes[0]), label="$T_{ML}$ (K)")
    fig.suptitle(f"$T_{{ML}}$ of a {SLICE} Å slice", fontsize=10)
    fig.savefig(os.path.join(out, "tml_slice.png"), dpi=120)
    plt.close(fig)

    # ---- the model (amorph.tml build --json), the reference window, V(T) ----
    with open(os.path.join(out, "model.json")) as fh:
        model = json.load(fh)
    _, _, rc, rd = read_dump(os.path.join(out, "reference.dump"))[-1]
    ref = rd[:, rc.index("f_ref")]
    vt = np.loadtxt(os.path.join(out, "quench_vt.txt"), comments="#", ndmin=2)
    try:
        tg_vt = glass_transition(vt[:, 1], vt[:, 2], tmin=300.0, tmax=1500.0)[0]
    except ValueError:
        tg_vt = float("nan")
    # DMA of the completed cycles with a valid fit, the first (start-up) cycle left out
    ok = dma[dma[:, 14] == 1]
    use = ok[1:] if len(ok) > 1 else ok

    # ---- plain-text summary ----
    def rho(a, b):
        return float(np.corrcoef(a, b)[0, 1]) if np.std(a) > 0 and np.std(b) > 0 else 0.0

    windows = []
    for tt, (_, _, c, d) in zip(times, frames):
        x = d[:, c.index("f_ml")]
        windows.append((tt, x.mean(), x.std(), np.mean(x > TG), rho(x, d[:, c.index("c_na[1]")]),
                        rho(x, d[:, c.index("c_na[2]")]), rho(x, d[:, c.index("c_na[4]")])))
    summary = {
        "tg_K": TG,
        "tg_vt_K": tg_vt,
        "classes_all_K": model["classes_all"],
        "classes_K": model["classes"],
        "classes_dropped_K": model.get("classes_dropped", []),
        "lags_ps": model["lags"],
        "cv_folds": model["cv_folds"],
        "cv_r2": model["cv_r2"],
        "cv_mean_predicted_K": model["cv_mean_predicted"],
        "cv_fraction_liquid_like": model["cv_fraction_above_threshold"],
        "cv_confusion": model["cv_confusion"],
        "reference_mean_tml_K": float(ref.mean()),
        "reference_liquid_fraction": float(np.mean(ref > TG)),
        "loading_window_end_ps": [w[0] for w in windows],
        "loading_mean_tml_K": [float(w[1]) for w in windows],
        "loading_liquid_fraction": [float(w[3]) for w in windows],
        "frequency_Hz": freq * 1e12,
        "strain_amplitude": float(np.mean(use[:, 2])),
        "stress_amplitude_GPa": float(np.mean(use[:, 3]) / 1e4),
        "phase_lag_rad": float(np.mean(use[:, 4])),
        "storage_modulus_GPa": float(np.mean(use[:, 5]) / 1e4),
        "loss_modulus_GPa": float(np.mean(use[:, 6]) / 1e4),
    }
    with open(os.path.join(out, "summary.json"), "w") as fh:
        json.dump(summary, fh, indent=1)
    with open(os.path.join(out, "results.txt"), "w") as f:
        f.write(f"# AMORPH quickstart results ({out})\n")
        f.write(f"T_ML model: lags {model['lags']} ps; classes {model['classes_all']} K; kept "
                f"{model['classes']} K, dropped as indistinguishable {summary['classes_dropped_K']} K\n")
        f.write(f"{model['cv_folds']}-fold cross-validation: R^2 = {model['cv_r2']:.3f}; mean predicted "
                "T per class: " + ", ".join(f"{c:g} K -> {m:.0f} K" for c, m in
                                             zip(model["classes"], model["cv_mean_predicted"])) + "\n")
        f.write(f"Tg = {TG:g} K (threshold of liquid-like atoms, the paper's); V(T) kink of this "
                f"quench: {tg_vt:.0f} K\n")
        f.write(f"loading frequency {freq * 1e12:.4g} Hz: strain amplitude {summary['strain_amplitude']:.5f}, "
                f"stress amplitude {summary['stress_amplitude_GPa']:.3f} GPa, phase lag "
                f"{summary['phase_lag_rad']:.4f} rad, E' = {summary['storage_modulus_GPa']:.1f} GPa "
                f"(mean over cycles 2..{len(ok)}); series fit: eps0 {eps0:.5f}, lag {phi_sig - phi_eps:.4f} rad\n")
        f.write("# window       end[ps] mean_TML[K] std_TML[K] liquid_like_fraction(TML>Tg) "
                "rho(TML,D2min) rho(TML,vonMises) rho(TML,rotation)\n")
        f.write(f"reference   {'-':>8} {ref.mean():8.1f} {ref.std():7.1f} {np.mean(ref > TG):6.3f}\n")
        for w in windows:
            f.write(f"loading     {w[0]:8.1f} {w[1]:8.1f} {w[2]:7.1f} {w[3]:6.3f} "
                    f"{w[4]:7.3f} {w[5]:7.3f} {w[6]:7.3f}\n")
    print(open(os.path.join(out, "results.txt")).read(), end="")
    for name in ("strain.png", "tml_distribution.png", "tml_slice.png", "fig1.png", "results.txt",
                 "summary.json"):
        print(f"AMORPH quickstart: wrote {os.path.abspath(os.path.join(out, name))}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out")
