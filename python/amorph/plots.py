# AMORPH - LAMMPS plugin package, GPL-2.0
"""Figures of the T_ML paper from :mod:`amorph.analysis` results, written as PNG files with
matplotlib's Agg backend (no display needed).

>>> from amorph import analysis as an, plots
>>> plots.plot_tml_distributions({0: tml0, 40: tml40}, "fig2.png", tg=685)
>>> plots.plot_slice_map(an.slice_map(x, tml, box), "fig3.png", label="T_ML (K)")

Every function takes the output ``path`` and returns it (as a string), and accepts an
optional ``title``; figures are closed after saving.
"""
import numpy as np

from . import analysis as an

__all__ = ["plot_tml_distributions", "plot_slice_map", "plot_strain_time", "plot_hysteresis",
           "plot_correlation_vs_lag", "plot_joint_q6_w6", "plot_sij_histogram",
           "plot_propensity", "plot_chemical_sro", "plot_msd_fit", "plot_anisotropic_pdf"]


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(fig, path, title=None):
    if title:
        fig.axes[0].set_title(title)
    fig.tight_layout()
    fig.savefig(str(path), dpi=120)
    _plt().close(fig)
    return str(path)


def plot_tml_distributions(series, path, tg=an.TG_CUZR, bins=60, range=None, title=None):
    """T_ML probability densities of several windows (Figs. 2a,b, 4b).

    ``series``: ``{start_time: tml_array}`` or ``{start_time: Histogram}``; ``tg`` is
    drawn as a dashed line (None: not drawn)."""
    plt = _plt()
    if all(isinstance(v, an.Histogram) for v in series.values()):
        hists = series
    else:
        hists = an.tml_distributions(series, bins=bins, range=range)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for key, h in hists.items():
        ax.plot(h.centers, h.values, label=f"t = {key}")
    if tg is not None:
        ax.axvline(tg, ls="--", color="k", lw=1, label=f"$T_g$ = {tg:g} K")
    ax.set_xlabel("$T_{ML}$ (K)")
    ax.set_ylabel("probability density (1/K)")
    ax.legend(fontsize=8)
    return _save(fig, path, title)


def plot_slice_map(smap, path, label="value", cmap="jet", vmin=None, vmax=None, title=None):
    """A :class:`~amorph.analysis.SliceMap` as a colour map (Figs. 3, 4c-h, 5d-p); use the
    same ``vmin``/``vmax`` for maps that share a colour scale."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.6, 4))
    ext = [smap.edges_u[0], smap.edges_u[-1], smap.edges_v[0], smap.edges_v[-1]]
    im = ax.imshow(np.ma.masked_invalid(smap.mean).T, origin="lower", extent=ext,
                   cmap=cmap, vmin=vmin, vmax=vmax, aspect="equal")
    fig.colorbar(im, ax=ax, label=label)
    ax.set_xlabel(smap.axes[0])
    ax.set_ylabel(smap.axes[1])
    return _save(fig, path, title)


def plot_strain_time(curves, path, xlabel="t (ps)", ylabel="strain", title=None):
    """Strain versus time (Fig. 4a): ``curves`` = ``{label: (t, strain)}``."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    for key, (t, e) in curves.items():
        ax.plot(t, e, lw=1, label=str(key))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return _save(fig, path, title)


def plot_hysteresis(strain, stress, path, xlabel="strain", ylabel="stress", title=None,
                    annotate=True):
    """Stress-strain hysteresis loop; with ``annotate`` the loop area ∮σdε
    (:func:`~amorph.analysis.loop_area`) is written in the plot."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.4, 4))
    ax.plot(strain, stress, lw=1)
    if annotate:
        W = an.loop_area(stress, strain)
        ax.text(0.03, 0.95, f"∮σdε = {W:.4g}", transform=ax.transAxes, va="top")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return _save(fig, path, title)


def plot_correlation_vs_lag(curves, path, xlabel="Δt (ps)", title=None):
    """ρ(T_ML, X) versus time interval (Fig. 5a-c): ``curves`` = ``{label: (lags, rho)}``
    (e.g. from :func:`~amorph.analysis.correlation_vs_lag`)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.8, 3.6))
    for key, (lags, rho) in curves.items():
        ax.plot(lags, rho, "o-", ms=4, label=str(key))
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("correlation coefficient ρ")
    ax.legend(fontsize=8)
    return _save(fig, path, title)


def plot_joint_q6_w6(jh, path, references=True, title=None):
    """Joint distribution of q6 and w̄6 (Fig. 6c-e) with the ideal structures of
    :data:`~amorph.analysis.REFERENCE_Q6_W6` as open circles."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.8, 4))
    X, Y = np.meshgrid(0.5 * (jh.edges_x[1:] + jh.edges_x[:-1]),
                       0.5 * (jh.edges_y[1:] + jh.edges_y[:-1]), indexing="ij")
    if np.any(jh.density > 0):
        cs = ax.contourf(X, Y, jh.density, levels=12, cmap="viridis")
        fig.colorbar(cs, ax=ax, label="probability density")
    if references:
        for name, (q, w) in an.REFERENCE_Q6_W6.items():
            ax.plot(q, w, "o", mfc="none", mec="r")
            ax.annotate(name, (q, w), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xlim(jh.edges_x[0], jh.edges_x[-1])
    ax.set_ylim(jh.edges_y[0], jh.edges_y[-1])
    ax.set_xlabel("$q_6$")
    ax.set_ylabel(r"$\bar{w}_6$")
    return _save(fig, path, title)


def plot_sij_histogram(hists, path, threshold=0.7, title=None):
    """Distributions of s(i,j) (Fig. 6f): ``hists`` = ``{label: Histogram}``."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.8, 3.6))
    for key, h in hists.items():
        ax.plot(h.centers, h.values, label=str(key))
    ax.axvline(threshold, ls="--", color="k", lw=1)
    ax.set_xlabel("s(i,j)")
    ax.set_ylabel("probability density")
    ax.legend(fontsize=8)
    return _save(fig, path, title)


def plot_propensity(prop, path, top=10, title=None):
    """Counts and propensity Δf (eq. 1) of the ``top`` polyhedra of a
    :class:`~amorph.analysis.Propensity` (Fig. 6a,b): bars of the subset counts and Δf
    (%) on a second axis."""
    plt = _plt()
    n = min(top, len(prop.labels))
    idx = np.arange(n)
    fig, ax = plt.subplots(figsize=(max(5, 0.6 * n + 2), 3.8))
    ax.bar(idx, prop.count_subset[:n], color="0.7", label="count (subset)")
    ax.set_ylabel("count")
    ax.set_xticks(idx)
    ax.set_xticklabels(prop.labels[:n], rotation=60, ha="right", fontsize=8)
    ax2 = ax.twinx()
    ax2.plot(idx, prop.delta_f[:n], "rs-", label="Δf")
    ax2.axhline(0, color="r", lw=0.5)
    ax2.set_ylabel("Δf (%)", color="r")
    return _save(fig, path, title)


def plot_chemical_sro(results, path, which="alpha", title=None):
    """α_A(B) or η_A(B) (Fig. 7b,c) as grouped bars: ``results`` = ``{label:
    ChemicalSRO}`` (e.g. SAs, LAs, total)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5, 3.6))
    keys = list(results)
    width = 0.8 / max(len(keys), 1)
    for n, key in enumerate(keys):
        r = results[key]
        sp = [str(s) for s in r.species]
        vals = getattr(r, which)
        names = [f"{a}({b})" for a in sp for b in sp]
        x = np.arange(len(names))
        ax.bar(x + (n - (len(keys) - 1) / 2) * width, vals.ravel(), width, label=str(key))
        ax.set_xticks(x)
        ax.set_xticklabels(names)
    ax.axhline(0, color="k", lw=0.5)
    ax.set_ylabel({"alpha": "α", "eta": "η"}.get(which, which))
    ax.legend(fontsize=8)
    return _save(fig, path, title)


def plot_msd_fit(curves, path, fits=None, scale_by_T=None, title=None):
    """MSD on log-log axes with the fitted eq. (2) (Fig. 8b).

    ``curves`` = ``{label: (t, msd)}``; ``fits`` = ``{label: MSDFit}`` drawn as lines;
    ``scale_by_T`` = ``{label: T}`` divides MSD by T (the paper's Fig. S7 collapse)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.8, 3.8))
    for key, (t, y) in curves.items():
        t = np.asarray(t, float)
        s = 1.0 / scale_by_T[key] if scale_by_T else 1.0
        line, = ax.loglog(t, np.asarray(y, float) * s, "o", ms=3, label=str(key))
        if fits and key in fits:
            f = fits[key]
            tt = np.geomspace(t[t > 0].min(), t.max(), 200)
            ax.loglog(tt, an.msd_model(tt, f.k, f.eta1, f.eta2, f.m, f.kT) * s, "-",
                      color=line.get_color())
    ax.set_xlabel("t")
    ax.set_ylabel("MSD / T" if scale_by_T else "MSD")
    ax.legend(fontsize=8)
    return _save(fig, path, title)


def plot_anisotropic_pdf(r, g0, g2, fit, path, title=None):
    """The paper's Fig. 1 (Wang et al. 2022): g0 (top); the measured g2 (load minus
    reference) with its affine prediction from g0, eq. 2 with the fitted ε∞ (red dashes),
    and the first-shell peaks A1, A2 (bottom).  The last two bins are not drawn.

    ``fit`` is the :func:`amorph.analysis.nonaffine_strain_ratio` result for these data.
    """
    plt = _plt()
    # without the last two bins (incomplete with spline binning, as in the fit)
    n = max(1, len(r) - 2)
    r = np.asarray(r, dtype=float)[:n]
    g0 = np.asarray(g0, dtype=float)[:n]
    g2 = np.asarray(g2, dtype=float)[:n]
    fig, (a0, a2) = plt.subplots(2, 1, figsize=(6.4, 6.4), sharex=True)
    a0.plot(r, g0, "k-", lw=1.2)
    a0.set_ylabel("$g_0^0(r)$")
    pred = an.affine_g2(r, g0, fit.eps_inf, fit.nu)
    a2.axhline(0.0, color="0.6", lw=0.8)
    a2.plot(r, g2, "b-", lw=1.0, label="$g_2^0(r)$ (load - reference)")
    a2.plot(r, pred, "r--", lw=1.2, label=f"affine, eq. 2, $\\varepsilon_\\infty$ = {fit.eps_inf:.4f}")
    a2.plot([fit.r1, fit.r2], [fit.A1, fit.A2], "go", ms=5,
            label=f"$A_1, A_2$: $\\Delta\\varepsilon_R/\\varepsilon_\\infty$ = {fit.ratio:.3f}")
    a2.axvspan(*fit.fit_range, color="0.93", zorder=0)
    a2.set_xlabel("r (Å)")
    a2.set_ylabel("$g_2^0(r)$")
    a2.legend(fontsize=8, loc="upper right")
    return _save(fig, path, title)
