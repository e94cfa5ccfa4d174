# AMORPH - LAMMPS plugin package, GPL-2.0
"""Neighbour lists of a periodic orthogonal box (scipy's cKDTree) and per-atom neighbour
counts per species.

>>> from amorph import neighbors
>>> nb = neighbors.neighbor_lists(x, box, cutoff=3.6)

numpy at import; :func:`neighbor_lists` imports scipy.
"""
import numpy as np

from ._common import _as_lists, _box, _report, _species

__all__ = [
    "neighbor_lists", "neighbor_type_counts",
]


def neighbor_lists(positions, box, cutoff, periodic=True, progress=None):
    """Neighbours within ``cutoff`` (periodic orthogonal box) with scipy's cKDTree.

    Returns
    -------
    list of ndarray
        ``nbrs[i]`` = sorted indices j != i with ``|x_j - x_i| < cutoff`` (minimum image).
    """
    from scipy.spatial import cKDTree
    x = np.asarray(positions, dtype=float).reshape(-1, 3)
    b = _box(box)
    L = b[:, 1] - b[:, 0]
    if periodic:
        if cutoff >= 0.5 * L.min():
            raise ValueError("cutoff must be below half the smallest box length")
        y = np.mod(x - b[:, 0], L)
        y[y >= L] = 0.0       # mod can round up to L
        tree = cKDTree(y, boxsize=L)
    else:
        y = x
        tree = cKDTree(y)
    _report(progress, 0.0, "neighbour search")
    pairs = tree.query_pairs(cutoff, output_type="ndarray")
    n = len(x)
    i = np.concatenate([pairs[:, 0], pairs[:, 1]])
    j = np.concatenate([pairs[:, 1], pairs[:, 0]])
    order = np.lexsort((j, i))
    i, j = i[order], j[order]
    splits = np.searchsorted(i, np.arange(1, n))
    _report(progress, 1.0, "neighbour search done")
    return np.split(j, splits)


def neighbor_type_counts(types, neighbors):
    """Per-atom number of neighbours of each species.

    Parameters
    ----------
    types : array_like, shape (N,)
        Species labels (e.g. LAMMPS types 1, 2, or element names).
    neighbors : list of array_like or ndarray (N, K)
        0-based neighbour indices per atom (-1 = padding in the 2D form).

    Returns
    -------
    (species, counts) : (ndarray, ndarray of shape (N, nspecies))
    """
    species, codes = _species(types)
    lists = _as_lists(neighbors, len(codes))
    ns = len(species)
    counts = np.zeros((len(codes), ns))
    lengths = np.array([len(nb) for nb in lists])
    if lengths.sum():
        rows = np.repeat(np.arange(len(codes)), lengths)
        cols = codes[np.concatenate(lists)]
        np.add.at(counts, (rows, cols), 1.0)
    return species, counts
