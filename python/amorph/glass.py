# AMORPH - LAMMPS plugin package, GPL-2.0
"""Glass transition: T_g of the paper's Cu50Zr50 (the LA/SA threshold) and T_g from a
volume- (or enthalpy-) temperature curve (paper Fig. S1).

>>> from amorph.glass import glass_transition
>>> tg, slope_glass, slope_liquid, rms = glass_transition(T, V)

numpy only.
"""
import numpy as np

__all__ = [
    "TG_CUZR", "glass_transition",
]


#: glass transition temperature of the paper's Cu50Zr50 (K), the LA/SA threshold
TG_CUZR = 685.0


def glass_transition(T, V, tmin=None, tmax=None, ngrid=400):
    """Glass transition temperature from a volume- (or enthalpy-) temperature curve: the
    kink of the continuous two-line (hinge) least-squares fit
    V = a + b T + c max(T - Tg, 0), with Tg on a grid between ``tmin`` and ``tmax``
    (default: the 10th and 90th percentiles of T).  Returns (Tg, slope below, slope above,
    rms residual)."""
    T = np.asarray(T, float)
    V = np.asarray(V, float)
    ok = np.isfinite(T) & np.isfinite(V)
    T, V = T[ok], V[ok]
    if len(T) < 6:
        raise ValueError("glass_transition: at least 6 points are needed")
    lo = np.percentile(T, 10) if tmin is None else tmin
    hi = np.percentile(T, 90) if tmax is None else tmax
    best = None
    for tg in np.linspace(lo, hi, ngrid):
        M = np.column_stack([np.ones_like(T), T, np.maximum(T - tg, 0.0)])
        c, *_ = np.linalg.lstsq(M, V, rcond=None)
        r = float(np.sum((M @ c - V) ** 2))
        if best is None or r < best[0]:
            best = (r, tg, c)
    r, tg, c = best
    return float(tg), float(c[1]), float(c[1] + c[2]), float(np.sqrt(r / len(T)))
