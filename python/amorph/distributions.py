# AMORPH - LAMMPS plugin package, GPL-2.0
"""Per-atom T_ML distributions and maps (Figs. 2-4 of the T_ML paper, doc/src/Science.rst):
histograms of T_ML on common bins, the liquid-like atoms (T_ML > T_g), the most liquid-
and solid-like atoms, and the mean of a per-atom value on a 2D grid over a slab.

>>> from amorph import distributions as dist
>>> h = dist.tml_distribution(tml, bins=60, range=(0, 1800))       # Fig. 2
>>> las, sas = dist.extreme_atoms(tml, 0.10)                       # most LAs / most SAs

numpy only.
"""
from collections import namedtuple

import numpy as np

from ._common import _axis, _box
from .glass import TG_CUZR

__all__ = [
    "tml_distribution", "tml_distributions", "fraction_liquid_like", "liquid_like",
    "extreme_atoms", "slice_map", "SliceMap", "Histogram",
]


Histogram = namedtuple("Histogram", "centers values edges")
SliceMap = namedtuple("SliceMap", "mean count edges_u edges_v axes selected")


def tml_distribution(tml, bins=60, range=None, density=True, weights=None):
    """Probability density of T_ML (Figs. 2a,b and 4b).

    Parameters
    ----------
    tml : array_like, shape (N,)
        Per-atom machine-learned temperatures (K). Non-finite values are ignored.
    bins : int or array_like
        Number of bins or bin edges (as :func:`numpy.histogram`).
    range : (float, float), optional
        Histogram range; default the data range.
    density : bool
        True: probability density (integrates to 1, 1/K); False: counts.
    weights : array_like, optional
        Per-atom weights.

    Returns
    -------
    Histogram
        ``(centers, values, edges)``.
    """
    t = np.asarray(tml, dtype=float).ravel()
    ok = np.isfinite(t)
    w = None if weights is None else np.asarray(weights, dtype=float).ravel()[ok]
    values, edges = np.histogram(t[ok], bins=bins, range=range, density=density, weights=w)
    return Histogram(0.5 * (edges[1:] + edges[:-1]), values, edges)


def tml_distributions(series, bins=60, range=None, density=True):
    """T_ML distributions of several windows on common bins (Fig. 2: t = 0, 40, ... ps).

    Parameters
    ----------
    series : dict
        ``{start_time: tml_array}``.
    bins, range, density
        As :func:`tml_distribution`; without ``range`` the union of all data ranges.

    Returns
    -------
    dict
        ``{start_time: Histogram}`` in the order of ``series``, all with the same edges.
    """
    if range is None and np.ndim(bins) == 0:
        vals = [np.asarray(v, float).ravel() for v in series.values()]
        vals = [v[np.isfinite(v)] for v in vals]
        lo = min((v.min() for v in vals if v.size), default=0.0)
        hi = max((v.max() for v in vals if v.size), default=1.0)
        range = (lo, hi if hi > lo else lo + 1.0)
    return {k: tml_distribution(v, bins=bins, range=range, density=density)
            for k, v in series.items()}


def liquid_like(tml, tg=TG_CUZR):
    """Boolean mask of the liquid-like atoms, T_ML > T_g (paper: LAs; SAs are T_ML < T_g)."""
    return np.asarray(tml, dtype=float) > tg


def fraction_liquid_like(tml, tg=TG_CUZR):
    """Fraction of atoms with T_ML > T_g (liquid-like atoms). NaN values are excluded."""
    t = np.asarray(tml, dtype=float).ravel()
    t = t[np.isfinite(t)]
    if t.size == 0:
        return float("nan")
    return float(np.count_nonzero(t > tg)) / t.size


def extreme_atoms(tml, fraction=0.10):
    """The "most LAs" and "most SAs" of Figs. 6 and 7: the ``fraction`` of atoms with the
    highest and with the lowest T_ML (paper: 10 %).

    Returns
    -------
    (most_liquid, most_solid) : (ndarray of bool, ndarray of bool)
        Masks of ``round(fraction * N)`` atoms each; ties are broken by atom order
        (stable sort).
    """
    t = np.asarray(tml, dtype=float).ravel()
    if not 0 < fraction <= 0.5:
        raise ValueError("fraction must be in (0, 0.5]")
    n = int(round(fraction * t.size))
    order = np.argsort(t, kind="stable")
    hi = np.zeros(t.size, bool)
    lo = np.zeros(t.size, bool)
    if n:
        lo[order[:n]] = True
        hi[order[t.size - n:]] = True
    return hi, lo


def slice_map(positions, values, box, axis=2, center=None, thickness=3.85, nbins=50,
              periodic=True):
    """Mean of a per-atom value on a 2D grid over a slab (the T_ML, D2min, strain and
    rotation maps of Figs. 3, 4c-h and 5d-p; paper: slab thickness 3.85 Å).

    Parameters
    ----------
    positions : array_like, shape (N, 3)
    values : array_like, shape (N,)
    box : array_like
        Orthogonal box, (3, 2) lo/hi or (3,) lengths.
    axis : int or {'x', 'y', 'z'}
        Slab normal. The map axes (u, v) are the two other axes in increasing order
        (z -> (x, y), y -> (x, z), x -> (y, z)).
    center : float, optional
        Slab centre along ``axis``; default the box centre.
    thickness : float
        Atoms with ``|coordinate - center| <= thickness/2`` (minimum image along ``axis``
        if ``periodic``) are used.
    nbins : int or (int, int)
        Grid size along u and v; the grid spans the box.
    periodic : bool
        Wrap coordinates into the box (True for periodic boxes).

    Returns
    -------
    SliceMap
        ``mean`` (nu, nv) grid of mean values (NaN in empty cells; ``mean[i, j]`` is cell
        i along u, j along v: plot ``mean.T`` with ``origin='lower'``), ``count`` atoms per
        cell, ``edges_u``, ``edges_v``, ``axes`` (u, v) and the ``selected`` atom mask.
    """
    x = np.asarray(positions, dtype=float).reshape(-1, 3)
    v = np.asarray(values, dtype=float).ravel()
    if v.size != len(x):
        raise ValueError("positions and values differ in length")
    b = _box(box)
    a = _axis(axis)
    u_ax, v_ax = [k for k in range(3) if k != a]
    L = b[:, 1] - b[:, 0]
    if center is None:
        center = 0.5 * (b[a, 0] + b[a, 1])
    d = x[:, a] - center
    if periodic:
        d -= L[a] * np.round(d / L[a])
    sel = (np.abs(d) <= 0.5 * thickness) & np.isfinite(v)
    uv = x[sel][:, [u_ax, v_ax]]
    if periodic:
        lo = b[[u_ax, v_ax], 0]
        uv = lo + np.mod(uv - lo, L[[u_ax, v_ax]])
    nu, nv = (nbins, nbins) if np.ndim(nbins) == 0 else nbins
    rng = [b[u_ax], b[v_ax]]
    count, eu, ev = np.histogram2d(uv[:, 0], uv[:, 1], bins=(nu, nv), range=rng)
    total, _, _ = np.histogram2d(uv[:, 0], uv[:, 1], bins=(nu, nv), range=rng, weights=v[sel])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return SliceMap(mean, count.astype(int), eu, ev, ("xyz"[u_ax], "xyz"[v_ax]), sel)
