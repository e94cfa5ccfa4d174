# AMORPH - LAMMPS plugin package, GPL-2.0
"""compute boop/atom against an independent numpy/scipy/sympy implementation of
doc/src/Science.rst, section 3 (Steinhardt, Lechner-Dellago averages, Tanaka's s(i,j)) on a
random periodic configuration, and per-atom equality on 1, 2 and 4 MPI ranks."""
import numpy as np
import pytest
from scipy.special import sph_harm
from sympy.physics.wigner import wigner_3j

import amorph
from conftest import create_atoms_random, read_dump, run_lmp

DEGREES = [4, 6]
RC = 1.6
SETUP = f"""units lj
atom_style atomic
boundary p p p
region box block 0 8 0 8 0 8
create_box 1 box
{create_atoms_random(350, 77123, 0.8, 500, (0, 0, 0), (8, 8, 8))}
mass 1 1.0
pair_style zero 2.0
pair_coeff * *
"""


def reference(x, box, rc, degrees, bond_l=6, thr=0.7):
    """Brute force: neighbours by minimum image, Y_lm from scipy (Condon-Shortley phase)."""
    n = len(x)
    d = x[None, :, :] - x[:, None, :]            # d[i, j] = x_j - x_i
    d -= box * np.round(d / box)
    r = np.linalg.norm(d, axis=2)
    nbr = (r < rc) & ~np.eye(n, dtype=bool)
    qlm = {}
    for l in degrees:
        m = np.arange(-l, l + 1)
        q = np.zeros((n, 2 * l + 1), complex)
        for i in range(n):
            dj = d[i, nbr[i]]
            if len(dj) == 0:
                continue
            polar = np.arccos(np.clip(dj[:, 2] / np.linalg.norm(dj, axis=1), -1, 1))
            azim = np.arctan2(dj[:, 1], dj[:, 0])
            q[i] = sph_harm(m[None, :], l, azim[:, None], polar[:, None]).mean(axis=0)
        qlm[l] = q

    def invariants(q, l):
        s2 = np.sum(np.abs(q) ** 2, axis=1)
        ql = np.sqrt(4 * np.pi / (2 * l + 1) * s2)
        w = np.zeros(len(q), complex)
        for m1 in range(-l, l + 1):
            for m2 in range(-l, l + 1):
                m3 = -m1 - m2
                if abs(m3) > l:
                    continue
                c = float(wigner_3j(l, l, l, m1, m2, m3))
                w += c * q[:, m1 + l] * q[:, m2 + l] * q[:, m3 + l]
        wh = np.where(ql < 1e-6, 0.0, w.real / np.maximum(s2, 1e-300) ** 1.5)
        return ql, w.real, wh

    cols = {}
    for l in degrees:
        cols[f"q{l}"], cols[f"w{l}"], cols[f"wh{l}"] = invariants(qlm[l], l)
        qbar = (qlm[l] + nbr.astype(float) @ qlm[l]) / (nbr.sum(axis=1) + 1)[:, None]
        cols[f"qbar{l}"], _, cols[f"wbar{l}"] = invariants(qbar, l)
    q = qlm[bond_l]
    norm = np.sqrt(np.sum(np.abs(q) ** 2, axis=1))
    s = np.real(q @ q.conj().T) / np.outer(norm, norm)
    s = np.where(nbr, s, 0.0)
    nb = nbr.sum(axis=1)
    cols["ncryst"] = np.sum(nbr & (s > thr), axis=1).astype(float)
    cols["means"] = np.where(nb > 0, s.sum(axis=1) / np.maximum(nb, 1), 0.0)
    cols["nb"] = nb.astype(float)
    return cols


def test_boop_equals_numpy_reference(lmp):
    for line in SETUP.splitlines():
        lmp.command(line)
    lmp.command(f"compute bo all boop/atom degrees 2 4 6 w yes cutoff {RC} bonds 6 0.7")
    lmp.command("run 0")
    arr = amorph.peratom(lmp, "bo")
    x = np.ctypeslib.as_array(lmp.gather_atoms("x", 1, 3), shape=(350 * 3,)).reshape(350, 3)
    ref = reference(x, 8.0, RC, DEGREES)
    # columns: q4 q6 | w4 w6 | wh4 wh6 | qbar4 qbar6 | wbar4 wbar6 | ncryst means | nb
    order = ["q4", "q6", "w4", "w6", "wh4", "wh6", "qbar4", "qbar6", "wbar4", "wbar6",
             "ncryst", "means", "nb"]
    assert arr.shape == (350, len(order))
    assert ref["nb"].mean() > 5          # a dense configuration
    for c, name in enumerate(order):
        np.testing.assert_allclose(arr[:, c], ref[name], rtol=0, atol=1e-10, err_msg=name)


def voronoi_reference(x, box, degrees):
    """Face-area weighted Voronoi q_l (Mickel et al. 2013) with scipy's qhull on the
    configuration surrounded by its 26 periodic images."""
    from scipy.spatial import Voronoi
    n = len(x)
    shifts = np.array([[i, j, k] for i in (0, -1, 1) for j in (0, -1, 1) for k in (0, -1, 1)])
    pts = np.concatenate([x + box * s for s in shifts])      # first n points: the originals
    vor = Voronoi(pts)
    bonds = [[] for _ in range(n)]
    for (a, b), ridge in zip(vor.ridge_points, vor.ridge_vertices):
        if a >= n and b >= n:
            continue
        poly = vor.vertices[ridge]
        c = poly.mean(axis=0)
        normal = pts[b] - pts[a]
        normal /= np.linalg.norm(normal)
        e1 = poly[0] - c
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(normal, e1)
        ang = np.arctan2((poly - c) @ e2, (poly - c) @ e1)
        p = poly[np.argsort(ang)] - c
        area = 0.5 * np.linalg.norm(np.sum(np.cross(p, np.roll(p, -1, axis=0)), axis=0))
        for i, j in ((a, b), (b, a)):
            if i < n:
                bonds[i].append((pts[j] - pts[i], area))
    out = {}
    for l in degrees:
        m = np.arange(-l, l + 1)
        q = np.zeros((n, 2 * l + 1), complex)
        for i in range(n):
            d = np.array([b[0] for b in bonds[i]])
            w = np.array([b[1] for b in bonds[i]])
            polar = np.arccos(d[:, 2] / np.linalg.norm(d, axis=1))
            azim = np.arctan2(d[:, 1], d[:, 0])
            q[i] = (w[:, None] * sph_harm(m[None, :], l, azim[:, None], polar[:, None])).sum(axis=0) / w.sum()
        out[f"q{l}"] = np.sqrt(4 * np.pi / (2 * l + 1) * np.sum(np.abs(q) ** 2, axis=1))
    out["nb"] = np.array([len(b) for b in bonds], float)
    return out


def test_boop_voronoi_area_equals_scipy(lmp):
    for line in SETUP.splitlines():
        lmp.command(line)
    lmp.command("compute bv all boop/atom voronoi area qbar no wbar no bonds no")
    lmp.command("run 0")
    arr = amorph.peratom(lmp, "bv")      # q4 q6 wh4 wh6 nb
    x = np.ctypeslib.as_array(lmp.gather_atoms("x", 1, 3), shape=(350 * 3,)).reshape(350, 3)
    ref = voronoi_reference(x, 8.0, DEGREES)
    np.testing.assert_array_equal(arr[:, 4], ref["nb"])
    np.testing.assert_allclose(arr[:, 0], ref["q4"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(arr[:, 1], ref["q6"], rtol=0, atol=1e-9)


def random_packing(n, box, dmin, seed):
    """Random positions with a minimum distance (minimum image), made here so that the
    configuration is the same whatever the number of MPI ranks."""
    rng = np.random.default_rng(seed)
    x = np.empty((0, 3))
    while len(x) < n:
        p = rng.uniform(0, box, 3)
        d = x - p
        d -= box * np.round(d / box)
        if len(x) == 0 or np.min(np.sum(d * d, axis=1)) > dmin * dmin:
            x = np.vstack([x, p])
    return x


def write_data(path, x, box):
    with open(path, "w") as f:
        f.write(f"random packing\n\n{len(x)} atoms\n1 atom types\n\n")
        f.write(f"0 {box} xlo xhi\n0 {box} ylo yhi\n0 {box} zlo zhi\n\nMasses\n\n1 1.0\n\nAtoms # atomic\n\n")
        for i, p in enumerate(x):
            f.write(f"{i + 1} 1 {p[0]:.17g} {p[1]:.17g} {p[2]:.17g}\n")


DUMP_INPUT = """units lj
atom_style atomic
boundary p p p
read_data {data}
pair_style zero 2.0
pair_coeff * *
# shift everything so that many atoms cross the periodic boundaries
displace_atoms all move 3.3 2.1 -1.7 units box
compute bo all boop/atom degrees 3 2 4 6 w yes nnn 6 cutoff 1.8 bonds 6 0.5
compute bs all boop/atom degrees 2 4 6 sann yes cutoff 1.8
compute bv all boop/atom degrees 2 4 6 voronoi area
run 0
write_dump all custom boop.dump id c_bo[*] c_bs[*] c_bv[*] modify sort id format float %.17g
"""


def test_boop_same_on_1_2_4_ranks(tmp_path):
    import os
    data = tmp_path / "packing.data"
    write_data(data, random_packing(350, 8.0, 0.8, 2024), 8.0)
    results = []
    for n in (1, 2, 4):
        d = tmp_path / f"np{n}"
        d.mkdir()
        run_lmp(f"plugin load {os.environ['AMORPH_PLUGIN']}\n" + DUMP_INPUT.format(data=data), d, nprocs=n)
        results.append(read_dump(d / "boop.dump"))
    cols, ref = results[0]
    assert len(ref) == 350
    assert ref[:, -1].min() >= 3          # SANN found shells
    for cols_n, data_n in results[1:]:
        assert cols_n == cols
        np.testing.assert_allclose(data_n, ref, rtol=0, atol=1e-12)


SMALL_BOX = """units metal
atom_style atomic
lattice fcc 1.0
region box block 0 1 0 1 0 2
create_box 1 box
create_atoms 1 box
mass 1 1.0
pair_style zero 1.3
pair_coeff * *
displace_atoms all move 0.3 0.2 0.45 units box
compute b all boop/atom degrees 2 4 6 nnn 12 bonds 6 0.7
run 0
write_dump all custom small.dump id c_b[*] modify sort id format float %.17g
"""


def test_boop_small_box_own_images_1_2_4_ranks(tmp_path):
    import os
    results = []
    for n in (1, 2, 4):
        d = tmp_path / f"np{n}"
        d.mkdir()
        run_lmp(f"plugin load {os.environ['AMORPH_PLUGIN']}\n" + SMALL_BOX, d, nprocs=n)
        results.append(read_dump(d / "small.dump")[1])
    ref = results[0]
    assert len(ref) == 8
    np.testing.assert_allclose(ref[:, 2], 0.57452, atol=1e-5)     # q6 of fcc
    np.testing.assert_allclose(ref[:, 6], 0.57452, atol=1e-5)     # qbar6 needs the images
    for data in results[1:]:
        np.testing.assert_allclose(data, ref, rtol=0, atol=1e-12)


EMPTY_RANK = """units metal
atom_style atomic
boundary p p p
processors 2 1 1
lattice fcc 1.6
region box block 0 8 0 4 0 4
region slab block 0 3.9 0 4 0 4
create_box 1 box
create_atoms 1 region slab
mass 1 1.0
pair_style zero 2.0
pair_coeff * *
comm_modify cutoff 8.0
compute bv all boop/atom degrees 2 4 6 voronoi yes
run 0
write_dump all custom empty.dump id c_bv[*] modify sort id format float %.17g
"""


def test_boop_voronoi_rank_without_atoms(tmp_path):
    """A slab in one half of the box: with 'processors 2 1 1' rank 1 owns no atoms.  The
    Voronoi neighbours must not hang (a reduction all ranks enter) and equal 1 rank's."""
    import os
    out = []
    for n in (1, 2):
        d = tmp_path / f"np{n}"
        d.mkdir()
        text = EMPTY_RANK if n == 2 else EMPTY_RANK.replace("processors 2 1 1\n", "")
        log = run_lmp(f"plugin load {os.environ['AMORPH_PLUGIN']}\n" + text, d, nprocs=n, timeout=120)
        assert f"on {n} procs" in log or n == 1
        out.append(read_dump(d / "empty.dump"))
    (c1, d1), (c2, d2) = out
    assert len(d1) > 0 and d1[:, -1].max() >= 12
    np.testing.assert_allclose(d2, d1, rtol=0, atol=1e-12)
