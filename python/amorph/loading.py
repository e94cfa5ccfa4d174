# AMORPH - LAMMPS plugin package, GPL-2.0
"""Cyclic loading: strain-time data, sine fits, hysteresis loops and the dynamic mechanical
analysis of stored stress-strain data with the conventions of ``fix acoustic`` (Fig. 4a).

>>> from amorph import loading
>>> r = loading.dma_per_cycle(t, stress, strain, freq)     # E', E'', tan delta per cycle

numpy only.
"""
import math
from collections import namedtuple

import numpy as np

__all__ = [
    "engineering_strain", "fit_sine", "SineFit", "loop_area", "dma", "dma_per_cycle",
]


SineFit = namedtuple("SineFit", "amplitude phase offset slope rms")


def engineering_strain(length, length0=None):
    """Engineering strain (L - L0)/L0 of a box length time series (default L0 = first)."""
    L = np.asarray(length, dtype=float)
    L0 = L.ravel()[0] if length0 is None else float(length0)
    return (L - L0) / L0


def _wrap(phi):
    """Wrap angles into (-pi, pi]."""
    w = np.mod(np.asarray(phi, float) + np.pi, 2 * np.pi) - np.pi
    return np.where(w == -np.pi, np.pi, w)


def fit_sine(t, y, freq, drift=False, t_mid=None):
    """Linear least-squares fit ``y = c0 [+ c1 (t - t_mid)] + A sin(2 pi f t + phi)``.

    The same model as the per-cycle DMA of ``fix acoustic`` (with ``drift=True``). Phases
    are relative to t = 0 (the loading clock), not to the first sample.

    Parameters
    ----------
    t, y : array_like, shape (n,)
    freq : float
        Known frequency f (1/time units of ``t``).
    drift : bool
        Add the linear drift term (creep / ratcheting of the mean).
    t_mid : float, optional
        Reference time of the drift term; default the midpoint of ``t``.

    Returns
    -------
    SineFit
        ``amplitude`` A >= 0, ``phase`` phi in (-pi, pi], ``offset`` c0, ``slope`` c1
        (0 without drift) and ``rms`` residual.
    """
    t = np.asarray(t, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    w = 2 * np.pi * freq
    if t_mid is None:
        t_mid = 0.5 * (t.min() + t.max())
    cols = [np.sin(w * t), np.cos(w * t), np.ones_like(t)]
    if drift:
        cols.append(t - t_mid)
    M = np.stack(cols, axis=1)
    if len(t) < M.shape[1]:
        raise ValueError("too few samples for the sine fit")
    c, *_ = np.linalg.lstsq(M, y, rcond=None)
    # A sin(wt + phi) = A cos(phi) sin(wt) + A sin(phi) cos(wt)
    amp = math.hypot(c[0], c[1])
    phase = float(_wrap(math.atan2(c[1], c[0])))
    rms = float(np.sqrt(np.mean((M @ c - y) ** 2)))
    return SineFit(amp, phase, float(c[2]), float(c[3]) if drift else 0.0, rms)


def loop_area(stress, strain, closed=False):
    """Loop integral W = ∮ σ dε of sampled data by the trapezoidal rule.

    For σ = σ0 sin(ωt + δ), ε = ε0 sin(ωt) over one period W = π σ0 ε0 sin δ (positive
    when the strain lags the stress, i.e. energy dissipated per unit volume per cycle).

    Parameters
    ----------
    stress, strain : array_like, shape (n,)
        Consecutive samples (in time order).
    closed : bool
        Also integrate the segment from the last sample back to the first. ``fix
        acoustic`` integrates a cycle's samples ``[kP, (k+1)P]`` without closing (False);
        use True for samples of one period that exclude the end point.

    Returns
    -------
    float
        In stress units (× strain, dimensionless).
    """
    s = np.asarray(stress, dtype=float).ravel()
    e = np.asarray(strain, dtype=float).ravel()
    if closed and len(s) > 1:
        s = np.append(s, s[0])
        e = np.append(e, e[0])
    return float(np.sum(0.5 * (s[1:] + s[:-1]) * np.diff(e)))


def dma(t, stress, strain, freq, drift=True):
    """Dynamic mechanical analysis of sampled stress and strain (as ``fix acoustic``).

    Fits both signals with :func:`fit_sine`; the phase lag of the strain behind the stress
    is δ = φ_σ - φ_ε (wrapped into (-π, π]), δ > 0 for a dissipative material, and
    E' = (σ0/ε0) cos δ, E'' = (σ0/ε0) sin δ, W_fit = π σ0 ε0 sin δ,
    W_loop = ∮ σ dε (:func:`loop_area`, not closed).

    Returns
    -------
    dict
        ``sigma0, eps0, phi_sigma, phi_eps, delta, E_storage, E_loss, tan_delta,
        W_loop, W_fit``.
    """
    fs = fit_sine(t, stress, freq, drift=drift)
    fe = fit_sine(t, strain, freq, drift=drift)
    delta = float(_wrap(fs.phase - fe.phase))
    ratio = fs.amplitude / fe.amplitude if fe.amplitude > 0 else float("nan")
    return dict(sigma0=fs.amplitude, eps0=fe.amplitude, phi_sigma=fs.phase, phi_eps=fe.phase,
                delta=delta, E_storage=ratio * math.cos(delta), E_loss=ratio * math.sin(delta),
                tan_delta=math.tan(delta),
                W_loop=loop_area(stress, strain, closed=False),
                W_fit=math.pi * fs.amplitude * fe.amplitude * math.sin(delta))


def dma_per_cycle(t, stress, strain, freq, t0=0.0, drift=True, min_samples=10):
    """:func:`dma` for every complete cycle ``[t0 + kP, t0 + (k+1)P]`` (P = 1/f) in the data
    (samples at both ends included, as ``fix acoustic``).

    Returns
    -------
    dict of ndarray
        ``cycle, t_start`` and the keys of :func:`dma`, one entry per complete cycle with at
        least ``min_samples`` samples (strain amplitude per cycle: ``eps0``).
    """
    t = np.asarray(t, dtype=float).ravel()
    s = np.asarray(stress, dtype=float).ravel()
    e = np.asarray(strain, dtype=float).ravel()
    P = 1.0 / freq
    eps = 1e-9 * P
    rows = []
    k = int(math.floor((t.min() - t0) / P + 1e-9))
    while t0 + (k + 1) * P <= t.max() + eps:
        a, b = t0 + k * P, t0 + (k + 1) * P
        m = (t >= a - eps) & (t <= b + eps)
        if np.count_nonzero(m) >= min_samples:
            r = dma(t[m], s[m], e[m], freq, drift=drift)
            r.update(cycle=k, t_start=a)
            rows.append(r)
        k += 1
    keys = ["cycle", "t_start", "sigma0", "eps0", "phi_sigma", "phi_eps", "delta",
            "E_storage", "E_loss", "tan_delta", "W_loop", "W_fit"]
    return {key: np.array([r[key] for r in rows]) for key in keys}
