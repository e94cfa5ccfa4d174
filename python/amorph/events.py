# AMORPH - LAMMPS plugin package, GPL-2.0
"""Statistics of discrete inelastic events, for events found in MD and for measured signals
alike (e.g. the resistance spikes of a micropillar under a load-hold-unload function).

- :func:`fit_truncated_power_law`: maximum-likelihood fit of the event-size distribution
  N(x) ∝ x^-α exp(-x/x_c) above x_min, with the uncertainty of α and x_c and the comparison
  with a pure power law (likelihood ratio);
- :func:`fit_waiting_times`: exponential fit of the waiting times between events;
- :func:`event_balance`: N_p − N_n per segment of a load function (damage minus recovery);
- :func:`detect_spikes`: discrete events in a measured time series, with a documented
  threshold;
- :func:`read_events`: the event file of the LAMMPS style ``fix events`` (events found in MD).

All functions take plain numpy arrays; sizes, times and signals in any consistent units."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

__all__ = ["PowerLawFit", "fit_truncated_power_law", "sample_truncated_power_law", "WaitingFit",
           "fit_waiting_times", "event_balance", "Spikes", "detect_spikes", "EVENT_FIELDS",
           "read_events"]


# ------------------------------------------------------------ event sizes -----------
@dataclass
class PowerLawFit:
    """Result of :func:`fit_truncated_power_law`."""
    alpha: float             # exponent of the truncated power law
    alpha_err: float         # its standard error (observed Fisher information)
    xc: float                # cut-off size (inf: no cut-off within the data)
    xc_err: float            # inf when there is no cut-off within the data
    xmin: float
    n: int                   # number of sizes >= xmin used
    loglik: float            # log-likelihood of the truncated power law
    alpha_pure: float        # exponent of the pure power law fit (x_c = inf)
    alpha_pure_err: float
    loglik_pure: float
    lr: float                # likelihood ratio statistic 2 (loglik - loglik_pure), >= 0
    p_value: float           # of the pure power law against the truncated one

    def summary(self) -> str:
        return (f"N(x) ~ x^-alpha exp(-x/xc), x >= {self.xmin:g}, n = {self.n}: alpha = "
                f"{self.alpha:.3f} +- {self.alpha_err:.3f}, xc = {self.xc:.4g} +- {self.xc_err:.2g}; "
                f"pure power law alpha = {self.alpha_pure:.3f} +- {self.alpha_pure_err:.3f}; "
                f"likelihood ratio {self.lr:.2f} (p = {self.p_value:.3g})")


def _log_norm(alpha: float, lam: float, xmin: float) -> float:
    """log of Z = ∫_xmin^∞ x^-α e^{-λx} dx (λ = 1/x_c > 0), by quadrature in u = x/xmin"""
    from scipy.integrate import quad
    # Z = xmin^(1-α) ∫_1^∞ u^-α e^{-λ xmin u} du; the integrand is scaled by its value at u=1
    b = lam * xmin
    f = lambda u: np.exp(-alpha * np.log(u) - b * (u - 1.0))
    import warnings
    from scipy.integrate import IntegrationWarning
    with warnings.catch_warnings():    # far from the optimum (tiny λ, α <= 1) quad may complain
        warnings.simplefilter("ignore", IntegrationWarning)
        val, _ = quad(f, 1.0, np.inf, limit=200, epsabs=0.0, epsrel=1e-12)
    return (1.0 - alpha) * np.log(xmin) - b + np.log(val)


def fit_truncated_power_law(sizes: Sequence[float], xmin: float | None = None) -> PowerLawFit:
    """Maximum-likelihood fit of p(x) = x^-α e^{-x/x_c} / Z(α, x_c) for x >= x_min (continuous
    sizes), Z = ∫_xmin^∞ x^-α e^{-x/x_c} dx.  x_min defaults to the smallest size.  Standard
    errors from the inverse of the numerical Hessian of the log-likelihood in (α, λ = 1/x_c).
    The pure power law (λ = 0, α > 1: α = 1 + n / Σ ln(x/x_min)) is the nested model; the
    likelihood ratio 2 ΔlnL is compared with a χ²(1) distribution, halved because λ = 0 lies on
    the boundary (Self & Liang 1987).  A small p-value means the cut-off is needed."""
    from scipy.optimize import minimize
    from scipy.stats import chi2
    x = np.asarray(sizes, float)
    if x.ndim != 1 or len(x) < 10 or not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise ValueError("need at least 10 finite, positive sizes")
    xmin = float(np.min(x)) if xmin is None else float(xmin)
    if not xmin > 0:
        raise ValueError("xmin must be > 0")
    x = x[x >= xmin]
    n = len(x)
    if n < 10:
        raise ValueError(f"only {n} sizes >= xmin = {xmin:g}")
    slog, sx = float(np.sum(np.log(x))), float(np.sum(x))

    # pure power law (closed form)
    s = float(np.sum(np.log(x / xmin)))
    a_pure = 1.0 + n / s
    ll_pure = n * np.log((a_pure - 1.0) / xmin) - a_pure * float(np.sum(np.log(x / xmin)))
    a_pure_err = (a_pure - 1.0) / np.sqrt(n)

    scale = 1.0 / np.mean(x)    # λ in units of 1/mean

    def nll(p):
        a, lam = p[0], p[1] * scale
        if lam <= 0 or not np.isfinite(a):
            return np.inf
        return a * slog + lam * sx + n * _log_norm(a, lam, xmin)

    best = None
    for a0 in (a_pure, 1.2, 1.5, 2.0):
        for l0 in (1e-3, 1e-2, 0.1, 1.0):
            r = minimize(nll, [a0, l0], method="Nelder-Mead",
                         options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 4000})
            if best is None or r.fun < best.fun:
                best = r
    a, lam = best.x[0], best.x[1] * scale
    ll = -best.fun
    # the boundary is the better fit, or not measurably worse (a cut-off far beyond the largest
    # size): no cut-off within the data
    if ll < ll_pure + 1e-9 or lam * float(np.max(x)) < 1e-9:
        a, lam, ll = a_pure, 0.0, ll_pure

    # standard errors from the Hessian of nll in (α, λ)
    if lam > 0:
        def f(a_, l_):
            return a_ * slog + l_ * sx + n * _log_norm(a_, l_, xmin)
        ha, hl = 1e-4 * max(1.0, abs(a)), 1e-3 * lam
        H = np.empty((2, 2))
        H[0, 0] = (f(a + ha, lam) - 2 * f(a, lam) + f(a - ha, lam)) / ha ** 2
        H[1, 1] = (f(a, lam + hl) - 2 * f(a, lam) + f(a, lam - hl)) / hl ** 2
        H[0, 1] = H[1, 0] = (f(a + ha, lam + hl) - f(a + ha, lam - hl) - f(a - ha, lam + hl)
                             + f(a - ha, lam - hl)) / (4 * ha * hl)
        try:
            C = np.linalg.inv(H)
            a_err = float(np.sqrt(C[0, 0])) if C[0, 0] > 0 else np.nan
            l_err = float(np.sqrt(C[1, 1])) if C[1, 1] > 0 else np.nan
        except np.linalg.LinAlgError:
            a_err = l_err = np.nan
        xc, xc_err = 1.0 / lam, l_err / lam ** 2
    else:
        a_err, xc, xc_err = a_pure_err, np.inf, np.inf
    lr = max(0.0, 2.0 * (ll - ll_pure))
    p = 0.5 * chi2.sf(lr, 1) if lr > 0 else 1.0
    return PowerLawFit(float(a), float(a_err), float(xc), float(xc_err), xmin, n, float(ll),
                       float(a_pure), float(a_pure_err), float(ll_pure), float(lr), float(p))


def sample_truncated_power_law(n: int, alpha: float, xc: float, xmin: float,
                               rng: np.random.Generator) -> np.ndarray:
    """n sizes drawn from p(x) ∝ x^-α e^{-x/x_c}, x >= x_min (α > 1): pure power law proposals
    accepted with probability e^{-(x - x_min)/x_c} (for synthetic data and tests)."""
    if not alpha > 1:
        raise ValueError("alpha must be > 1")
    out = np.empty(0)
    while len(out) < n:
        u = rng.uniform(size=2 * n)
        prop = xmin * (1.0 - u) ** (-1.0 / (alpha - 1.0))
        keep = rng.uniform(size=2 * n) < np.exp(-(prop - xmin) / xc)
        out = np.concatenate([out, prop[keep]])
    return out[:n]


# ------------------------------------------------------------ waiting times ---------
@dataclass
class WaitingFit:
    """Exponential fit p(t) = (1/τ) e^{-t/τ} of waiting times (maximum likelihood)."""
    tau: float
    tau_err: float
    n: int
    ks_statistic: float      # Kolmogorov-Smirnov distance to the fitted exponential
    ks_p_value: float        # (approximate: τ is estimated from the same data)

    def summary(self) -> str:
        return (f"waiting times: tau = {self.tau:.4g} +- {self.tau_err:.2g} (n = {self.n}), "
                f"KS D = {self.ks_statistic:.3f} (p = {self.ks_p_value:.3g})")


def fit_waiting_times(times: Sequence[float] | None = None, *,
                      waits: Sequence[float] | None = None) -> WaitingFit:
    """Exponential fit of the waiting times between events: from event times (sorted, the
    differences are taken) or from waiting times directly.  τ = mean wait, standard error
    τ/√n."""
    from scipy.stats import kstest
    if (times is None) == (waits is None):
        raise ValueError("give event times or waiting times")
    w = np.diff(np.sort(np.asarray(times, float))) if waits is None else np.asarray(waits, float)
    if len(w) < 2 or np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("need at least 2 finite, non-negative waiting times")
    tau = float(np.mean(w))
    ks = kstest(w, "expon", args=(0.0, tau))
    return WaitingFit(tau, tau / np.sqrt(len(w)), len(w), float(ks.statistic), float(ks.pvalue))


# ------------------------------------------------------------ balance per segment ---
def event_balance(times: Sequence[float], signs: Sequence[int],
                  segments: Sequence[tuple[str, float, float]]) -> list[dict]:
    """Per segment (name, t_start, t_end) of a load function (half-open [t_start, t_end)):
    the counts of p-type (sign > 0: damage) and n-type (sign < 0: recovery) events and the
    balance N_p − N_n (> 0 during loading, ≈ 0 at the hold, < 0 during unloading in the
    micropillar experiments)."""
    t = np.asarray(times, float)
    s = np.asarray(signs)
    if t.shape != s.shape:
        raise ValueError("times and signs must have the same length")
    out = []
    for name, a, b in segments:
        sel = (t >= a) & (t < b)
        npos, nneg = int(np.sum(s[sel] > 0)), int(np.sum(s[sel] < 0))
        out.append({"segment": name, "t_start": float(a), "t_end": float(b), "n_p": npos,
                    "n_n": nneg, "balance": npos - nneg})
    return out


# ------------------------------------------------------------ spikes ----------------
@dataclass
class Spikes:
    """Events found by :func:`detect_spikes`."""
    times: np.ndarray        # time of the extreme sample of each event
    sizes: np.ndarray        # |residual| at that sample (signal units)
    signs: np.ndarray        # +1 (up: p-type) or -1 (down: n-type)
    noise: float             # robust noise level σ of the residual
    threshold: float         # in units of σ
    baseline: np.ndarray = field(repr=False)


def detect_spikes(t: Sequence[float], signal: Sequence[float], threshold: float = 5.0,
                  window: int = 51) -> Spikes:
    """Discrete events in a measured time series.  The slow baseline is a running median over
    `window` samples (odd); the residual r = signal − baseline has the robust noise level
    σ = 1.4826 · median(|r − median(r)|); samples with |r| > threshold · σ are event samples, and
    consecutive event samples of the same sign are one event, located at its largest |r|, with
    size |r| there and the sign of r.  The default threshold of 5 σ gives about 6e-7 false
    samples per sample for Gaussian noise."""
    from scipy.ndimage import median_filter
    t = np.asarray(t, float)
    y = np.asarray(signal, float)
    if t.shape != y.shape or y.ndim != 1 or len(y) < 3:
        raise ValueError("t and signal must be 1d arrays of the same length (>= 3)")
    if not threshold > 0:
        raise ValueError("threshold must be > 0")
    window = int(window) | 1
    base = median_filter(y, size=window, mode="nearest")
    r = y - base
    sigma = 1.4826 * float(np.median(np.abs(r - np.median(r))))
    if not sigma > 0:
        sigma = float(np.std(r)) or 1.0
    hit = np.abs(r) > threshold * sigma
    sg = np.sign(r) * hit
    times, sizes, signs = [], [], []
    i = 0
    n = len(y)
    while i < n:
        if sg[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < n and sg[j + 1] == sg[i]:
            j += 1
        k = i + int(np.argmax(np.abs(r[i:j + 1])))
        times.append(t[k])
        sizes.append(abs(r[k]))
        signs.append(int(sg[i]))
        i = j + 1
    return Spikes(np.array(times), np.array(sizes), np.array(signs, int), sigma, float(threshold), base)


# ------------------------------------------------------------ fix events files ------
#: the columns of the event file of ``fix events`` (doc/src/fix_events.rst), in order
EVENT_FIELDS = (("step", np.int64), ("event", np.int64), ("size", np.int64),
                ("magnitude", float), ("delta", float), ("sign", np.int64), ("xc", float),
                ("yc", float), ("zc", float))
_EVENT_MAGIC = "# AMORPH fix events v1"


def read_events(path) -> np.ndarray:
    """The events of a ``fix events`` file as a numpy structured array with the fields of
    :data:`EVENT_FIELDS` (one row per event: step, event id = smallest atom ID, size in atoms,
    magnitude = summed mobility, delta = summed change of the disorder quantity, sign +1 damage
    / -1 recovery, centroid).  Files continued with ``append yes`` are read whole; a file of
    another format is refused."""
    dtype = np.dtype(list(EVENT_FIELDS))
    rows = []
    with open(path) as f:
        first = f.readline()
        if not first.startswith(_EVENT_MAGIC):
            raise ValueError(f"{path}: not a fix events file (first line {first.strip()!r})")
        for ln, line in enumerate(f, start=2):
            if not line.strip() or line.startswith("#"):
                continue
            v = line.split()
            if len(v) != len(EVENT_FIELDS):
                raise ValueError(f"{path}:{ln}: expected {len(EVENT_FIELDS)} columns, got {len(v)}")
            rows.append(tuple(int(x) if t is np.int64 else float(x)
                              for x, (_, t) in zip(v, EVENT_FIELDS)))
    return np.array(rows, dtype=dtype)
