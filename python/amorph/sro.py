# AMORPH - LAMMPS plugin package, GPL-2.0
"""Chemical short-range order of the neighbour shells of a set of centre atoms: the
Warren-Cowley alpha and the Cargill-Spaepen eta (Fig. 7 of the T_ML paper).

>>> from amorph import neighbors, sro
>>> r = sro.chemical_sro(types, neighbors.neighbor_lists(x, box, 3.6), centers=las)

numpy only.
"""
from collections import namedtuple

import numpy as np

from ._common import _species
from .neighbors import neighbor_type_counts

__all__ = [
    "chemical_sro", "ChemicalSRO", "warren_cowley", "cargill_spaepen_eta",
]


ChemicalSRO = namedtuple("ChemicalSRO", "species concentration Z Z_partial alpha eta n_centers")


def chemical_sro(types, neighbors=None, counts=None, centers=None, reference="all"):
    """Chemical short-range order of the neighbour shells of a set of centre atoms: the
    Warren-Cowley α and the Cargill-Spaepen η of Fig. 7 (paper refs. [68]).

    With Z_A(B) the mean number of B neighbours of an A centre, Z_A = Σ_B Z_A(B) the mean
    coordination number of A centres, c_B the concentration of B:

    * Warren-Cowley: α_A(B) = 1 - Z_A(B) / (c_B Z_A) = 1 - p_A(B)/c_B. α = 0 for complete
      chemical disorder; α < 0: B favoured around A; α = 1: no B around A. For an ordered
      equiatomic B2 (CsCl) lattice with 8 nearest neighbours, α_A(B) = -1, α_A(A) = +1.
    * Cargill-Spaepen: η_A(B) = Z_A(B) / Z*_A(B) - 1 with the disordered reference
      Z*_A(B) = c_B Z_A Z_B / <Z>, <Z> = Σ_B c_B Z_B, which accounts for unequal
      coordination numbers (maximum entropy of mixing). η = 0 for complete disorder,
      η > 0: more A-B pairs than random (B favoured around A), η < 0: fewer. With equal
      coordination numbers η_A(B) = -α_A(B). (Fig. 7c: the sign convention of
      Cargill & Spaepen, opposite to that of α.)

    Parameters
    ----------
    types : array_like, shape (N,)
        Species of all atoms.
    neighbors : list of array_like or ndarray (N, K), optional
        Neighbour indices of every atom (e.g. :func:`neighbor_lists`, Voronoi neighbours).
    counts : array_like, shape (N, nspecies), optional
        Instead of ``neighbors``: per-atom neighbour counts per species (columns in the
        order of ``numpy.unique(types)``; may be fractional, e.g. area weighted).
    centers : array_like of bool or int, optional
        Centre atoms (mask or indices), e.g. the most LAs of :func:`extreme_atoms`;
        default all atoms.
    reference : {'all', 'centers'}
        Where c_B, Z_B and <Z> of the disordered reference come from. 'all' (default):
        the whole sample, the species drawn at random around the centres' shells;
        'centers': the centre atoms only. Z_A and Z_A(B) are always those of the centres.

    Returns
    -------
    ChemicalSRO
        ``species``; ``concentration`` c (reference); ``Z`` mean CN per species of the
        centres; ``Z_partial[A, B]`` = Z_A(B); ``alpha[A, B]``; ``eta[A, B]``;
        ``n_centers`` per species. Rows of species without centre atoms are NaN.
    """
    species, codes = _species(types)
    n, ns = len(codes), len(species)
    if counts is None:
        if neighbors is None:
            raise ValueError("give neighbors or counts")
        _, counts = neighbor_type_counts(types, neighbors)
    counts = np.asarray(counts, dtype=float)
    if counts.shape != (n, ns):
        raise ValueError(f"counts must have shape ({n}, {ns})")
    if centers is None:
        cmask = np.ones(n, bool)
    else:
        c = np.asarray(centers)
        cmask = c.astype(bool) if c.dtype == bool else np.isin(np.arange(n), c)
        if cmask.size != n:
            raise ValueError("centers mask has the wrong length")

    def stats(mask):
        nA = np.bincount(codes[mask], minlength=ns).astype(float)
        sums = np.zeros((ns, ns))
        np.add.at(sums, codes[mask], counts[mask])
        with np.errstate(invalid="ignore", divide="ignore"):
            zp = sums / nA[:, None]
        return nA, zp, zp.sum(axis=1)

    n_c, Zp, Z = stats(cmask)
    if reference == "all":
        n_r, _, Z_r = stats(np.ones(n, bool))
    elif reference == "centers":
        n_r, Z_r = n_c, Z
    else:
        raise ValueError("reference must be 'all' or 'centers'")
    conc = n_r / n_r.sum()
    Zr = np.where(n_r > 0, Z_r, 0.0)
    Zmean = float(np.sum(conc * Zr))
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - Zp / (conc[None, :] * Z[:, None])
        zstar = conc[None, :] * Z[:, None] * Zr[None, :] / Zmean
        eta = Zp / zstar - 1.0
    return ChemicalSRO(species, conc, Z, Zp, alpha, eta, n_c.astype(int))


def warren_cowley(types, neighbors=None, counts=None, centers=None, reference="all"):
    """Warren-Cowley α_A(B) = 1 - Z_A(B)/(c_B Z_A) (Fig. 7b); see :func:`chemical_sro`.

    Returns
    -------
    (species, alpha) : (ndarray, ndarray (nspecies, nspecies))
    """
    r = chemical_sro(types, neighbors, counts, centers, reference)
    return r.species, r.alpha


def cargill_spaepen_eta(types, neighbors=None, counts=None, centers=None, reference="all"):
    """Cargill-Spaepen η_A(B) = Z_A(B)/Z*_A(B) - 1, Z*_A(B) = c_B Z_A Z_B/<Z> (Fig. 7c);
    see :func:`chemical_sro`.

    Returns
    -------
    (species, eta) : (ndarray, ndarray (nspecies, nspecies))
    """
    r = chemical_sro(types, neighbors, counts, centers, reference)
    return r.species, r.eta
