# AMORPH - LAMMPS plugin package, GPL-2.0
"""Bond orientational order (Fig. 6c-f of the T_ML paper): the joint q6-w̄6 distribution,
Steinhardt q_lm of dumped configurations and the bond crystallinity s(i,j) of Tanaka.

>>> from amorph import boop
>>> q = boop.steinhardt_qlm(x, box, nb)
>>> hist, crystalline = boop.sij_histogram(boop.sij_values(q, boop.bond_pairs(nb)))

numpy at import; :func:`steinhardt_qlm` imports scipy.
"""
from collections import namedtuple

import numpy as np

from ._common import _as_lists, _box, _report
from .distributions import Histogram

__all__ = [
    "REFERENCE_Q6_W6", "joint_histogram", "JointHistogram", "steinhardt_qlm",
    "qlm_from_components", "bond_pairs", "sij_values", "sij_histogram",
]


#: (q6, ŵ6) of ideal local structures, for the labels of Fig. 6c-e (doc/src/Science.rst,
#: section 3.6; bcc with 14 neighbours, sc with 6, ico = the 12 vertices of an icosahedron)
REFERENCE_Q6_W6 = {
    "ico": (0.66332, -0.16975),
    "fcc": (0.57452, -0.01316),
    "hcp": (0.48476, -0.01244),
    "bcc": (0.51069, 0.01316),
    "sc": (0.35355, 0.01316),
}


JointHistogram = namedtuple("JointHistogram", "density edges_x edges_y")


def joint_histogram(q6, wbar6, bins=50, range=None, density=True):
    """Joint probability distribution of q6 and w̄6 (Fig. 6c-e).

    Parameters
    ----------
    q6, wbar6 : array_like, shape (N,)
        Per-atom q6 and normalised averaged w̄6 (``compute boop/atom`` columns q6 and
        ŵ̄6). The ideal structures of :data:`REFERENCE_Q6_W6` mark the plot.
    bins : int or (int, int) or edges
    range : ((float, float), (float, float)), optional
        Default ((0, 0.7), (-0.2, 0.05)), covering the reference structures.
    density : bool
        Probability density (integrates to 1) or counts.

    Returns
    -------
    JointHistogram
        ``density[i, j]`` for q6 bin i and w̄6 bin j, ``edges_x`` (q6), ``edges_y`` (w̄6).
    """
    x = np.asarray(q6, dtype=float).ravel()
    y = np.asarray(wbar6, dtype=float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    if range is None:
        range = ((0.0, 0.7), (-0.2, 0.05))
    h, ex, ey = np.histogram2d(x[ok], y[ok], bins=bins, range=range, density=density)
    return JointHistogram(h, ex, ey)


def _sph_harm(m, l, azim, polar):
    from scipy import special
    if hasattr(special, "sph_harm_y"):       # scipy >= 1.15
        return special.sph_harm_y(l, m, polar, azim)
    return special.sph_harm(m, l, azim, polar)


def steinhardt_qlm(positions, box, neighbors, l=6, progress=None):
    """Steinhardt q_lm(i) = (1/N_b) Σ_j Y_lm(r̂_ij) (doc/src/Science.rst, section 3.1), numpy
    version for the bond crystallinity s(i,j) of dumped configurations.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
    box : array_like
        Orthogonal periodic box (minimum image).
    neighbors : list of array_like or ndarray (N, K)
    l : int

    Returns
    -------
    ndarray of complex, shape (N, 2l+1)
        Columns m = -l ... l (Condon-Shortley phase); zero rows for atoms without
        neighbours.
    """
    x = np.asarray(positions, dtype=float).reshape(-1, 3)
    b = _box(box)
    L = b[:, 1] - b[:, 0]
    lists = _as_lists(neighbors, len(x))
    lengths = np.array([len(nb) for nb in lists])
    q = np.zeros((len(x), 2 * l + 1), complex)
    if lengths.sum() == 0:
        return q
    i = np.repeat(np.arange(len(x)), lengths)
    j = np.concatenate(lists)
    d = x[j] - x[i]
    d -= L * np.round(d / L)
    r = np.linalg.norm(d, axis=1)
    polar = np.arccos(np.clip(d[:, 2] / r, -1.0, 1.0))
    azim = np.arctan2(d[:, 1], d[:, 0])
    for k, m in enumerate(range(-l, l + 1)):
        y = _sph_harm(m, l, azim, polar)
        q[:, k] = np.bincount(i, weights=y.real, minlength=len(x)) \
            + 1j * np.bincount(i, weights=y.imag, minlength=len(x))
        _report(progress, (k + 1) / (2 * l + 1), f"q_{l}m, m = {m}")
    nz = lengths > 0
    q[nz] /= lengths[nz, None]
    return q


def qlm_from_components(components, l=6):
    """Complex q_lm from the columns Re(q_l,-l), Im(q_l,-l), ..., Re(q_l,l), Im(q_l,l) of
    core LAMMPS ``compute orientorder/atom ... components l`` (the per-atom array columns
    after the q_l values). s(i,j) is unchanged by its normalisation."""
    c = np.asarray(components, dtype=float)
    if c.shape[-1] != 2 * (2 * l + 1):
        raise ValueError(f"expected {2 * (2 * l + 1)} columns for l = {l}")
    return c[..., 0::2] + 1j * c[..., 1::2]


def bond_pairs(neighbors):
    """Unique bonds (i < j) of neighbour lists, shape (P, 2); each pair once even if only
    one of the two atoms lists the other."""
    lists = _as_lists(neighbors, len(neighbors))
    lengths = np.array([len(nb) for nb in lists])
    if lengths.sum() == 0:
        return np.zeros((0, 2), np.int64)
    i = np.repeat(np.arange(len(lists)), lengths)
    j = np.concatenate(lists)
    p = np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1)
    p = p[p[:, 0] != p[:, 1]]
    return np.unique(p, axis=0)


def sij_values(qlm, pairs):
    """Bond crystallinity s(i,j) = Re Σ_m q_lm(i) q*_lm(j) / ``(|q_l(i)| |q_l(j)|)`` per bond
    (Tanaka; paper Fig. 6f; doc/src/Science.rst, section 3.4).

    Parameters
    ----------
    qlm : array_like of complex, shape (N, 2l+1)
        From :func:`steinhardt_qlm` or :func:`qlm_from_components`.
    pairs : array_like of int, shape (P, 2)
        Bonds, e.g. :func:`bond_pairs`.

    Returns
    -------
    ndarray, shape (P,)
        s in [-1, 1]; NaN where an atom has q_l = 0.
    """
    q = np.asarray(qlm)
    p = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    norm = np.sqrt(np.sum(np.abs(q) ** 2, axis=1))
    num = np.real(np.sum(q[p[:, 0]] * np.conj(q[p[:, 1]]), axis=1))
    den = norm[p[:, 0]] * norm[p[:, 1]]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def sij_histogram(sij, bins=50, range=(-1.0, 1.0), threshold=0.7, density=True):
    """Distribution of the bond crystallinity s(i,j) (Fig. 6f).

    Returns
    -------
    (Histogram, float)
        The histogram and the fraction of crystalline bonds, s > ``threshold``
        (paper: 0.7).
    """
    s = np.asarray(sij, dtype=float).ravel()
    s = s[np.isfinite(s)]
    values, edges = np.histogram(s, bins=bins, range=range, density=density)
    frac = float(np.count_nonzero(s > threshold)) / s.size if s.size else float("nan")
    return Histogram(0.5 * (edges[1:] + edges[:-1]), values, edges), frac
