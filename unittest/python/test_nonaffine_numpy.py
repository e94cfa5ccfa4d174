# AMORPH - LAMMPS plugin package, GPL-2.0
"""compute nonaffine/atom against an independent numpy/scipy implementation of
doc/src/Science.rst, section 2 (reference-configuration neighbours, D2min, Green-Lagrange
strain, von Mises and volumetric strain, rotation angle of the polar factor) on an amorphous
packing in a triclinic box that is deformed and randomly displaced (many atoms cross periodic
boundaries), and per-atom equality on 1, 2 and 4 MPI ranks.  The configuration is made here,
so it is the same whatever the number of ranks."""
import os

import numpy as np
import pytest
from scipy.linalg import polar

from conftest import read_dump, run_lmp

RC = 1.6
N = 400
L = 7.5
TILT0 = (0.9, -0.6, 0.5)          # xy xz yz of the reference box


def box_matrix(lx, ly, lz, xy, xz, yz):
    return np.array([[lx, xy, xz], [0.0, ly, yz], [0.0, 0.0, lz]])


def packing(seed):
    """random positions with a minimum distance (approximate minimum image) in the box H0"""
    rng = np.random.default_rng(seed)
    H0 = box_matrix(L, L, L, *TILT0)
    Hinv = np.linalg.inv(H0)
    x = np.empty((0, 3))
    while len(x) < N:
        p = H0 @ rng.uniform(0, 1, 3)
        d = x - p
        s = d @ Hinv.T
        d = (s - np.round(s)) @ H0.T
        if len(x) == 0 or np.min(np.einsum("ij,ij->i", d, d)) > 0.7 ** 2:
            x = np.vstack([x, p])
    return H0, x


def deformed(H0, x0, seed):
    """current box and unwrapped positions: box deformation, random displacements, a
    translation that moves many atoms across the boundaries"""
    rng = np.random.default_rng(seed)
    H1 = box_matrix(L * 1.03, L * 0.98, L * 1.01, TILT0[0] + 0.4, TILT0[1] - 0.3, TILT0[2] + 0.2)
    A = H1 @ np.linalg.inv(H0)
    x = x0 @ A.T + rng.normal(0.0, 0.08, x0.shape) + np.array([2.9, -1.7, 3.3])
    return H1, x


def strain_measures(F):
    """Green-Lagrange strain, von Mises shear strain and rotation angle of the polar factor"""
    eta = 0.5 * (F.T @ F - np.eye(3))
    vm = np.sqrt(eta[0, 1] ** 2 + eta[0, 2] ** 2 + eta[1, 2] ** 2 +
                 ((eta[0, 0] - eta[1, 1]) ** 2 + (eta[0, 0] - eta[2, 2]) ** 2 +
                  (eta[1, 1] - eta[2, 2]) ** 2) / 6)
    R, _ = polar(F, side="right")
    return eta, vm, np.arccos(np.clip((np.trace(R) - 1) / 2, -1, 1))


def reference(H0, x0, H1, x):
    """doc/src/Science.rst, section 2, brute force over all periodic images within the cutoff"""
    shifts = np.array([[a, b, c] for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)])
    out = np.zeros((len(x0), 5 + 9 + 6))
    for i in range(len(x0)):
        V = np.zeros((3, 3))
        W = np.zeros((3, 3))
        d0s, ds = [], []
        for n in shifts:
            d0 = x0 - x0[i] + H0 @ n
            d = x - x[i] + H1 @ n
            sel = np.einsum("ij,ij->i", d0, d0) < RC * RC
            if not n.any():
                sel[i] = False
            d0s.append(d0[sel])
            ds.append(d[sel])
        d0 = np.vstack(d0s)
        d = np.vstack(ds)
        V = d0.T @ d0
        W = d.T @ d0
        F = W @ np.linalg.inv(V)
        r = d - d0 @ F.T
        eta, vm, theta = strain_measures(F)
        out[i, :5] = [np.sum(r * r), vm, np.trace(eta) / 3, theta, 1.0]
        out[i, 5:14] = F.ravel()
        out[i, 14:] = [eta[0, 0], eta[1, 1], eta[2, 2], eta[0, 1], eta[0, 2], eta[1, 2]]
    return out


def write_inputs(tmp_path, H0, x0, H1, x):
    data = tmp_path / "ref.data"
    with open(data, "w") as f:
        f.write(f"reference\n\n{N} atoms\n1 atom types\n\n0 {L} xlo xhi\n0 {L} ylo yhi\n"
                f"0 {L} zlo zhi\n{TILT0[0]} {TILT0[1]} {TILT0[2]} xy xz yz\n\n"
                "Masses\n\n1 1.0\n\nAtoms # atomic\n\n")
        for i, p in enumerate(x0):
            f.write(f"{i + 1} 1 {p[0]:.17g} {p[1]:.17g} {p[2]:.17g}\n")
    moves = tmp_path / "moves.in"
    with open(moves, "w") as f:
        f.write(f"change_box all x final 0 {H1[0, 0]:.17g} y final 0 {H1[1, 1]:.17g} "
                f"z final 0 {H1[2, 2]:.17g} xy final {H1[0, 1]:.17g} xz final {H1[0, 2]:.17g} "
                f"yz final {H1[1, 2]:.17g} units box\n")
        for i, p in enumerate(x):
            f.write(f"set atom {i + 1} x {p[0]:.17g} y {p[1]:.17g} z {p[2]:.17g} image 0 0 0\n")
    return data, moves


INPUT = """plugin load {plugin}
units metal
atom_style atomic
boundary p p p
read_data {data}
pair_style zero 2.0
pair_coeff * *
neighbor 0.5 bin
comm_modify cutoff 4.0
compute na all nonaffine/atom cutoff {rc} defgrad yes strain yes
include {moves}
run 0
write_dump all custom na.dump id c_na[*] modify sort id format float %.17g
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nonaffine")
    H0, x0 = packing(2024)
    H1, x = deformed(H0, x0, 7)
    data, moves = write_inputs(tmp, H0, x0, H1, x)
    res = {}
    for n in (1, 2, 4):
        d = tmp / f"np{n}"
        d.mkdir()
        run_lmp(INPUT.format(plugin=os.environ["AMORPH_PLUGIN"], data=data, moves=moves, rc=RC),
                d, nprocs=n)
        res[n] = read_dump(d / "na.dump")
    return H0, x0, H1, x, res


def test_nonaffine_equals_numpy_reference(runs):
    H0, x0, H1, x, res = runs
    cols, arr = res[1]
    assert arr.shape == (N, 21)
    # atoms did cross the boundaries (wrapped current positions differ from unwrapped)
    frac = x @ np.linalg.inv(H1).T
    assert np.sum(np.any((frac < 0) | (frac >= 1), axis=1)) > N // 4
    ref = reference(H0, x0, H1, x)
    assert ref[:, 0].mean() > 1e-3                 # really non-affine
    assert np.all(arr[:, 5] == 1.0)                # every atom valid
    names = ["D2min", "von Mises", "volumetric", "rotation", "flag"] + \
        [f"F{k}" for k in range(9)] + ["eta_xx", "eta_yy", "eta_zz", "eta_xy", "eta_xz", "eta_yz"]
    for c, name in enumerate(names):
        np.testing.assert_allclose(arr[:, 1 + c], ref[:, c], rtol=0, atol=1e-10, err_msg=name)


def test_nonaffine_same_on_1_2_4_ranks(runs):
    *_, res = runs
    cols, ref = res[1]
    for n in (2, 4):
        cols_n, data_n = res[n]
        assert cols_n == cols
        np.testing.assert_allclose(data_n, ref, rtol=0, atol=1e-12, err_msg=f"{n} ranks")
