# AMORPH - LAMMPS plugin package, GPL-2.0
"""Nanoindentation analyses, for measured load-displacement data (e.g. CSV files of an
indenter) and for MD (fix indent) alike:

- :func:`oliver_pharr`: hardness H and reduced modulus E_r from the unloading curve
  (Oliver & Pharr, J. Mater. Res. 7, 1564 (1992));
- :func:`indentation_work`: total, elastic and plastic work;
- :func:`fit_creep_power` and :func:`fit_creep_spectrum`: the displacement during a hold,
  h(t) = a t + b t^c, and h(t) = Σ h_i (1 − e^{−t/τ_i}) + t/μ0 with its relaxation spectrum;
- :func:`gmm_select`: Gaussian mixtures with full covariance, e.g. on (H, creep
  displacement), the number of clusters chosen by BIC and AIC;
- :func:`ccdf_compare`: the complementary cumulative distribution fitted by a Gaussian and a
  Weibull distribution, compared by R², log-likelihood, AIC and BIC;
- :func:`hardness_fwhm`: the width of a hardness distribution, FWHM = 2 √(2 ln 2) σ of a
  Gaussian fit.

Units are the caller's: with loads in mN and depths in nm, H and E_r come out in mN/nm²
(multiply by 1e6 for GPa); with eV/Å and Å (MD, metal units), in eV/Å³ (× 160.2177 for GPa)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

__all__ = ["berkovich_area", "sphere_area", "OliverPharr", "oliver_pharr", "indentation_work",
           "CreepPowerFit", "fit_creep_power", "CreepSpectrumFit", "fit_creep_spectrum",
           "GMMSelection", "gmm_select", "CCDFComparison", "ccdf_compare", "hardness_fwhm"]

FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))    # 2.3548...


def berkovich_area(C0: float = 24.5) -> Callable[[float], float]:
    """Area function A(h_c) = C0 h_c² of an ideal Berkovich tip (C0 = 24.5)."""
    return lambda hc: C0 * hc * hc


def sphere_area(R: float) -> Callable[[float], float]:
    """Projected contact area of a sphere of radius R at contact depth h_c: π (2 R h_c − h_c²)."""
    return lambda hc: np.pi * (2.0 * R * hc - hc * hc)


@dataclass
class OliverPharr:
    """Result of :func:`oliver_pharr` (units: those of the data)."""
    hardness: float          # H = P_max / A(h_c)
    reduced_modulus: float   # E_r = √π S / (2 β √A)
    stiffness: float         # S = dP/dh at h_max of the fitted unloading curve
    h_max: float
    p_max: float
    h_c: float               # contact depth h_max − ε P_max / S
    area: float
    h_f: float               # final depth of the fitted unloading curve
    m: float                 # exponent of the fitted unloading curve P = α (h − h_f)^m
    alpha: float


def oliver_pharr(h_unload: Sequence[float], p_unload: Sequence[float],
                 area: Callable[[float], float] | None = None, epsilon: float = 0.75,
                 beta: float = 1.0, fit_range: tuple[float, float] = (0.2, 1.0)) -> OliverPharr:
    """Oliver-Pharr analysis of an unloading curve (depth h, load P, any order).  The part of
    the curve with P between fit_range[0] and fit_range[1] times P_max is fitted by
    P = α (h − h_f)^m (nonlinear least squares); S = m α (h_max − h_f)^(m−1);
    h_c = h_max − ε P_max / S (ε = 0.75 for a paraboloid/Berkovich, 0.72 for a cone, 1 for a
    flat punch); H = P_max / A(h_c); E_r = √π S / (2 β √A(h_c)) (β = 1.034 for a Berkovich
    tip, 1 for axisymmetric tips).  `area` defaults to the ideal Berkovich A = 24.5 h_c²."""
    from scipy.optimize import curve_fit
    h = np.asarray(h_unload, float)
    P = np.asarray(p_unload, float)
    if h.shape != P.shape or h.ndim != 1 or len(h) < 5:
        raise ValueError("h and P must be 1d arrays of the same length (>= 5)")
    area = berkovich_area() if area is None else area
    i = int(np.argmax(P))
    hmax, pmax = float(h[i]), float(P[i])
    sel = (P >= fit_range[0] * pmax) & (P <= fit_range[1] * pmax)
    if sel.sum() < 4:
        raise ValueError("fewer than 4 points of the unloading curve in the fit range")
    hs, ps = h[sel], P[sel]

    def model(x, a, hf, m):
        return a * np.clip(x - hf, 0.0, None) ** m

    hf0 = float(np.min(hs)) - 0.1 * (hmax - float(np.min(hs)))
    m0 = 1.5
    a0 = pmax / max(hmax - hf0, 1e-300) ** m0
    popt, _ = curve_fit(model, hs, ps, p0=[a0, hf0, m0], maxfev=20000,
                        bounds=([0.0, -np.inf, 1.0], [np.inf, hmax * (1 - 1e-12), 3.0]))
    a, hf, m = (float(v) for v in popt)
    S = m * a * (hmax - hf) ** (m - 1.0)
    hc = hmax - epsilon * pmax / S
    A = float(area(hc))
    if not A > 0:
        raise ValueError(f"contact area A(h_c = {hc:g}) = {A:g} is not positive")
    return OliverPharr(pmax / A, np.sqrt(np.pi) * S / (2.0 * beta * np.sqrt(A)), S, hmax, pmax,
                       hc, A, hf, m, a)


def indentation_work(h_load: Sequence[float], p_load: Sequence[float],
                     h_unload: Sequence[float], p_unload: Sequence[float]) -> dict:
    """Total work W_t = ∫ P dh over the loading curve, elastic work W_e = ∫ P dh over the
    unloading curve (the energy returned), plastic work W_p = W_t − W_e (the area between the
    curves) and W_e / W_t; trapezoidal rule, curves in any direction."""
    def area(h, p):
        h = np.asarray(h, float)
        p = np.asarray(p, float)
        o = np.argsort(h)
        return float(np.trapz(p[o], h[o]))
    wt, we = area(h_load, p_load), area(h_unload, p_unload)
    return {"W_total": wt, "W_elastic": we, "W_plastic": wt - we,
            "elastic_fraction": we / wt if wt else np.nan}


@dataclass
class CreepPowerFit:
    a: float
    b: float
    c: float
    r2: float


def fit_creep_power(t: Sequence[float], h: Sequence[float]) -> CreepPowerFit:
    """Hold creep h(t) = a t + b t^c, with t and h measured from the start of the hold
    (h(0) = 0, t0 = 0); nonlinear least squares."""
    from scipy.optimize import curve_fit
    t = np.asarray(t, float)
    h = np.asarray(h, float)
    f = lambda x, a, b, c: a * x + b * np.power(x, c)
    span = float(np.max(t)) if len(t) else 1.0
    p0 = [0.1 * h[-1] / span, 0.9 * h[-1] / span ** 0.5, 0.5]
    popt, _ = curve_fit(f, t, h, p0=p0, maxfev=20000, bounds=([-np.inf, -np.inf, 1e-3], [np.inf, np.inf, 1.0]))
    res = h - f(t, *popt)
    r2 = 1.0 - float(np.sum(res ** 2)) / float(np.sum((h - np.mean(h)) ** 2))
    return CreepPowerFit(*(float(v) for v in popt), r2)


@dataclass
class CreepSpectrumFit:
    taus: np.ndarray         # relaxation times of the spectrum
    h: np.ndarray            # amplitudes h_i >= 0: the relaxation spectrum L(τ)
    inv_mu0: float           # steady creep rate 1/μ0 >= 0
    r2: float

    def predict(self, t):
        t = np.asarray(t, float)
        return (self.h[None, :] * (1.0 - np.exp(-t[:, None] / self.taus[None, :]))).sum(1) + self.inv_mu0 * t


def fit_creep_spectrum(t: Sequence[float], h: Sequence[float],
                       taus: Sequence[float] | None = None) -> CreepSpectrumFit:
    """Hold creep h(t) = Σ_i h_i (1 − e^{−t/τ_i}) + t/μ0 on a fixed grid of relaxation times τ_i
    (default: 20 log-spaced from 0.2 Δt to 2 t_max), amplitudes h_i >= 0 and 1/μ0 >= 0 by
    non-negative least squares; h_i over τ_i is the relaxation spectrum."""
    from scipy.optimize import nnls
    t = np.asarray(t, float)
    h = np.asarray(h, float)
    if taus is None:
        dt = float(np.min(np.diff(np.unique(t)))) if len(t) > 1 else 1.0
        taus = np.geomspace(0.2 * dt, 2.0 * float(np.max(t)), 20)
    taus = np.asarray(taus, float)
    M = np.hstack([1.0 - np.exp(-t[:, None] / taus[None, :]), t[:, None]])
    coef, _ = nnls(M, h)
    res = h - M @ coef
    r2 = 1.0 - float(np.sum(res ** 2)) / float(np.sum((h - np.mean(h)) ** 2))
    return CreepSpectrumFit(taus, coef[:-1], float(coef[-1]), r2)


@dataclass
class GMMSelection:
    n_components: np.ndarray
    bic: np.ndarray
    aic: np.ndarray
    best_bic: int
    best_aic: int
    model: object            # the sklearn GaussianMixture with best_bic components


def gmm_select(X, max_components: int = 6, seed: int = 0, n_init: int = 5) -> GMMSelection:
    """Gaussian mixtures with full covariance for 1 ... max_components clusters on the rows of
    X (e.g. columns hardness and creep displacement; standardise columns of different units
    first); the number of clusters with the lowest BIC and the lowest AIC."""
    from sklearn.mixture import GaussianMixture
    X = np.asarray(X, float)
    if X.ndim == 1:
        X = X[:, None]
    ks = np.arange(1, max_components + 1)
    models = [GaussianMixture(k, covariance_type="full", n_init=n_init, random_state=seed).fit(X)
              for k in ks]
    bic = np.array([m.bic(X) for m in models])
    aic = np.array([m.aic(X) for m in models])
    ib, ia = int(np.argmin(bic)), int(np.argmin(aic))
    return GMMSelection(ks, bic, aic, int(ks[ib]), int(ks[ia]), models[ib])


@dataclass
class CCDFComparison:
    """Gaussian and Weibull fits (maximum likelihood) of a sample, judged on its CCDF."""
    x: np.ndarray            # sorted sample
    ccdf: np.ndarray         # empirical P(X > x) at the sorted sample (Weibull plotting position)
    gauss: dict              # mean, std, r2, loglik, aic, bic
    weibull: dict            # shape, scale, r2, loglik, aic, bic

    @property
    def better(self) -> str:
        return "weibull" if self.weibull["bic"] < self.gauss["bic"] else "gaussian"


def ccdf_compare(values: Sequence[float]) -> CCDFComparison:
    """CCDF of a sample (e.g. plastic works) against a Gaussian and a two-parameter Weibull
    distribution fitted by maximum likelihood: R² of each fitted CCDF against the empirical
    one, log-likelihood, AIC = 2k − 2 lnL and BIC = k ln n − 2 lnL (k = 2)."""
    from scipy import stats
    x = np.sort(np.asarray(values, float))
    n = len(x)
    if n < 5:
        raise ValueError("need at least 5 values")
    emp = 1.0 - np.arange(1, n + 1) / (n + 1.0)

    def judge(model_ccdf, loglik):
        ss = float(np.sum((emp - model_ccdf) ** 2))
        r2 = 1.0 - ss / float(np.sum((emp - emp.mean()) ** 2))
        return {"r2": r2, "loglik": loglik, "aic": 4.0 - 2.0 * loglik, "bic": 2.0 * np.log(n) - 2.0 * loglik}

    mu, sd = float(np.mean(x)), float(np.std(x))
    g = judge(stats.norm.sf(x, mu, sd), float(np.sum(stats.norm.logpdf(x, mu, sd))))
    g.update(mean=mu, std=sd)
    if np.any(x <= 0):
        w = {"shape": np.nan, "scale": np.nan, "r2": np.nan, "loglik": -np.inf, "aic": np.inf, "bic": np.inf}
    else:
        c, _, s = stats.weibull_min.fit(x, floc=0.0)
        w = judge(stats.weibull_min.sf(x, c, 0.0, s), float(np.sum(stats.weibull_min.logpdf(x, c, 0.0, s))))
        w.update(shape=float(c), scale=float(s))
    return CCDFComparison(x, emp, g, w)


def hardness_fwhm(hardness: Sequence[float]) -> dict:
    """Width of a hardness distribution: a Gaussian fitted by maximum likelihood (mean, σ) and
    FWHM = 2 √(2 ln 2) σ ≈ 2.355 σ, the heterogeneity measure of hardness maps."""
    H = np.asarray(hardness, float)
    if len(H) < 2:
        raise ValueError("need at least 2 values")
    sd = float(np.std(H))
    return {"mean": float(np.mean(H)), "sigma": sd, "fwhm": FWHM_PER_SIGMA * sd,
            "sigma_err": sd / np.sqrt(2.0 * (len(H) - 1))}
