# AMORPH - LAMMPS plugin package, GPL-2.0
"""Analyses of the T_ML paper (Liu et al., Sci. China Mater. 2022; doc/src/Science.rst) on
numpy arrays: T_ML distributions and slice maps (Figs. 2-4), strain-time data, hysteresis loops
and dynamic mechanical analysis (Fig. 4), correlation coefficients versus lag (Fig. 5),
Voronoi polyhedra propensity (eq. 1, Fig. 6a,b), joint q6-w̄6 and s(i,j) distributions
(Fig. 6c-f), chemical short-range order alpha and eta (Fig. 7) and the rheological MSD
model (eq. 2, Fig. 8).

>>> from amorph import analysis as an
>>> h = an.tml_distribution(tml, bins=60, range=(0, 1800))       # Fig. 2
>>> an.fraction_liquid_like(tml, tg=685.0)                       # share of T_ML > T_g
>>> las, sas = an.extreme_atoms(tml, 0.10)                       # most LAs / most SAs
>>> p = an.voronoi_propensity(vindex, vindex[sas])               # eq. (1), Delta f_SA in %
>>> sro = an.chemical_sro(types, an.neighbor_lists(x, box, 3.6), centers=las)   # Fig. 7
>>> fit = an.fit_msd_model(t, msd, m=77.0, kT=an.thermal_energy(100.0))         # eq. (2)

Only numpy is needed at import; scipy is imported by the functions that use it
(neighbour lists, Voronoi, spherical harmonics, MSD fit). Nothing prints: long steps take
an optional ``progress(fraction, message)`` callback and log to the ``amorph.analysis``
logger at DEBUG level. Boxes are orthogonal and given as ``[[xlo, xhi], [ylo, yhi],
[zlo, zhi]]`` or as the three edge lengths (lower corner at 0).
"""
import logging
import math
from collections import namedtuple

import numpy as np

__all__ = [
    "TG_CUZR", "REFERENCE_Q6_W6",
    # T_ML
    "tml_distribution", "tml_distributions", "fraction_liquid_like", "liquid_like",
    "extreme_atoms", "slice_map", "SliceMap", "Histogram",
    # loading
    "engineering_strain", "fit_sine", "SineFit", "loop_area", "dma", "dma_per_cycle",
    # correlations
    "correlation", "correlation_vs_lag",
    # neighbours, Voronoi
    "neighbor_lists", "neighbor_type_counts", "voronoi_indices", "voronoi_index_labels",
    "voronoi_propensity", "Propensity",
    # bond orientational order
    "joint_histogram", "JointHistogram", "steinhardt_qlm", "qlm_from_components",
    "bond_pairs", "sij_values", "sij_histogram",
    # chemical order
    "chemical_sro", "ChemicalSRO", "warren_cowley", "cargill_spaepen_eta",
    # MSD model
    "thermal_energy", "msd_model", "msd_model_roots", "msd_model_limits", "fit_msd_model",
    "MSDFit", "mean_squared_displacement",
]

log = logging.getLogger("amorph.analysis")

#: glass transition temperature of the paper's Cu50Zr50 (K), the LA/SA threshold
TG_CUZR = 685.0

#: (q6, ŵ6) of ideal local structures, for the labels of Fig. 6c-e (doc/src/Science.rst,
#: section 3.6; bcc with 14 neighbours, sc with 6, ico = the 12 vertices of an icosahedron)
REFERENCE_Q6_W6 = {
    "ico": (0.66332, -0.16975),
    "fcc": (0.57452, -0.01316),
    "hcp": (0.48476, -0.01244),
    "bcc": (0.51069, 0.01316),
    "sc": (0.35355, 0.01316),
}

Histogram = namedtuple("Histogram", "centers values edges")
SliceMap = namedtuple("SliceMap", "mean count edges_u edges_v axes selected")
SineFit = namedtuple("SineFit", "amplitude phase offset slope rms")
Propensity = namedtuple("Propensity", "labels count_total count_subset f_total f_subset delta_f")
JointHistogram = namedtuple("JointHistogram", "density edges_x edges_y")
ChemicalSRO = namedtuple("ChemicalSRO", "species concentration Z Z_partial alpha eta n_centers")
MSDFit = namedtuple("MSDFit", "k eta1 eta2 stderr m kT a rms_log success")


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


# ---------------------------------------------------------------------------------------
# T_ML distributions and maps (Figs. 2-4)
# ---------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------
# loading: strain-time, sine fits, hysteresis loops, DMA (Fig. 4a; fix acoustic)
# ---------------------------------------------------------------------------------------

def engineering_strain(length, length0=None):
    """Engineering strain (L - L0)/L0 of a box length time series (default L0 = first)."""
    L = np.asarray(length, dtype=float)
    L0 = L.ravel()[0] if length0 is None else float(length0)
    return (L - L0) / L0


def _wrap(phi):
    """Wrap angles into (-pi, pi]."""
    w = np.mod(np.asarray(phi, float) + np.pi, 2 * np.pi) - np.pi
    return np.where(w == -np.pi, np.pi, w)


def fit_sine(t, y, freq, drift=False, t_mid=None):
    """Linear least-squares fit ``y = c0 [+ c1 (t - t_mid)] + A sin(2 pi f t + phi)``.

    The same model as the per-cycle DMA of ``fix acoustic`` (with ``drift=True``). Phases
    are relative to t = 0 (the loading clock), not to the first sample.

    Parameters
    ----------
    t, y : array_like, shape (n,)
    freq : float
        Known frequency f (1/time units of ``t``).
    drift : bool
        Add the linear drift term (creep / ratcheting of the mean).
    t_mid : float, optional
        Reference time of the drift term; default the midpoint of ``t``.

    Returns
    -------
    SineFit
        ``amplitude`` A >= 0, ``phase`` phi in (-pi, pi], ``offset`` c0, ``slope`` c1
        (0 without drift) and ``rms`` residual.
    """
    t = np.asarray(t, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    w = 2 * np.pi * freq
    if t_mid is None:
        t_mid = 0.5 * (t.min() + t.max())
    cols = [np.sin(w * t), np.cos(w * t), np.ones_like(t)]
    if drift:
        cols.append(t - t_mid)
    M = np.stack(cols, axis=1)
    if len(t) < M.shape[1]:
        raise ValueError("too few samples for the sine fit")
    c, *_ = np.linalg.lstsq(M, y, rcond=None)
    # A sin(wt + phi) = A cos(phi) sin(wt) + A sin(phi) cos(wt)
    amp = math.hypot(c[0], c[1])
    phase = float(_wrap(math.atan2(c[1], c[0])))
    rms = float(np.sqrt(np.mean((M @ c - y) ** 2)))
    return SineFit(amp, phase, float(c[2]), float(c[3]) if drift else 0.0, rms)


def loop_area(stress, strain, closed=False):
    """Loop integral W = ∮ σ dε of sampled data by the trapezoidal rule.

    For σ = σ0 sin(ωt + δ), ε = ε0 sin(ωt) over one period W = π σ0 ε0 sin δ (positive
    when the strain lags the stress, i.e. energy dissipated per unit volume per cycle).

    Parameters
    ----------
    stress, strain : array_like, shape (n,)
        Consecutive samples (in time order).
    closed : bool
        Also integrate the segment from the last sample back to the first. ``fix
        acoustic`` integrates a cycle's samples ``[kP, (k+1)P]`` without closing (False);
        use True for samples of one period that exclude the end point.

    Returns
    -------
    float
        In stress units (× strain, dimensionless).
    """
    s = np.asarray(stress, dtype=float).ravel()
    e = np.asarray(strain, dtype=float).ravel()
    if closed and len(s) > 1:
        s = np.append(s, s[0])
        e = np.append(e, e[0])
    return float(np.sum(0.5 * (s[1:] + s[:-1]) * np.diff(e)))


def dma(t, stress, strain, freq, drift=True):
    """Dynamic mechanical analysis of sampled stress and strain (as ``fix acoustic``).

    Fits both signals with :func:`fit_sine`; the phase lag of the strain behind the stress
    is δ = φ_σ - φ_ε (wrapped into (-π, π]), δ > 0 for a dissipative material, and
    E' = (σ0/ε0) cos δ, E'' = (σ0/ε0) sin δ, W_fit = π σ0 ε0 sin δ,
    W_loop = ∮ σ dε (:func:`loop_area`, not closed).

    Returns
    -------
    dict
        ``sigma0, eps0, phi_sigma, phi_eps, delta, E_storage, E_loss, tan_delta,
        W_loop, W_fit``.
    """
    fs = fit_sine(t, stress, freq, drift=drift)
    fe = fit_sine(t, strain, freq, drift=drift)
    delta = float(_wrap(fs.phase - fe.phase))
    ratio = fs.amplitude / fe.amplitude if fe.amplitude > 0 else float("nan")
    return dict(sigma0=fs.amplitude, eps0=fe.amplitude, phi_sigma=fs.phase, phi_eps=fe.phase,
                delta=delta, E_storage=ratio * math.cos(delta), E_loss=ratio * math.sin(delta),
                tan_delta=math.tan(delta),
                W_loop=loop_area(stress, strain, closed=False),
                W_fit=math.pi * fs.amplitude * fe.amplitude * math.sin(delta))


def dma_per_cycle(t, stress, strain, freq, t0=0.0, drift=True, min_samples=10):
    """:func:`dma` for every complete cycle ``[t0 + kP, t0 + (k+1)P]`` (P = 1/f) in the data
    (samples at both ends included, as ``fix acoustic``).

    Returns
    -------
    dict of ndarray
        ``cycle, t_start`` and the keys of :func:`dma`, one entry per complete cycle with at
        least ``min_samples`` samples (strain amplitude per cycle: ``eps0``).
    """
    t = np.asarray(t, dtype=float).ravel()
    s = np.asarray(stress, dtype=float).ravel()
    e = np.asarray(strain, dtype=float).ravel()
    P = 1.0 / freq
    eps = 1e-9 * P
    rows = []
    k = int(math.floor((t.min() - t0) / P + 1e-9))
    while t0 + (k + 1) * P <= t.max() + eps:
        a, b = t0 + k * P, t0 + (k + 1) * P
        m = (t >= a - eps) & (t <= b + eps)
        if np.count_nonzero(m) >= min_samples:
            r = dma(t[m], s[m], e[m], freq, drift=drift)
            r.update(cycle=k, t_start=a)
            rows.append(r)
        k += 1
    keys = ["cycle", "t_start", "sigma0", "eps0", "phi_sigma", "phi_eps", "delta",
            "E_storage", "E_loss", "tan_delta", "W_loop", "W_fit"]
    return {key: np.array([r[key] for r in rows]) for key in keys}


# ---------------------------------------------------------------------------------------
# correlations (Fig. 5)
# ---------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------
# neighbours and Voronoi polyhedra (Fig. 6a,b; eq. 1)
# ---------------------------------------------------------------------------------------

def neighbor_lists(positions, box, cutoff, periodic=True, progress=None):
    """Neighbours within ``cutoff`` (periodic orthogonal box) with scipy's cKDTree.

    Returns
    -------
    list of ndarray
        ``nbrs[i]`` = sorted indices j != i with |x_j - x_i| < cutoff (minimum image).
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


# ---------------------------------------------------------------------------------------
# bond orientational order (Fig. 6c-f)
# ---------------------------------------------------------------------------------------

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
    """Bond crystallinity s(i,j) = Re Σ_m q_lm(i) q*_lm(j) / (|q_l(i)| |q_l(j)|) per bond
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


# ---------------------------------------------------------------------------------------
# chemical short-range order (Fig. 7)
# ---------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------
# rheological MSD model (eq. 2, Fig. 8)
# ---------------------------------------------------------------------------------------

_KB = {"metal": 8.617333262e-5, "real": 1.987204259e-3, "lj": 1.0}     # energy/K
_MVV2E = {"metal": 1.0364269e-4, "real": 48.88821291 ** 2, "lj": 1.0}   # LAMMPS mvv2e


def thermal_energy(T, units="metal"):
    """k_B T in mass × distance² / time² of a LAMMPS unit style, i.e. the units in which
    k_B T / m of eq. (2) is a squared velocity: metal g/mol Å²/ps², real g/mol Å²/fs²,
    lj reduced (k_B = 1)."""
    if units not in _KB:
        raise ValueError(f"units must be one of {sorted(_KB)}")
    return _KB[units] * T / _MVV2E[units]


def msd_model_roots(k, eta1, eta2, m):
    """Roots λ1, λ2 (complex) of the characteristic equation of eq. (2):

    λ_{1,2} = -(η2/2m) (1 + η1η2/(km) ± sqrt((η1η2/(km) - 1)² - 4 η1²/(km))).

    Both have negative real parts for positive k, η1, η2, m."""
    A = eta1 * eta2 / (k * m)
    B = eta1 * eta1 / (k * m)
    d = np.sqrt(complex((A - 1.0) ** 2 - 4.0 * B))
    pre = -eta2 / (2.0 * m)
    return pre * (1.0 + A + d), pre * (1.0 + A - d)


def _phi(z):
    """(e^z - 1 - z)/z², complex, accurate for small |z|."""
    z = np.asarray(z, dtype=complex)
    out = np.empty_like(z)
    small = np.abs(z) < 1e-2
    zs = z[small]
    out[small] = 0.5 + zs / 6 + zs ** 2 / 24 + zs ** 3 / 120 + zs ** 4 / 720 + zs ** 5 / 5040
    zb = z[~small]
    out[~small] = (np.exp(zb) - 1.0 - zb) / zb ** 2
    return out


def _dphi(z):
    """d/dz of (e^z - 1 - z)/z²."""
    z = np.asarray(z, dtype=complex)
    out = np.empty_like(z)
    small = np.abs(z) < 1e-2
    zs = z[small]
    out[small] = 1 / 6 + zs / 12 + zs ** 2 / 40 + zs ** 3 / 180 + zs ** 4 / 1008
    zb = z[~small]
    out[~small] = ((zb - 2.0) * np.exp(zb) + zb + 2.0) / zb ** 3
    return out


def msd_model(t, k, eta1, eta2, m=1.0, kT=1.0):
    """Mean squared displacement of the rheological (Jeffreys-type) model, eq. (2):

    <Δr²(t)> = (6 k_B T/m) 1/(λ2-λ1) [ (λ2 + 1/τ2)/λ2 ((e^{λ2 t} - 1)/λ2 - t)
                                       - (λ1 + 1/τ2)/λ1 ((e^{λ1 t} - 1)/λ1 - t) ],

    τ2 = m/η2, λ_{1,2} from :func:`msd_model_roots`. Evaluated as
    (6kT/m) t² [(λ2 + c) φ(λ2 t) - (λ1 + c) φ(λ1 t)]/(λ2 - λ1), φ(z) = (e^z - 1 - z)/z²,
    c = 1/τ2, exactly equal and stable for small t, complex (underdamped) roots and
    (nearly) equal roots (then the derivative limit).

    Limits (see :func:`msd_model_limits`):

    * t -> 0: <Δr²> = (3 k_B T/m) t² + O(t³) (free, ballistic motion);
    * t -> ∞: <Δr²> = (6 k_B T/(m a)) t + const, a = τ2 λ1 λ2 = η1η2(η1+η2)/(k m²)
      (diffusive).

    Parameters
    ----------
    t : array_like
        Times >= 0.
    k, eta1, eta2 : float
        Spring constant (mass/time²) and the two viscous (friction) coefficients
        (mass/time) of the model, > 0.
    m : float
        Mean atomic mass.
    kT : float
        k_B T in mass × distance²/time² (:func:`thermal_energy`).

    Returns
    -------
    ndarray
        MSD in distance² (real).
    """
    t = np.asarray(t, dtype=float)
    l1, l2 = msd_model_roots(k, eta1, eta2, m)
    c = eta2 / m
    pre = 6.0 * kT / m
    if abs(l2 - l1) > 1e-7 * max(abs(l1), abs(l2)):
        val = ((l2 + c) * _phi(l2 * t) - (l1 + c) * _phi(l1 * t)) / (l2 - l1)
    else:       # divided difference -> derivative of (λ + c) φ(λ t)
        lam = 0.5 * (l1 + l2)
        val = _phi(lam * t) + (lam + c) * t * _dphi(lam * t)
    return pre * (t ** 2 * val).real


def msd_model_limits(k, eta1, eta2, m=1.0, kT=1.0):
    """Short- and long-time limits of eq. (2).

    Returns
    -------
    dict
        ``short_coefficient`` 3kT/m (MSD ≈ coefficient × t² for t -> 0);
        ``a`` = τ2 λ1 λ2 = η1η2(η1+η2)/(k m²) (1/time);
        ``long_slope`` 6kT/(m a) and ``long_intercept`` (6kT/m)[1/(λ1λ2) + c(λ1+λ2)/(λ1λ2)²]
        (MSD ≈ slope × t + intercept for t -> ∞; D = slope/6);
        ``lambda1``, ``lambda2``; ``relaxation_time`` 1/min|Re λ| (time beyond which the
        long-time form holds).
    """
    l1, l2 = msd_model_roots(k, eta1, eta2, m)
    c = eta2 / m
    p = l1 * l2
    a = float((p / c).real)
    pre = 6.0 * kT / m
    return dict(short_coefficient=3.0 * kT / m, a=a, long_slope=pre / a,
                long_intercept=float((pre * (1.0 / p + c * (l1 + l2) / p ** 2)).real),
                lambda1=l1, lambda2=l2,
                relaxation_time=1.0 / min(abs(l1.real), abs(l2.real)))


def fit_msd_model(t, msd, m=1.0, kT=1.0, p0=None, sigma_log=None, grid=9, progress=None):
    """Fit eq. (2) to an MSD curve (Fig. 8b) with :func:`scipy.optimize.curve_fit`.

    The fit is least squares on log(MSD) (the curve spans decades and the paper shows it
    on log-log axes) over log k, log η1, log η2 (keeps them positive); m and kT are fixed.
    Without ``p0`` the start is the best point of a ``grid``³ logarithmic grid spanning the
    rates 0.01/t_max ... 100/t_min.

    Parameters
    ----------
    t, msd : array_like
        Times > 0 and MSD > 0 (other points are dropped).
    m, kT : float
        Mean atomic mass and k_B T (:func:`thermal_energy`), consistent units.
    p0 : (k, eta1, eta2), optional
        Start values.
    sigma_log : array_like, optional
        Uncertainty of log(MSD) per point.
    grid : int
        Points per parameter of the start grid.
    progress : callable, optional

    Returns
    -------
    MSDFit
        ``k, eta1, eta2``; ``stderr`` (k, η1, η2) from the covariance; ``m``, ``kT``;
        ``a`` of the long-time limit; ``rms_log`` residual of log MSD; ``success``.
    """
    from scipy.optimize import curve_fit
    t = np.asarray(t, dtype=float).ravel()
    y = np.asarray(msd, dtype=float).ravel()
    ok = (t > 0) & (y > 0) & np.isfinite(t) & np.isfinite(y)
    t, y = t[ok], y[ok]
    sig = None if sigma_log is None else np.asarray(sigma_log, float).ravel()[ok]
    if len(t) < 4:
        raise ValueError("need at least 4 points with t > 0 and MSD > 0")
    ly = np.log(y)

    def f(tt, lk, l1, l2):
        with np.errstate(all="ignore"):
            v = msd_model(tt, math.exp(lk), math.exp(l1), math.exp(l2), m, kT)
        return np.log(np.where(v > 0, v, 1e-300))

    if p0 is None:
        rmin, rmax = 0.01 / t.max(), 100.0 / t.min()
        rates = np.geomspace(rmin, rmax, grid)
        best = (np.inf, None)
        for n1, r1 in enumerate(rates):           # η1/m, η2/m and sqrt(k/m) on the grid
            _report(progress, 0.5 * n1 / grid, "start grid")
            for r2 in rates:
                for r3 in rates:
                    p = (math.log(m * r3 * r3), math.log(m * r1), math.log(m * r2))
                    res = f(t, *p) - ly
                    if sig is not None:
                        res = res / sig
                    s = float(np.sum(res ** 2))
                    if math.isfinite(s) and s < best[0]:
                        best = (s, p)
        lp0 = best[1]
    else:
        lp0 = tuple(math.log(v) for v in p0)
    _report(progress, 0.5, "least squares")
    success = True
    try:
        popt, pcov = curve_fit(f, t, ly, p0=lp0, sigma=sig, absolute_sigma=sig is not None,
                               maxfev=20000)
    except RuntimeError:
        popt, pcov, success = np.array(lp0), np.full((3, 3), np.inf), False
    k, e1, e2 = np.exp(popt)
    with np.errstate(invalid="ignore"):
        stderr = np.exp(popt) * np.sqrt(np.diag(pcov))     # d exp(x) = exp(x) dx
    rms = float(np.sqrt(np.mean((f(t, *popt) - ly) ** 2)))
    _report(progress, 1.0, "fit done")
    return MSDFit(float(k), float(e1), float(e2), stderr, m, kT,
                  msd_model_limits(k, e1, e2, m, kT)["a"], rms, success)


def mean_squared_displacement(x0, x):
    """<|x - x0|²> of unwrapped positions (N, 3) (or a series (T, N, 3) -> (T,))."""
    d = np.asarray(x, dtype=float) - np.asarray(x0, dtype=float)
    return np.mean(np.sum(d * d, axis=-1), axis=-1)


# ---------------------------------------------------------------------------- Tg, bimodality

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


# ---------------------------------------------------------------------------------------
# anisotropic PDF and the nonaffine strain ratio (compute pdf/aniso; H. Wang et al.,
# Phys. Rev. Lett. 128, 155501 (2022), eqs. 1-3)
# ---------------------------------------------------------------------------------------

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


__all__ += ["PdfAniso", "NonaffineStrain", "DUCTILITY_RANGE_ZR", "affine_prefactor",
            "pdf_aniso_columns", "poisson_ratio", "affine_g2", "nonaffine_strain_ratio"]
