# AMORPH - LAMMPS plugin package, GPL-2.0
"""AMORPH side by side with the peer codes OVITO, freud and pyscal3 (pinned in
requirements.txt; run through run_peers.py, ctest label `peers`).

One small Cu50Zr50 glass is made by LAMMPS (random start, melt, fast quench), made triclinic
and sheared by fix deform xy (remap x) at 300 K, then translated rigidly so that many atoms
cross the periodic boundaries.  On it:

* compute nonaffine/atom vs OVITO's AtomicStrainModifier, same reference and current dumps
  (wrapped positions + image flags), same reference-configuration cutoff, two cutoffs (one
  small enough to leave atoms with fewer than 3 neighbours, i.e. invalid);
* compute boop/atom (l = 3, 4, 6) vs freud.order.Steinhardt / SolidLiquid for the same
  neighbours: 12 nearest, cutoff, Voronoi, Voronoi face-area weighted, SANN;
* Voronoi neighbour sets vs freud.locality.Voronoi (and pyscal3's), SANN neighbour sets vs
  pyscal3's.

The measured deviations are printed and written to $AMORPH_PEERS_REPORT (JSON) when set.
freud computes in single precision (float32 positions and spherical harmonics), so agreement
with freud is at the 1e-6 level, not 1e-10; OVITO computes in double precision."""
import json
import os
import subprocess

import numpy as np
import pytest

import freud
import pyscal3
from ase import Atoms
from ovito.io import import_file
from ovito.modifiers import AtomicStrainModifier
from ovito.pipeline import FileSource

DEG = [3, 4, 6]
NCOL = 5 * len(DEG) + 3                  # q w wh qbar wbar per degree, ncryst, mean s, N_b
NAMES = [f"{p}{l}" for p in ("q", "w", "wh", "qbar", "wbar") for l in DEG] + ["ncryst", "mean_s", "nb"]
MODES = {                                # compute boop/atom neighbour keywords
    "nnn": "nnn 12 cutoff 4.5",
    "cutoff": "cutoff 3.6",
    "voronoi": "voronoi yes",
    "area": "voronoi area",
    "sann": "sann yes cutoff 6.0",
}
RC_STRAIN = (3.6, 2.75)                  # 2.75 A leaves many Zr atoms with < 3 neighbours
TOL_OVITO = 1e-8                         # relative to the largest value of the column
TOL_FREUD = 5e-5                         # absolute; freud is single precision
REPORT = {}

INPUT = """plugin load {plugin}
units metal
atom_style atomic
boundary p p p
lattice custom 3.26 a1 1 0 0 a2 0 1 0 a3 0 0 1 basis 0 0 0 basis 0.5 0.5 0.5
region box block 0 7 0 7 0 7
create_box 2 box
create_atoms 1 random 686 4711 NULL overlap 2.0 maxtry 200 units box
set type 1 type/ratio 2 0.5 4711
mass 1 63.546
mass 2 91.224
pair_style eam/fs
pair_coeff * * CuZr_mm.eam.fs Cu Zr
thermo 500
minimize 1.0e-6 1.0e-8 200 2000
reset_timestep 0
velocity all create 2000 4711 mom yes rot yes
timestep 0.002
fix md all npt temp 2000 2000 0.1 iso 0 0 1.0
run 500
unfix md
fix md all npt temp 2000 300 0.1 iso 0 0 1.0
run 1000
unfix md
change_box all triclinic
reset_timestep 0
write_dump all custom ref.dump id type x y z ix iy iz modify format float %.17g
compute na1 all nonaffine/atom cutoff {rc1} defgrad yes strain yes
compute na2 all nonaffine/atom cutoff {rc2} defgrad yes strain yes
fix md all nvt temp 300 300 0.1
fix sh all deform 1 xy erate 0.1 remap x
run 1000
unfix sh
displace_atoms all move 3.3 -2.1 4.4 units box
run 0
write_dump all custom cur.dump id type x y z ix iy iz modify format float %.17g
write_dump all custom na.dump id c_na1[*] c_na2[*] modify sort id format float %.17g
variable opts string "degrees 3 3 4 6 w yes wh yes qbar yes wbar yes bonds 6 0.7"
{boop}
run 0
write_dump all custom boop.dump id {boopcols} modify sort id format float %.17g
"""


def report(key, value):
    REPORT[key] = value
    print(f"  [peers] {key}: {value}")


@pytest.fixture(scope="module", autouse=True)
def write_report():
    yield
    path = os.environ.get("AMORPH_PEERS_REPORT")
    if path:
        with open(path, "w") as f:
            json.dump(REPORT, f, indent=1, sort_keys=True)


def clean_env():
    drop = ("OMPI_", "PMIX_", "ORTE_", "OPAL_", "PRTE_", "HYDRA_")
    keep = ("OMPI_ALLOW_RUN_AS_ROOT", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM")
    return {k: v for k, v in os.environ.items() if k in keep or not k.startswith(drop)}


def read_dump(path):
    """box matrix H (columns a, b, c), origin, column names, rows sorted by id"""
    lines = open(path).read().splitlines()
    b = [[float(v) for v in l.split()] for l in lines[5:8]]
    xy, xz, yz = b[0][2], b[1][2], b[2][2]
    xlo = b[0][0] - min(0.0, xy, xz, xy + xz)
    xhi = b[0][1] - max(0.0, xy, xz, xy + xz)
    ylo, yhi = b[1][0] - min(0.0, yz), b[1][1] - max(0.0, yz)
    zlo, zhi = b[2][0], b[2][1]
    H = np.array([[xhi - xlo, xy, xz], [0.0, yhi - ylo, yz], [0.0, 0.0, zhi - zlo]])
    cols = lines[8].split()[2:]
    a = np.loadtxt(lines[9:], ndmin=2)
    return H, np.array([xlo, ylo, zlo]), cols, a[np.argsort(a[:, 0])]


@pytest.fixture(scope="module")
def glass(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("peers")
    boop = "\n".join(f"compute b_{k} all boop/atom ${{opts}} {v}" for k, v in MODES.items())
    inp = INPUT.format(plugin=os.environ["AMORPH_PLUGIN"], rc1=RC_STRAIN[0], rc2=RC_STRAIN[1],
                       boop=boop, boopcols=" ".join(f"c_b_{k}[*]" for k in MODES))
    (tmp / "in.peers").write_text(inp)
    r = subprocess.run([os.environ["AMORPH_LMP"], "-in", "in.peers", "-log", "none", "-nocite"],
                       cwd=tmp, capture_output=True, text=True, timeout=900, env=clean_env())
    assert r.returncode == 0, f"lmp failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    H, lo, _, cur = read_dump(tmp / "cur.dump")
    H0, _, _, ref = read_dump(tmp / "ref.dump")
    _, _, _, boop_rows = read_dump(tmp / "boop.dump")
    ours = {k: boop_rows[:, 1 + NCOL * i:1 + NCOL * (i + 1)] for i, k in enumerate(MODES)}
    assert np.all(cur[:, 0] == np.arange(1, len(cur) + 1))
    # wrapped double-precision positions, and the same centred on the origin for freud
    frac = np.linalg.solve(H, (cur[:, 2:5] - lo).T).T
    frac -= np.floor(frac)
    x = frac @ H.T
    box = freud.box.Box.from_matrix(H)
    pts = box.wrap((x - H @ np.full(3, 0.5)).astype(np.float32))
    return dict(tmp=tmp, H=H, H0=H0, x=x, cur=cur, ref=ref, ours=ours, box=box, pts=pts)


# ----------------------------------------------------------------- nonaffine/atom vs OVITO

def ovito_atomic_strain(cur, ref, rc):
    pipeline = import_file(str(cur))
    mod = AtomicStrainModifier(cutoff=rc, output_deformation_gradients=True,
                               output_rotations=True, output_strain_tensors=True,
                               output_nonaffine_squared_displacements=True,
                               select_invalid_particles=True)
    mod.reference = FileSource()
    mod.reference.load(str(ref))
    pipeline.modifiers.append(mod)
    data = pipeline.compute()
    p = data.particles
    order = np.argsort(p["Particle Identifier"][...])
    fg = p["Deformation Gradient"]
    assert tuple(fg.component_names) == ("XX", "YX", "ZX", "XY", "YY", "ZY", "XZ", "YZ", "ZZ")
    assert tuple(p["Strain Tensor"].component_names) == ("XX", "YY", "ZZ", "XY", "XZ", "YZ")
    assert tuple(p["Rotation"].component_names) == ("X", "Y", "Z", "W")
    F = np.array(fg[...])[order].reshape(-1, 3, 3).transpose(0, 2, 1)   # column-major -> F[i, a, b]
    w = np.array(p["Rotation"][...])[order][:, 3]
    return {
        "D2min": np.array(p["Nonaffine Squared Displacement"][...])[order],
        "von Mises": np.array(p["Shear Strain"][...])[order],
        "volumetric": np.array(p["Volumetric Strain"][...])[order],
        "rotation": 2.0 * np.arccos(np.clip(np.abs(w), 0.0, 1.0)),
        "flag": 1.0 - np.array(p["Selection"][...])[order],            # Selection = invalid
        "F": F.reshape(-1, 9),
        "strain": np.array(p["Strain Tensor"][...])[order],
        "invalid": data.attributes["AtomicStrain.invalid_particle_count"],
    }


@pytest.mark.parametrize("k", [0, 1])
def test_nonaffine_vs_ovito(glass, k):
    rc = RC_STRAIN[k]
    H0, H = glass["H0"], glass["H"]
    assert abs(H[0, 1] - H0[0, 1]) > 1.0                     # really sheared (xy tilt)
    crossed = np.any(glass["cur"][:, 5:8] != glass["ref"][:, 5:8], axis=1).sum()
    assert crossed > len(glass["cur"]) // 4                    # many atoms crossed boundaries
    _, _, cols, na = read_dump(glass["tmp"] / "na.dump")
    ours = na[:, 1 + 20 * k:1 + 20 * (k + 1)]
    ov = ovito_atomic_strain(glass["tmp"] / "cur.dump", glass["tmp"] / "ref.dump", rc)
    flag = ours[:, 4]
    assert np.all(np.isin(flag, (0.0, 1.0)))
    np.testing.assert_array_equal(flag, ov["flag"], err_msg="invalid flags")
    assert int((flag == 0).sum()) == ov["invalid"]
    if k == 0:
        assert np.all(flag == 1)
    else:
        assert (flag == 0).sum() > 20                          # invalid atoms are exercised
    pairs = [("D2min", ours[:, 0], ov["D2min"]), ("von Mises", ours[:, 1], ov["von Mises"]),
             ("volumetric", ours[:, 2], ov["volumetric"]), ("rotation", ours[:, 3], ov["rotation"]),
             ("F", ours[:, 5:14], ov["F"]), ("strain", ours[:, 14:20], ov["strain"])]
    valid = flag == 1
    # invalid atoms: ours all zero; OVITO gives zero values, F = 0, quaternion (0, 0, 0, 0)
    assert np.all(ours[~valid] == 0.0)
    ov_inv = {name: float(np.abs(b[~valid]).max()) if (~valid).any() else 0.0 for name, _, b in pairs}
    assert all(v == 0.0 for name, v in ov_inv.items() if name != "rotation")
    # det F <= 0 (inverted neighbourhoods, only with a few neighbours): boop/atom reports the
    # angle of the closest proper rotation, OVITO that of its polar factor, which is then
    # improper; the angles differ by convention, so they are compared where det F > 0
    proper = valid & (np.linalg.det(ours[:, 5:14].reshape(-1, 3, 3)) > 0)
    dev = {}
    for name, a, b in pairs:
        sel = proper if name == "rotation" else valid
        scale = max(np.abs(b[sel]).max(), 1e-300)
        dev[name] = float(np.abs(a[sel] - b[sel]).max() / scale)
        assert dev[name] <= TOL_OVITO, f"{name}: relative deviation {dev[name]:.3e}"
    report(f"nonaffine_vs_ovito_rc{rc}", {"max_rel_dev": {k2: f"{v:.2e}" for k2, v in dev.items()},
                                          "atoms": len(flag), "invalid": int((flag == 0).sum()),
                                          "crossed_boundaries": int(crossed),
                                          "D2min_max": float(ov["D2min"].max()),
                                          "ovito_rotation_angle_of_invalid_atoms": ov_inv["rotation"],
                                          "valid_atoms_with_detF<=0": int((valid & ~proper).sum())})


# ----------------------------------------------------------------- boop/atom vs freud

def freud_boop(glass, nlist, weighted):
    """the boop/atom columns computed by freud on the neighbour list `nlist`"""
    box, pts = glass["box"], glass["pts"]
    out = {}
    for l in DEG:
        for key, kw in (("q", {}), ("w", dict(wl=True)), ("wh", dict(wl=True, wl_normalize=True)),
                        ("qbar", dict(average=True)),
                        ("wbar", dict(average=True, wl=True, wl_normalize=True))):
            st = freud.order.Steinhardt(l, weighted=weighted, **kw)
            st.compute((box, pts), neighbors=nlist)
            out[f"{key}{l}"] = np.array(st.particle_order, dtype=float)
    sl = freud.order.SolidLiquid(6, q_threshold=0.7, solid_threshold=0, normalize_q=True)
    sl.compute((box, pts), neighbors=nlist)
    qi = sl.nlist.query_point_indices
    n = len(pts)
    out["ncryst"] = np.array(sl.num_connections, dtype=float)
    nb = np.bincount(qi, minlength=n)
    out["mean_s"] = np.bincount(qi, weights=sl.ql_ij, minlength=n) / np.maximum(nb, 1)
    out["nb"] = np.bincount(nlist.query_point_indices, minlength=n).astype(float)
    # bonds whose s(i,j) lies so close to the threshold that float32 may decide otherwise
    near = np.abs(sl.ql_ij - 0.7) < 1e-5
    out["near_threshold"] = np.bincount(qi[near], minlength=n)
    return out


def compare(mode, ours, peer, first=None, second=None, bonds=True):
    """max |ours - peer| per column over the atoms in `first` (own neighbours agree) or
    `second` (own and neighbours' neighbours agree: averages and bond columns)"""
    n = len(ours)
    first = np.ones(n, bool) if first is None else first
    second = first if second is None else second
    dev = {}
    for c, name in enumerate(NAMES):
        if name in ("ncryst", "mean_s") and not bonds:
            continue
        sel = second if name.startswith(("qbar", "wbar")) or name in ("ncryst", "mean_s") else first
        a, b = ours[sel, c], peer[name][sel]
        if name == "ncryst":
            diff = np.abs(a - b)
            assert np.all(diff <= peer["near_threshold"][sel]), f"{mode}: ncryst"
            dev[name] = int(diff.sum())
        elif name == "nb":
            np.testing.assert_array_equal(a, b, err_msg=f"{mode}: N_b")
            dev[name] = 0
        else:
            d = float(np.abs(a - b).max())
            assert d <= TOL_FREUD, f"{mode}: {name} deviates by {d:.3e}"
            dev[name] = f"{d:.1e}"
    return dev


def test_boop_nnn_vs_freud(glass):
    box, pts = glass["box"], glass["pts"]
    nl = freud.locality.AABBQuery(box, pts).query(
        pts, dict(num_neighbors=12, exclude_ii=True)).toNeighborList()
    # = boop/atom "nnn 12 cutoff 4.5" when every 12th neighbour lies within 4.5
    assert nl.distances.max() < 4.5
    peer = freud_boop(glass, nl, weighted=False)
    report("boop_nnn12_vs_freud", compare("nnn", glass["ours"]["nnn"], peer))


def test_boop_cutoff_vs_freud(glass):
    box, pts = glass["box"], glass["pts"]
    nl = freud.locality.AABBQuery(box, pts).query(pts, dict(r_max=3.6, exclude_ii=True)).toNeighborList()
    peer = freud_boop(glass, nl, weighted=False)
    report("boop_cutoff3.6_vs_freud", compare("cutoff", glass["ours"]["cutoff"], peer))


# ----------------------------------------------------------------- neighbour sets

def pyscal3_neighbors(glass, **kw):
    """pyscal3's neighbours on the double-precision positions, as a freud NeighborList
    (bond vectors by minimum image from the same positions) and as a set of pairs"""
    H, x = glass["H"], glass["x"]
    atoms = Atoms(numbers=np.full(len(x), 29), positions=x, cell=H.T, pbc=True)
    pyscal3.find_neighbors(atoms, **kw)
    off = np.asarray(atoms.info["pyscal_bond_offsets"])
    j = np.asarray(atoms.info["pyscal_bond_neighbors"], dtype=np.int64)
    w = np.asarray(atoms.info["pyscal_bond_weight"], dtype=float)
    i = np.repeat(np.arange(len(x)), np.diff(off))
    d = x[j] - x[i]
    s = np.linalg.solve(H, d.T).T
    d = (s - np.round(s)) @ H.T
    nl = freud.locality.NeighborList.from_arrays(len(x), len(x), i, j, d.astype(np.float32), w)
    return nl, set(zip(i.tolist(), j.tolist())), dict(zip(zip(i.tolist(), j.tolist()), w.tolist()))


def neighbourhood(nl, atoms, n):
    """atoms in `atoms` or having one of them as neighbour"""
    bad = np.zeros(n, bool)
    bad[list(atoms)] = True
    qi, pj = nl.query_point_indices, nl.point_indices
    bad2 = bad.copy()
    bad2[qi[bad[pj]]] = True
    return bad, bad2


def test_sann_vs_pyscal3(glass):
    ours = glass["ours"]["sann"]
    nl, pairs, _ = pyscal3_neighbors(glass, method="cutoff", cutoff="sann")
    counts = np.bincount(nl.query_point_indices, minlength=len(ours))
    np.testing.assert_array_equal(ours[:, -1], counts, err_msg="SANN N_b vs pyscal3")
    # the same sets: every column of boop/atom, computed by freud on pyscal3's SANN bonds
    peer = freud_boop(glass, nl, weighted=False)
    dev = compare("sann", ours, peer)
    dev["atoms_with_same_N_b"] = f"{int((ours[:, -1] == counts).sum())}/{len(ours)}"
    dev["mean_N_b"] = float(counts.mean())
    report("sann_vs_pyscal3(+freud Steinhardt on its bonds)", dev)


@pytest.mark.parametrize("mode", ["voronoi", "area"])
def test_voronoi_vs_freud_and_pyscal3(glass, mode):
    ours = glass["ours"][mode]
    n = len(ours)
    weighted = mode == "area"
    box, pts = glass["box"], glass["pts"]
    # pyscal3 (voro++ in double precision on the same positions): the very same sets
    pnl, ppairs, parea = pyscal3_neighbors(glass, method="voronoi")
    counts = np.bincount(pnl.query_point_indices, minlength=n)
    np.testing.assert_array_equal(ours[:, -1], counts, err_msg="Voronoi N_b vs pyscal3")
    dev_p = compare(mode + "/pyscal3 bonds", ours, freud_boop(glass, pnl, weighted), bonds=not weighted)
    # freud's own Voronoi tessellation (float32 positions): sets equal but for tiny faces
    vo = freud.locality.Voronoi()
    vo.compute((box, pts))
    fnl = vo.nlist
    fpairs = set(zip(fnl.query_point_indices.tolist(), fnl.point_indices.tolist()))
    differ = ppairs ^ fpairs
    frac = [parea.get(p, 0.0) / sum(v for q, v in parea.items() if q[0] == p[0]) for p in differ]
    assert max(frac, default=0.0) < 1e-5, f"freud and voro++ differ on a face of area fraction {max(frac):.2e}"
    bad = {i for i, _ in differ} | {j for _, j in differ}
    bad1, bad2 = neighbourhood(fnl, bad, n)
    dev_f = compare(mode + "/freud Voronoi", ours, freud_boop(glass, fnl, weighted),
                    first=~bad1, second=~bad2, bonds=not weighted)
    report(f"voronoi_{mode}_vs_freud", {
        "freud_Voronoi_bonds": len(fpairs), "pyscal3_bonds": len(ppairs),
        "bonds_differing_freud_vs_voro++": len(differ),
        "their_max_face_area_fraction": f"{max(frac, default=0.0):.1e}",
        "atoms_compared_first/second_shell": f"{int((~bad1).sum())}/{int((~bad2).sum())} of {n}",
        "dev_on_freud_Voronoi": dev_f, "dev_on_pyscal3_Voronoi": dev_p})


# ----------------------------------------------------------------- boop/atom vs OVITO (double precision)

@pytest.mark.parametrize("mode", ["nnn", "cutoff", "area"])
def test_boop_vs_ovito_steinhardt(glass, mode):
    """q_l and the Lechner-Dellago q-bar_l of OVITO's SteinhardtParametersModifier (3.17,
    double precision; its Voronoi mode is face-area weighted)"""
    from ovito.modifiers import SteinhardtParametersModifier as S
    kw = {"nnn": dict(neighbor_mode=S.NeighborMode.NearestNeighbors, num_neighbors=12),
          "cutoff": dict(neighbor_mode=S.NeighborMode.Cutoff, cutoff=3.6),
          "area": dict(neighbor_mode=S.NeighborMode.Voronoi)}[mode]
    pipeline = import_file(str(glass["tmp"] / "cur.dump"))
    pipeline.modifiers.append(S(max_l=max(DEG), compute_averaged=True, **kw))
    p = pipeline.compute().particles
    order = np.argsort(p["Particle Identifier"][...])
    names = list(p["Steinhardt"].component_names)
    q = np.array(p["Steinhardt"][...])[order]
    qbar = np.array(p["Smooth Steinhardt"][...])[order]
    ours = glass["ours"][mode]
    dev = {}
    for k, l in enumerate(DEG):
        c = names.index(f"q{l}")
        for name, a, b in ((f"q{l}", ours[:, k], q[:, c]),
                           (f"qbar{l}", ours[:, 3 * len(DEG) + k], qbar[:, c])):
            d = float(np.abs(a - b).max())
            assert d <= 1e-10, f"{mode}: {name} deviates from OVITO by {d:.3e}"
            dev[name] = f"{d:.1e}"
    report(f"boop_{mode}_vs_ovito_steinhardt", dev)
