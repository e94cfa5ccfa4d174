# AMORPH - LAMMPS plugin package, GPL-2.0
"""Helpers shared by the analysis modules (no public API): the ``amorph.analysis``
logger and progress callback, orthogonal boxes, axis names and neighbour lists."""
import logging

import numpy as np

log = logging.getLogger("amorph.analysis")


def _report(progress, fraction, message):
    log.debug("%5.1f%% %s", 100.0 * fraction, message)
    if progress is not None:
        progress(float(fraction), message)


def _box(box):
    """Box as (3, 2) [lo, hi] array from (3, 2) or (3,) edge lengths."""
    b = np.asarray(box, dtype=float)
    if b.shape == (3,):
        b = np.stack([np.zeros(3), b], axis=1)
    if b.shape != (3, 2) or np.any(b[:, 1] <= b[:, 0]):
        raise ValueError(f"box must be [[xlo,xhi],[ylo,yhi],[zlo,zhi]] or 3 lengths, got {box!r}")
    return b


def _axis(axis):
    if isinstance(axis, str):
        axis = "xyz".index(axis.lower())
    if axis not in (0, 1, 2):
        raise ValueError(f"axis must be 0, 1, 2 or 'x', 'y', 'z', got {axis!r}")
    return axis


def _as_lists(neighbors, n):
    """Neighbour lists from a list of arrays or an (N, K) array padded with -1."""
    if isinstance(neighbors, np.ndarray) and neighbors.ndim == 2:
        return [row[row >= 0] for row in neighbors.astype(np.int64)]
    if len(neighbors) != n:
        raise ValueError("one neighbour list per atom is needed")
    return [np.asarray(nb, dtype=np.int64).ravel() for nb in neighbors]


def _species(types):
    species, codes = np.unique(np.asarray(types).ravel(), return_inverse=True)
    return species, codes
