# AMORPH - LAMMPS plugin package, GPL-2.0
"""Voronoi polyhedra: per-atom Voronoi indices <n3, n4, n5, ...> of a periodic orthogonal box
(scipy's Qhull), their labels, and the propensity of each polyhedron type for a subset of
atoms, eq. (1) of the T_ML paper (Fig. 6a,b).

>>> from amorph import voronoi
>>> vi = voronoi.voronoi_index_labels(voronoi.voronoi_indices(x, box, edge_threshold=0.05))
>>> p = voronoi.voronoi_propensity(vi, vi[sas])                 # Delta f_SA in %

numpy at import; :func:`voronoi_indices` imports scipy.
"""
from collections import namedtuple

import numpy as np

from ._common import _box, _report

__all__ = [
    "voronoi_indices", "voronoi_index_labels", "voronoi_propensity", "Propensity",
]


Propensity = namedtuple("Propensity", "labels count_total count_subset f_total f_subset delta_f")


def voronoi_index_labels(counts, first_edges=3, n=4):
    """Format per-atom Voronoi indices as ``"<n3,n4,n5,n6>"`` labels.

    Parameters
    ----------
    counts : array_like, shape (N, M)
        ``counts[:, k]`` = number of faces with ``first_edges + k`` edges. The output of
        :func:`voronoi_indices` starts at 3 edges (default); OVITO's "Voronoi Index"
        property starts at 1 edge (``first_edges=1``). Note: core LAMMPS ``compute
        voronoi/atom`` gives only the cell volume and face count per atom (its
        ``edge_histo`` is a global histogram), no per-atom index.
    first_edges : int
        Number of edges of column 0.
    n : int
        Number of indices in the label, starting at 3 edges (4: <n3,n4,n5,n6>). Atoms with
        faces of more than ``n + 2`` edges get a label with those counts dropped (as in the
        usual 4-index notation); use a larger ``n`` to keep them.

    Returns
    -------
    ndarray of str, shape (N,)
    """
    c = np.asarray(counts)
    if c.ndim != 2:
        raise ValueError("counts must be 2D (atoms x edge counts)")
    start = 3 - first_edges
    if start < 0:
        raise ValueError("the columns must start at 3 edges or fewer")
    c = np.rint(c[:, start:start + n]).astype(np.int64)
    if c.shape[1] < n:
        c = np.concatenate([c, np.zeros((len(c), n - c.shape[1]), np.int64)], axis=1)
    return np.array(["<" + ",".join(str(v) for v in row) + ">" for row in c])


def _labels(indices):
    a = np.asarray(indices)
    if a.ndim == 2:           # (N, 4) integer columns n3..n6
        return voronoi_index_labels(a, first_edges=3, n=a.shape[1])
    return np.array([str(s) for s in a.ravel()])


def voronoi_propensity(indices_all, indices_subset, percent=True):
    """Propensity Δf of each Voronoi polyhedron type for a subset of atoms, eq. (1):

    Δf = (f_subset - f_total) / f_total × 100 %,

    with f the fraction of atoms of that polyhedron type among the subset (e.g. the 10 %
    most liquid-like or solid-like atoms, :func:`extreme_atoms`) and among the whole
    sample. Δf > 0: the type is favoured by the subset.

    Parameters
    ----------
    indices_all : array_like
        Voronoi index of every atom: labels (``"<0,0,12,0>"``) or an (N, k) integer array
        (columns n3, n4, ...).
    indices_subset : array_like
        The same for the atoms of the subset (e.g. ``indices_all[mask]``).
    percent : bool
        Return Δf in % (eq. 1) or as a plain ratio.

    Returns
    -------
    Propensity
        ``labels`` (types present in the whole sample, ordered by decreasing count in the
        subset, then in the whole sample; slice ``[:10]`` for the top ten of Fig. 6a,b),
        ``count_total``, ``count_subset``, ``f_total``, ``f_subset`` and ``delta_f``
        (= -100 % for a type absent from the subset).
    """
    la = _labels(indices_all)
    ls = _labels(indices_subset)
    if la.size == 0 or ls.size == 0:
        raise ValueError("empty atom set")
    labels, ct = np.unique(la, return_counts=True)
    us, cs_raw = np.unique(ls, return_counts=True)
    missing = np.setdiff1d(us, labels)
    if missing.size:
        raise ValueError(f"subset has polyhedron types absent from the whole sample: {missing[:5]}")
    cs = np.zeros(len(labels), np.int64)
    cs[np.searchsorted(labels, us)] = cs_raw
    ft = ct / la.size
    fs = cs / ls.size
    df = (fs - ft) / ft * (100.0 if percent else 1.0)
    order = np.lexsort((labels, -ct, -cs))
    return Propensity(labels[order], ct[order], cs[order], ft[order], fs[order], df[order])


def voronoi_indices(positions, box, edge_threshold=0.0, face_threshold=0.0, max_edges=8,
                    padding=None, progress=None):
    """Per-atom Voronoi indices <n3, n4, n5, ...> (n_k = faces with k edges) of a periodic
    orthogonal box, with scipy's Qhull (monodisperse tessellation, as core LAMMPS
    ``compute voronoi/atom`` without *radius*).

    Parameters
    ----------
    positions : array_like, shape (N, 3)
    box : array_like
        Orthogonal periodic box.
    edge_threshold : float
        Edges shorter than this (length units) are not counted (they are merged into a
        vertex), as the *edge_threshold* of LAMMPS / OVITO. Perfect lattices have
        degenerate vertices: use a small positive value (e.g. 1e-6 box lengths).
    face_threshold : float
        Faces with a smaller area are ignored (as *face_threshold*).
    max_edges : int
        Last column: faces with >= ``max_edges`` edges are counted there.
    padding : float, optional
        Thickness of the periodic image shell; default 2.5 times the mean interatomic
        spacing (V/N)^(1/3).
    progress : callable, optional
        ``progress(fraction, message)``.

    Returns
    -------
    ndarray of int, shape (N, max_edges - 2)
        Columns n3 ... n_max_edges; format with :func:`voronoi_index_labels`.
    """
    from scipy.spatial import Voronoi
    x = np.asarray(positions, dtype=float).reshape(-1, 3)
    b = _box(box)
    L = b[:, 1] - b[:, 0]
    n = len(x)
    y = np.mod(x - b[:, 0], L)
    if padding is None:
        padding = 2.5 * (np.prod(L) / n) ** (1.0 / 3.0)
    padding = min(padding, 0.5 * L.min())
    _report(progress, 0.0, "periodic images")
    pts, owner = [y], [np.arange(n)]
    for s in np.array(np.meshgrid([-1, 0, 1], [-1, 0, 1], [-1, 0, 1])).T.reshape(-1, 3):
        if not s.any():
            continue
        z = y + s * L
        m = np.all((z > -padding) & (z < L + padding), axis=1)
        pts.append(z[m])
        owner.append(np.nonzero(m)[0])
    pts = np.concatenate(pts)
    _report(progress, 0.1, f"Voronoi tessellation of {len(pts)} points")
    vor = Voronoi(pts)
    _report(progress, 0.7, "counting face edges")
    verts = vor.vertices
    out = np.zeros((n, max_edges - 2), np.int64)
    rp = vor.ridge_points
    keep = (rp[:, 0] < n) | (rp[:, 1] < n)
    for (p, q), rv in zip(rp[keep], (vor.ridge_vertices[k] for k in np.nonzero(keep)[0])):
        if -1 in rv:
            raise RuntimeError("unbounded Voronoi cell of a box atom: increase padding")
        poly = verts[rv]
        normal = pts[q] - pts[p]
        normal /= np.linalg.norm(normal)
        c = poly.mean(axis=0)
        e1 = poly[0] - c
        if np.linalg.norm(e1) == 0:
            continue
        e1 -= normal * np.dot(e1, normal)
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(normal, e1)
        ang = np.arctan2((poly - c) @ e2, (poly - c) @ e1)
        poly = poly[np.argsort(ang)]
        nxt = np.roll(poly, -1, axis=0)
        area = 0.5 * abs(np.dot(np.sum(np.cross(poly, nxt), axis=0), normal))
        if area <= face_threshold:
            continue
        lengths = np.linalg.norm(nxt - poly, axis=1)
        edges = int(np.count_nonzero(lengths > edge_threshold))
        if edges < 3:
            continue
        col = min(edges, max_edges) - 3
        for a in (p, q):
            if a < n:
                out[a, col] += 1
    _report(progress, 1.0, "Voronoi indices done")
    return out
