# AMORPH - LAMMPS plugin package, GPL-2.0
"""The anisotropic pair distribution function of ``compute pdf/aniso`` and the nonaffine
strain ratio of X-ray studies (H. Wang et al., Phys. Rev. Lett. 128, 155501 (2022),
eqs. 1-3).

>>> from amorph import pdf
>>> c = pdf.pdf_aniso_columns(array, affine=True)
>>> fit = pdf.nonaffine_strain_ratio(c.r, g0_ref, g2_ref, c.g2, nu, dg2=dg2)

numpy only.
"""
import math
from collections import namedtuple

import numpy as np

from ._common import _axis

__all__ = [
    "PdfAniso", "NonaffineStrain", "DUCTILITY_RANGE_ZR", "affine_prefactor",
    "pdf_aniso_columns", "poisson_ratio", "affine_g2", "nonaffine_strain_ratio",
]


PdfAniso = namedtuple("PdfAniso", "r g0 n0 g2 n2 dg2")
NonaffineStrain = namedtuple(
    "NonaffineStrain",
    "eps_inf eps_inf_err eps1 eps1_err eps2 eps2_err r1 r2 A1 A2 delta_eps_R ratio ratio_err "
    "eps_inf_derivative eps1_derivative eps2_derivative ratio_derivative method fit_range "
    "sigma nu")

#: the paper's brittle/ductile transition range of Delta eps_R / eps_inf for Zr-based glasses
DUCTILITY_RANGE_ZR = (0.21, 0.24)


def affine_prefactor(nu):
    """``2(1+nu)/(3 sqrt 5)``, the factor of eq. 2 of Wang et al. (2022)."""
    return 2.0 * (1.0 + nu) / (3.0 * math.sqrt(5.0))


def pdf_aniso_columns(array, pair=-1, affine=False):
    """Columns of a ``compute pdf/aniso`` array (or of its ``fix ave/time`` rows).

    Parameters
    ----------
    array : (Nbin, ncols) array_like
        The compute's global array: r, then per set g0, coordination of g0, g2,
        coordination of g2 (and dg2/deps with the ``affine`` keyword).
    pair : int
        Set index: 0.. for the type pairs in the order given, -1 (default) for the
        total (the last set).
    affine : bool
        Whether the compute had the ``affine`` keyword (5 instead of 4 columns per set).

    Returns
    -------
    PdfAniso
        ``r g0 n0 g2 n2 dg2`` (``dg2`` None without ``affine``).
    """
    a = np.asarray(array, dtype=float)
    w = 5 if affine else 4
    if a.ndim != 2 or (a.shape[1] - 1) % w:
        raise ValueError(f"an array with 1 + k*{w} columns is expected, got shape {a.shape}")
    nset = (a.shape[1] - 1) // w
    if not -nset <= pair < nset:
        raise ValueError(f"pair {pair} out of range for {nset} sets")
    c = 1 + (pair % nset) * w
    return PdfAniso(a[:, 0], a[:, c], a[:, c + 1], a[:, c + 2], a[:, c + 3],
                    a[:, c + 4] if affine else None)


def poisson_ratio(lengths_ref, lengths, axis=2):
    """Poisson ratio and axial strain from box lengths before and under uniaxial load.

    Parameters
    ----------
    lengths_ref, lengths : array_like, shape (3,)
        Box edge lengths (x, y, z) of the reference and of the loaded state.
    axis : int or str
        Loading axis.

    Returns
    -------
    nu : float
        ``-e_lateral / e_axial`` (lateral strain averaged over the two other axes).
    eps : float
        The axial compressive strain ``-(L/L0 - 1)`` (positive in compression).
    """
    ax = _axis(axis)
    e = np.asarray(lengths, dtype=float) / np.asarray(lengths_ref, dtype=float) - 1.0
    lat = [e[k] for k in range(3) if k != ax]
    if e[ax] == 0.0:
        raise ValueError("no axial strain")
    return -float(np.mean(lat)) / e[ax], -float(e[ax])


def affine_g2(r, g0, strain, nu):
    """The affine anisotropic PDF of eq. 2: ``strain * 2(1+nu)/(3 sqrt 5) * r dg0/dr``.

    ``strain`` > 0 in compression (g2 > 0 on the rising side of a g0 peak); the derivative
    is a central difference of the binned g0 (``numpy.gradient``).
    """
    r = np.asarray(r, dtype=float)
    g0 = np.asarray(g0, dtype=float)
    return strain * affine_prefactor(nu) * r * np.gradient(g0, r)


def _extremum(r, y, lo, hi, sign):
    """Height and position of the largest ``sign*y`` in lo <= r <= hi, by a parabola
    through the extreme bin and its neighbours."""
    idx = np.nonzero((r >= lo) & (r <= hi))[0]
    if len(idx) == 0:
        raise ValueError(f"no bins in [{lo}, {hi}]")
    k = idx[np.argmax(sign * y[idx])]
    if 0 < k < len(r) - 1:
        y0, y1, y2 = y[k - 1], y[k], y[k + 1]
        den = y0 - 2 * y1 + y2
        if den * sign < 0:
            t = 0.5 * (y0 - y2) / den
            t = max(-0.5, min(0.5, t))
            return y1 - 0.25 * (y0 - y2) * t, r[k] + t * (r[k + 1] - r[k])
    return y[k], r[k]


def _first_shell(r, g0):
    """Position of the first peak of g0 and of the minimum after it."""
    k = int(np.argmax(g0))
    m = k + 1
    # first local minimum after the peak (on a 3-bin running mean against noise)
    s = np.convolve(g0, np.ones(3) / 3.0, mode="same")
    while m < len(r) - 2 and not (s[m] <= s[m - 1] and s[m] <= s[m + 1]):
        m += 1
    return r[k], r[m]


def nonaffine_strain_ratio(r, g0_ref, g2_ref, g2, nu, dg2=None, dg2_nu=None,
                           fit_range=(6.0, 20.0), sigma=None):
    """Long-range strain, first-shell strains and the nonaffine strain ratio Δε_R/ε∞.

    Wang et al. (2022): ε∞ by a least-squares fit of eq. 2 to the measured g2 over
    ``fit_range``; ε1, ε2 from the heights A_i of the first positive and negative peaks
    of g2 (eq. 3); Δε_R = ε∞ - (ε1 + ε2)/2.

    The measured g2 is the difference ``g2 - g2_ref`` (a finite glass has a g2 of its
    own, of the size of the signal at small strains).  The affine shape that ε∞ and ε_i
    are measured against is, with ``dg2``, the first-order change of the *binned* g2 of
    the reference configuration under an affine uniaxial compression (``compute
    pdf/aniso ... affine eps nu``), scaled from its Poisson ratio ``dg2_nu`` to ``nu``:
    binned like the data, it has none of the bias of evaluating r dg0/dr on a binned,
    sharp first peak (10-25 % in ε_i at 0.05-0.1 Å bins), so that a purely affine
    deformation gives Δε_R/ε∞ = 0.  Without ``dg2`` the paper's derivative formula is
    used (``method = "derivative"``); the derivative values are always reported too.

    Parameters
    ----------
    r : (n,) array_like
        Bin centres.
    g0_ref, g2_ref : (n,) array_like
        Isotropic and anisotropic PDF of the unloaded reference (time averaged).
    g2 : (n,) array_like
        Anisotropic PDF under load (same binning; compression along the compute's axis).
    nu : float
        Poisson ratio (e.g. from :func:`poisson_ratio`).
    dg2 : (n,) array_like, optional
        dg2/deps of the reference (the ``affine`` column of compute pdf/aniso).
    dg2_nu : float, optional
        The Poisson ratio given to the ``affine`` keyword (default: ``nu``).
    fit_range : (float, float)
        r range of the ε∞ fit (clipped to the data without its last two bins).
    sigma : (n,) array_like, optional
        Standard errors of ``g2 - g2_ref`` per bin (e.g. from block averages).  Default:
        counting-noise shape ``sqrt(g0_ref)/r`` scaled so that the fit has χ²/dof = 1.

    Returns
    -------
    NonaffineStrain
        ``eps_inf``, ``eps1``, ``eps2`` with standard errors, peak positions ``r1 r2`` and
        heights ``A1 A2``, ``delta_eps_R``, ``ratio`` = Δε_R/ε∞ with ``ratio_err``, the
        derivative-formula values ``eps_inf_derivative eps1_derivative eps2_derivative
        ratio_derivative``, ``method``, the ``fit_range`` used, ``sigma`` and ``nu``.
    """
    r = np.asarray(r, dtype=float)
    g0_ref = np.asarray(g0_ref, dtype=float)
    dg = np.asarray(g2, dtype=float) - np.asarray(g2_ref, dtype=float)
    P = affine_g2(r, g0_ref, 1.0, nu)                  # eq. 2 per unit strain
    if dg2 is not None:
        T = np.asarray(dg2, dtype=float) * (1.0 + nu) / (1.0 + (nu if dg2_nu is None else dg2_nu))
        method = "template"
    else:
        T = P
        method = "derivative"
    lo, hi = fit_range
    # the last bins are incomplete with spline binning (pairs beyond rc are absent), and
    # the one-sided derivative there is poor: leave out the last two
    hi = min(hi, r[-3] if len(r) > 3 else r[-1])
    sel = (r >= lo) & (r <= hi)
    if sel.sum() < 3:
        raise ValueError(f"fewer than 3 bins in the fit range [{lo}, {hi}]")

    if sigma is None:
        shape = np.sqrt(np.maximum(g0_ref, 1e-12)) / np.maximum(r, 1e-12)
        scaled = True
    else:
        shape = np.asarray(sigma, dtype=float)
        scaled = False

    def fit(S):
        w = 1.0 / shape[sel] ** 2
        e = float(np.sum(w * S[sel] * dg[sel]) / np.sum(w * S[sel] ** 2))
        chi2 = float(np.sum(w * (dg[sel] - e * S[sel]) ** 2)) / max(1, sel.sum() - 1)
        return e, chi2, float(np.sum(w * S[sel] ** 2))

    eps_inf, chi2, sw = fit(T)
    scale = math.sqrt(chi2) if scaled else 1.0
    sig = shape * scale
    eps_inf_err = scale / math.sqrt(sw)
    eps_inf_d = fit(P)[0]

    rp, rmin = _first_shell(r, g0_ref)
    rstart = r[np.argmax(g0_ref > 0.05 * g0_ref.max())]
    # windows from the affine shape: positive peak on the rising side of the first g0 peak,
    # negative peak on the falling side
    w1 = (rstart, rp)
    w2 = (rp, rmin)
    A1, r1 = _extremum(r, dg, *w1, +1)
    A2, r2 = _extremum(r, dg, *w2, -1)
    T1, _ = _extremum(r, T, *w1, +1)
    T2, _ = _extremum(r, T, *w2, -1)
    eps1, eps2 = A1 / T1, A2 / T2
    s1 = float(np.interp(r1, r, sig)) / abs(T1)
    s2 = float(np.interp(r2, r, sig)) / abs(T2)
    # the paper's eq. 3: K r_i g0'(r_i) at the peak positions
    eps1_d = A1 / float(np.interp(r1, r, P))
    eps2_d = A2 / float(np.interp(r2, r, P))
    mean = 0.5 * (eps1 + eps2)
    delta = eps_inf - mean
    ratio = delta / eps_inf
    ratio_err = math.sqrt((s1 ** 2 + s2 ** 2) / (4 * eps_inf ** 2)
                          + (mean / eps_inf ** 2) ** 2 * eps_inf_err ** 2)
    ratio_d = (eps_inf_d - 0.5 * (eps1_d + eps2_d)) / eps_inf_d
    return NonaffineStrain(eps_inf, eps_inf_err, float(eps1), s1, float(eps2), s2, float(r1),
                           float(r2), float(A1), float(A2), float(delta), float(ratio),
                           float(ratio_err), eps_inf_d, float(eps1_d), float(eps2_d),
                           float(ratio_d), method, (lo, hi), sig, nu)
