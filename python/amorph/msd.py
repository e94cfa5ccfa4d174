# AMORPH - LAMMPS plugin package, GPL-2.0
"""The rheological (Jeffreys-type) model of the mean squared displacement, eq. (2) of the
T_ML paper (Fig. 8): its roots and limits, a fit to an MSD curve, k_B T in LAMMPS units.

>>> from amorph import msd
>>> fit = msd.fit_msd_model(t, y, m=77.0, kT=msd.thermal_energy(100.0))

numpy at import; :func:`fit_msd_model` imports scipy.
"""
import math
from collections import namedtuple

import numpy as np

from ._common import _report

__all__ = [
    "thermal_energy", "msd_model", "msd_model_roots", "msd_model_limits", "fit_msd_model",
    "MSDFit", "mean_squared_displacement",
]


MSDFit = namedtuple("MSDFit", "k eta1 eta2 stderr m kT a rms_log success")


_KB = {"metal": 8.617333262e-5, "real": 1.987204259e-3, "lj": 1.0}     # energy/K
_MVV2E = {"metal": 1.0364269e-4, "real": 48.88821291 ** 2, "lj": 1.0}   # LAMMPS mvv2e


def thermal_energy(T, units="metal"):
    """k_B T in mass × distance² / time² of a LAMMPS unit style, i.e. the units in which
    k_B T / m of eq. (2) is a squared velocity: metal g/mol Å²/ps², real g/mol Å²/fs²,
    lj reduced (k_B = 1)."""
    if units not in _KB:
        raise ValueError(f"units must be one of {sorted(_KB)}")
    return _KB[units] * T / _MVV2E[units]


def msd_model_roots(k, eta1, eta2, m):
    """Roots λ1, λ2 (complex) of the characteristic equation of eq. (2):

    λ_{1,2} = -(η2/2m) (1 + η1η2/(km) ± sqrt((η1η2/(km) - 1)² - 4 η1²/(km))).

    Both have negative real parts for positive k, η1, η2, m."""
    A = eta1 * eta2 / (k * m)
    B = eta1 * eta1 / (k * m)
    d = np.sqrt(complex((A - 1.0) ** 2 - 4.0 * B))
    pre = -eta2 / (2.0 * m)
    return pre * (1.0 + A + d), pre * (1.0 + A - d)


def _phi(z):
    """(e^z - 1 - z)/z², complex, accurate for small |z|."""
    z = np.asarray(z, dtype=complex)
    out = np.empty_like(z)
    small = np.abs(z) < 1e-2
    zs = z[small]
    out[small] = 0.5 + zs / 6 + zs ** 2 / 24 + zs ** 3 / 120 + zs ** 4 / 720 + zs ** 5 / 5040
    zb = z[~small]
    out[~small] = (np.exp(zb) - 1.0 - zb) / zb ** 2
    return out


def _dphi(z):
    """d/dz of (e^z - 1 - z)/z²."""
    z = np.asarray(z, dtype=complex)
    out = np.empty_like(z)
    small = np.abs(z) < 1e-2
    zs = z[small]
    out[small] = 1 / 6 + zs / 12 + zs ** 2 / 40 + zs ** 3 / 180 + zs ** 4 / 1008
    zb = z[~small]
    out[~small] = ((zb - 2.0) * np.exp(zb) + zb + 2.0) / zb ** 3
    return out


def msd_model(t, k, eta1, eta2, m=1.0, kT=1.0):
    """Mean squared displacement of the rheological (Jeffreys-type) model, eq. (2):

    <Δr²(t)> = (6 k_B T/m) 1/(λ2-λ1) [ (λ2 + 1/τ2)/λ2 ((e^{λ2 t} - 1)/λ2 - t)
                                       - (λ1 + 1/τ2)/λ1 ((e^{λ1 t} - 1)/λ1 - t) ],

    τ2 = m/η2, λ_{1,2} from :func:`msd_model_roots`. Evaluated as
    (6kT/m) t² [(λ2 + c) φ(λ2 t) - (λ1 + c) φ(λ1 t)]/(λ2 - λ1), φ(z) = (e^z - 1 - z)/z²,
    c = 1/τ2, exactly equal and stable for small t, complex (underdamped) roots and
    (nearly) equal roots (then the derivative limit).

    Limits (see :func:`msd_model_limits`):

    * t -> 0: <Δr²> = (3 k_B T/m) t² + O(t³) (free, ballistic motion);
    * t -> ∞: <Δr²> = (6 k_B T/(m a)) t + const, a = τ2 λ1 λ2 = η1η2(η1+η2)/(k m²)
      (diffusive).

    Parameters
    ----------
    t : array_like
        Times >= 0.
    k, eta1, eta2 : float
        Spring constant (mass/time²) and the two viscous (friction) coefficients
        (mass/time) of the model, > 0.
    m : float
        Mean atomic mass.
    kT : float
        k_B T in mass × distance²/time² (:func:`thermal_energy`).

    Returns
    -------
    ndarray
        MSD in distance² (real).
    """
    t = np.asarray(t, dtype=float)
    l1, l2 = msd_model_roots(k, eta1, eta2, m)
    c = eta2 / m
    pre = 6.0 * kT / m
    if abs(l2 - l1) > 1e-7 * max(abs(l1), abs(l2)):
        val = ((l2 + c) * _phi(l2 * t) - (l1 + c) * _phi(l1 * t)) / (l2 - l1)
    else:       # divided difference -> derivative of (λ + c) φ(λ t)
        lam = 0.5 * (l1 + l2)
        val = _phi(lam * t) + (lam + c) * t * _dphi(lam * t)
    return pre * (t ** 2 * val).real


def msd_model_limits(k, eta1, eta2, m=1.0, kT=1.0):
    """Short- and long-time limits of eq. (2).

    Returns
    -------
    dict
        ``short_coefficient`` 3kT/m (MSD ≈ coefficient × t² for t -> 0);
        ``a`` = τ2 λ1 λ2 = η1η2(η1+η2)/(k m²) (1/time);
        ``long_slope`` 6kT/(m a) and ``long_intercept`` (6kT/m)[1/(λ1λ2) + c(λ1+λ2)/(λ1λ2)²]
        (MSD ≈ slope × t + intercept for t -> ∞; D = slope/6);
        ``lambda1``, ``lambda2``; ``relaxation_time`` 1/min|Re λ| (time beyond which the
        long-time form holds).
    """
    l1, l2 = msd_model_roots(k, eta1, eta2, m)
    c = eta2 / m
    p = l1 * l2
    a = float((p / c).real)
    pre = 6.0 * kT / m
    return dict(short_coefficient=3.0 * kT / m, a=a, long_slope=pre / a,
                long_intercept=float((pre * (1.0 / p + c * (l1 + l2) / p ** 2)).real),
                lambda1=l1, lambda2=l2,
                relaxation_time=1.0 / min(abs(l1.real), abs(l2.real)))


def fit_msd_model(t, msd, m=1.0, kT=1.0, p0=None, sigma_log=None, grid=9, progress=None):
    r"""Fit eq. (2) to an MSD curve (Fig. 8b) with :func:`scipy.optimize.curve_fit`.

    The fit is least squares on log(MSD) (the curve spans decades and the paper shows it
    on log-log axes) over log k, log η1, log η2 (keeps them positive); m and kT are fixed.
    Without ``p0`` the start is the best point of a ``grid``\ ³ logarithmic grid spanning the
    rates 0.01/t_max ... 100/t_min.

    Parameters
    ----------
    t, msd : array_like
        Times > 0 and MSD > 0 (other points are dropped).
    m, kT : float
        Mean atomic mass and k_B T (:func:`thermal_energy`), consistent units.
    p0 : (k, eta1, eta2), optional
        Start values.
    sigma_log : array_like, optional
        Uncertainty of log(MSD) per point.
    grid : int
        Points per parameter of the start grid.
    progress : callable, optional

    Returns
    -------
    MSDFit
        ``k, eta1, eta2``; ``stderr`` (k, η1, η2) from the covariance; ``m``, ``kT``;
        ``a`` of the long-time limit; ``rms_log`` residual of log MSD; ``success``.
    """
    from scipy.optimize import curve_fit
    t = np.asarray(t, dtype=float).ravel()
    y = np.asarray(msd, dtype=float).ravel()
    ok = (t > 0) & (y > 0) & np.isfinite(t) & np.isfinite(y)
    t, y = t[ok], y[ok]
    sig = None if sigma_log is None else np.asarray(sigma_log, float).ravel()[ok]
    if len(t) < 4:
        raise ValueError("need at least 4 points with t > 0 and MSD > 0")
    ly = np.log(y)

    def f(tt, lk, l1, l2):
        with np.errstate(all="ignore"):
            v = msd_model(tt, math.exp(lk), math.exp(l1), math.exp(l2), m, kT)
        return np.log(np.where(v > 0, v, 1e-300))

    if p0 is None:
        rmin, rmax = 0.01 / t.max(), 100.0 / t.min()
        rates = np.geomspace(rmin, rmax, grid)
        best = (np.inf, None)
        for n1, r1 in enumerate(rates):           # η1/m, η2/m and sqrt(k/m) on the grid
            _report(progress, 0.5 * n1 / grid, "start grid")
            for r2 in rates:
                for r3 in rates:
                    p = (math.log(m * r3 * r3), math.log(m * r1), math.log(m * r2))
                    res = f(t, *p) - ly
                    if sig is not None:
                        res = res / sig
                    s = float(np.sum(res ** 2))
                    if math.isfinite(s) and s < best[0]:
                        best = (s, p)
        lp0 = best[1]
    else:
        lp0 = tuple(math.log(v) for v in p0)
    _report(progress, 0.5, "least squares")
    success = True
    try:
        popt, pcov = curve_fit(f, t, ly, p0=lp0, sigma=sig, absolute_sigma=sig is not None,
                               maxfev=20000)
    except RuntimeError:
        popt, pcov, success = np.array(lp0), np.full((3, 3), np.inf), False
    k, e1, e2 = np.exp(popt)
    with np.errstate(invalid="ignore"):
        stderr = np.exp(popt) * np.sqrt(np.diag(pcov))     # d exp(x) = exp(x) dx
    rms = float(np.sqrt(np.mean((f(t, *popt) - ly) ** 2)))
    _report(progress, 1.0, "fit done")
    return MSDFit(float(k), float(e1), float(e2), stderr, m, kT,
                  msd_model_limits(k, e1, e2, m, kT)["a"], rms, success)


def mean_squared_displacement(x0, x):
    """``<|x - x0|²>`` of unwrapped positions (N, 3) (or a series (T, N, 3) -> (T,))."""
    d = np.asarray(x, dtype=float) - np.asarray(x0, dtype=float)
    return np.mean(np.sum(d * d, axis=-1), axis=-1)
