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

The functions live in topic modules, all re-exported here (``amorph.analysis.X`` and
``from amorph.analysis import X`` work for every name of ``__all__``):
:mod:`amorph.distributions` (T_ML distributions, liquid-like and extreme atoms, slice maps),
:mod:`amorph.loading` (strain, sine fits, loops, DMA), :mod:`amorph.stats` (correlations,
bimodality), :mod:`amorph.glass` (T_g), :mod:`amorph.neighbors` (neighbour lists),
:mod:`amorph.voronoi` (Voronoi indices, propensity), :mod:`amorph.boop` (q6-w̄6, q_lm,
s(i,j)), :mod:`amorph.sro` (chemical short-range order), :mod:`amorph.msd` (MSD model) and
:mod:`amorph.pdf` (anisotropic PDF, nonaffine strain ratio).
"""
from . import boop, distributions, glass, loading, msd, neighbors, pdf, sro, stats, voronoi
from ._common import _as_lists, _axis, _box, _report, _species, log  # noqa: F401
from .boop import *  # noqa: F401,F403
from .boop import _sph_harm  # noqa: F401
from .distributions import *  # noqa: F401,F403
from .glass import *  # noqa: F401,F403
from .loading import *  # noqa: F401,F403
from .loading import _wrap  # noqa: F401
from .msd import *  # noqa: F401,F403
from .msd import _KB, _MVV2E, _dphi, _phi  # noqa: F401
from .neighbors import *  # noqa: F401,F403
from .pdf import *  # noqa: F401,F403
from .pdf import _extremum, _first_shell  # noqa: F401
from .sro import *  # noqa: F401,F403
from .stats import *  # noqa: F401,F403
from .voronoi import *  # noqa: F401,F403
from .voronoi import _labels  # noqa: F401

# the topic modules, in the order of the sections of the former single module
_MODULES = (glass, distributions, loading, stats, neighbors, voronoi, boop, sro, msd, pdf)

__all__ = [name for module in _MODULES for name in module.__all__]
