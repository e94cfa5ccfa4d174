# AMORPH - LAMMPS plugin package, GPL-2.0
"""Statistics of per-atom samples: the Pearson correlation coefficient and its dependence on
the time interval (Fig. 5), and the bimodality test by Gaussian mixtures (Fig. 2).

>>> from amorph import stats
>>> lags, rho = stats.correlation_vs_lag(tml, {10: d2min_10ps, 40: d2min_40ps})

numpy at import; :func:`bimodality` imports scikit-learn.
"""
import math

import numpy as np

__all__ = [
    "correlation", "correlation_vs_lag", "bimodality",
]


def correlation(a, b, omit_nonfinite=True):
    """Pearson correlation coefficient ρ(A, B) = cov(A, B)/(σ_A σ_B) (paper, Fig. 5).

    Parameters
    ----------
    a, b : array_like, shape (N,)
        Per-atom quantities (e.g. T_ML and D2min, von Mises strain or rotation angle).
    omit_nonfinite : bool
        Drop atoms where either value is NaN/inf (e.g. D2min flagged invalid);
        otherwise the result is NaN.

    Returns
    -------
    float
        ρ in [-1, 1]; NaN if fewer than 2 atoms or a constant input.
    """
    x = np.asarray(a, dtype=float).ravel()
    y = np.asarray(b, dtype=float).ravel()
    if x.size != y.size:
        raise ValueError("a and b differ in length")
    if omit_nonfinite:
        ok = np.isfinite(x) & np.isfinite(y)
        x, y = x[ok], y[ok]
    if x.size < 2:
        return float("nan")
    dx = x - x.mean()
    dy = y - y.mean()
    sx = math.sqrt(float(np.dot(dx, dx)))
    sy = math.sqrt(float(np.dot(dy, dy)))
    if sx == 0 or sy == 0 or not (math.isfinite(sx) and math.isfinite(sy)):
        return float("nan")
    return float(np.clip(np.dot(dx, dy) / (sx * sy), -1.0, 1.0))


def correlation_vs_lag(tml, values_by_lag, omit_nonfinite=True):
    """ρ(T_ML, X(Δt)) for each time interval Δt from the window start (Fig. 5a-c).

    Parameters
    ----------
    tml : array_like, shape (N,)
    values_by_lag : dict
        ``{lag: per-atom values}`` (e.g. D2min between t and t + Δt).

    Returns
    -------
    (lags, rho) : (ndarray, ndarray)
        Sorted by lag.
    """
    lags = sorted(values_by_lag)
    rho = [correlation(tml, values_by_lag[L], omit_nonfinite) for L in lags]
    return np.array(lags, dtype=float), np.array(rho)


def bimodality(values, seed=0):
    """Gaussian mixtures with one and two components (scikit-learn, full covariance) fitted
    to a sample: returns a dict with the BIC of both, delta_bic = BIC(1) - BIC(2) (> 10:
    strong evidence for two modes), the two component means (ascending), weights and
    standard deviations, and the positions of the maxima of the two-component density."""
    from sklearn.mixture import GaussianMixture
    x = np.asarray(values, float).reshape(-1, 1)
    g1 = GaussianMixture(1, random_state=seed).fit(x)
    g2 = GaussianMixture(2, random_state=seed, n_init=5).fit(x)
    order = np.argsort(g2.means_.ravel())
    means = g2.means_.ravel()[order]
    weights = g2.weights_[order]
    sds = np.sqrt(g2.covariances_.ravel()[order])
    grid = np.linspace(x.min(), x.max(), 2000)
    dens = np.exp(g2.score_samples(grid.reshape(-1, 1)))
    peaks = [float(grid[i]) for i in range(1, len(grid) - 1) if dens[i] > dens[i - 1] and dens[i] >= dens[i + 1]]
    return {"bic1": float(g1.bic(x)), "bic2": float(g2.bic(x)), "delta_bic": float(g1.bic(x) - g2.bic(x)),
            "means": means.tolist(), "weights": weights.tolist(), "sds": sds.tolist(), "maxima": peaks}
