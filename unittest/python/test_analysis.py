# AMORPH - LAMMPS plugin package, GPL-2.0
"""amorph.analysis and amorph.plots against inputs with known answers (pure numpy/scipy,
no LAMMPS): each test states where its expected value comes from."""
import math

import numpy as np
import pytest

from amorph import analysis as an


def lattice(basis, n, a=1.0):
    g = np.array(np.meshgrid(*[np.arange(n)] * 3, indexing="ij")).reshape(3, -1).T
    x = ((g[:, None, :] + np.asarray(basis, float)[None]) * a).reshape(-1, 3)
    return x, np.full(3, n * a)


FCC = [[0, 0, 0], [.5, .5, 0], [.5, 0, .5], [0, .5, .5]]
BCC = [[0, 0, 0], [.5, .5, .5]]


# --- T_ML distributions, slice maps ----------------------------------------------------

def test_tml_distribution_and_fractions():
    tml = np.array([100.0, 300.0, 684.9, 685.0, 685.1, 900.0, 1200.0, np.nan])
    h = an.tml_distribution(tml, bins=4, range=(0, 1600))
    assert np.isclose(np.sum(h.values * np.diff(h.edges)), 1.0)     # a density
    assert np.allclose(h.centers, [200, 600, 1000, 1400])
    # T_ML > Tg strictly: 685.1, 900, 1200 of 7 finite values
    assert an.fraction_liquid_like(tml, 685.0) == pytest.approx(3 / 7)
    hs = an.tml_distributions({0: tml[:3], 40: tml[3:7]}, bins=5)
    assert np.array_equal(hs[0].edges, hs[40].edges)
    hi, lo = an.extreme_atoms(np.arange(100.0), 0.1)
    assert np.array_equal(np.nonzero(hi)[0], np.arange(90, 100))
    assert np.array_equal(np.nonzero(lo)[0], np.arange(10))


def test_slice_map_linear_field():
    # atoms on the centres of a 10 x 8 grid in the slab z = 5 +- 1, plus atoms outside
    # the slab with a wild value: every cell mean must be exactly 2 x + 3 y + 1
    box = [[0, 10], [0, 8], [0, 10]]
    xs, ys = np.meshgrid(np.arange(10) + 0.5, np.arange(8) + 0.5, indexing="ij")
    inside = np.stack([xs.ravel(), ys.ravel(), np.full(xs.size, 5.3)], axis=1)
    inside = np.concatenate([inside, inside + [0, 0, -0.6]])       # two atoms per cell
    outside = inside + [0, 0, 3.0]
    pos = np.concatenate([inside, outside])
    val = np.concatenate([2 * inside[:, 0] + 3 * inside[:, 1] + 1, np.full(len(outside), 1e6)])
    sm = an.slice_map(pos, val, box, axis="z", center=5.0, thickness=2.0, nbins=(10, 8))
    assert sm.axes == ("x", "y")
    assert np.all(sm.count == 2)
    cu = 0.5 * (sm.edges_u[1:] + sm.edges_u[:-1])
    cv = 0.5 * (sm.edges_v[1:] + sm.edges_v[:-1])
    assert np.allclose(sm.mean, 2 * cu[:, None] + 3 * cv[None, :] + 1, rtol=0, atol=1e-12)
    # periodic slab across the boundary: centre 0.2, thickness 1 -> z in [-0.3, 0.7]
    p2 = np.array([[1.5, 1.5, 9.8], [1.5, 1.5, 0.6], [1.5, 1.5, 5.0]])
    sm2 = an.slice_map(p2, [1.0, 3.0, 100.0], box, axis=2, center=0.2, thickness=1.0, nbins=(10, 8))
    assert sm2.count.sum() == 2 and sm2.mean[1, 1] == pytest.approx(2.0)
    assert np.isnan(sm2.mean[0, 0])


# --- loading: sine fit, loop area, DMA --------------------------------------------------

def test_sine_fit_recovers_amplitude_and_phase():
    f = 2.0e-2                       # 1/ps: 50 ps period
    t = np.linspace(0, 200, 2001)
    for amp, phi in [(1.6, 0.0), (0.03, 0.7), (2.0, -2.5), (1.0, math.pi)]:
        y = 0.4 + 1e-3 * (t - 100) + amp * np.sin(2 * np.pi * f * t + phi)
        fit = an.fit_sine(t, y, f, drift=True)
        assert fit.amplitude == pytest.approx(amp, rel=1e-10)
        assert abs(an._wrap(fit.phase - phi)) < 1e-10
        assert fit.offset == pytest.approx(0.4) and fit.slope == pytest.approx(1e-3)


def test_loop_area_of_ellipse():
    # sigma = s0 sin(wt + d), eps = e0 sin(wt): the loop integral is pi s0 e0 sin(d).
    # The trapezoidal sum over n samples per period is exactly (derived with
    # sin A sin B = [cos(A-B) - cos(A+B)]/2, the sigma_i eps_i terms cancel around the loop)
    # W_n = (n/2) s0 e0 sin(d) sin(2 pi/n) = pi s0 e0 sin(d) [1 - (2 pi/n)^2/6 + ...]
    s0, e0, d = 1.6, 0.02, 0.3
    n = 400
    exact = math.pi * s0 * e0 * math.sin(d)
    discrete = 0.5 * n * s0 * e0 * math.sin(d) * math.sin(2 * math.pi / n)
    t = np.arange(n) / n                          # one period, end point excluded
    sig = s0 * np.sin(2 * np.pi * t + d)
    eps = e0 * np.sin(2 * np.pi * t)
    assert an.loop_area(sig, eps, closed=True) == pytest.approx(discrete, rel=1e-12)
    assert an.loop_area(sig, eps, closed=True) == pytest.approx(exact, rel=(2 * np.pi / n) ** 2 / 5)
    t1 = np.arange(n + 1) / n                     # with the end point: no closing needed
    W = an.loop_area(s0 * np.sin(2 * np.pi * t1 + d), e0 * np.sin(2 * np.pi * t1))
    assert W == pytest.approx(discrete, rel=1e-12)
    assert an.loop_area(sig, eps, closed=False) != pytest.approx(discrete, rel=1e-3)
    # elastic (d = 0) encloses no area; strain leading the stress gives W < 0
    assert abs(an.loop_area(s0 * np.sin(2 * np.pi * t1), eps_ := e0 * np.sin(2 * np.pi * t1))) < 1e-15
    assert an.loop_area(s0 * np.sin(2 * np.pi * t1 - d), eps_) == pytest.approx(-W)


def test_dma_conventions():
    # strain lags stress by delta: E' = s0/e0 cos(delta), E'' = s0/e0 sin(delta)
    f, s0, e0, delta = 5e-2, 1.6e4, 0.02, 0.25
    t = np.linspace(0, 60, 3001)                  # three 20-ps cycles
    sig = s0 * np.sin(2 * np.pi * f * t)
    eps = 0.001 + e0 * np.sin(2 * np.pi * f * t - delta)
    r = an.dma(t[:1001], sig[:1001], eps[:1001], f)
    assert r["delta"] == pytest.approx(delta, abs=1e-10)
    assert r["E_storage"] == pytest.approx(s0 / e0 * math.cos(delta), rel=1e-10)
    assert r["E_loss"] == pytest.approx(s0 / e0 * math.sin(delta), rel=1e-10)
    assert r["W_loop"] == pytest.approx(math.pi * s0 * e0 * math.sin(delta), rel=1e-4)
    assert r["W_fit"] == pytest.approx(math.pi * s0 * e0 * math.sin(delta), rel=1e-10)
    pc = an.dma_per_cycle(t, sig, eps, f)
    assert list(pc["cycle"]) == [0, 1, 2]
    assert np.allclose(pc["eps0"], e0) and np.allclose(pc["delta"], delta)
    assert an.engineering_strain([10.0, 10.5, 9.5])[1:] == pytest.approx([0.05, -0.05])


# --- correlations ------------------------------------------------------------------------

def test_correlation_known_values():
    rng = np.random.default_rng(1)
    a = rng.normal(size=1000)
    assert an.correlation(a, a) == pytest.approx(1.0, abs=1e-14)
    assert an.correlation(a, -3 * a + 7) == pytest.approx(-1.0, abs=1e-14)
    assert an.correlation(a, 2 * a + 1) == pytest.approx(1.0, abs=1e-14)
    b = rng.normal(size=1000)
    assert an.correlation(a, b) == pytest.approx(np.corrcoef(a, b)[0, 1], abs=1e-13)
    # y = x + noise with var(noise) = var(x): rho = 1/sqrt(2) (statistically, N = 1e5:
    # standard error (1 - rho^2)/sqrt(N) ~ 0.0016)
    x = rng.normal(size=100000)
    assert an.correlation(x, x + rng.normal(size=x.size)) == pytest.approx(2 ** -0.5, abs=0.01)
    a2 = a.copy()
    a2[5] = np.nan
    assert an.correlation(a2, a) == pytest.approx(1.0)
    assert math.isnan(an.correlation(np.ones(5), np.arange(5.0)))
    lags, rho = an.correlation_vs_lag(a, {10.0: a, 1.0: -a, 5.0: b})
    assert list(lags) == [1.0, 5.0, 10.0]
    assert rho[0] == pytest.approx(-1) and rho[2] == pytest.approx(1)


# --- Voronoi ------------------------------------------------------------------------------

def test_voronoi_propensity_eq1():
    labels = np.array(["<0,0,12,0>"] * 30 + ["<0,2,8,1>"] * 50 + ["<0,4,4,3>"] * 20)
    rng = np.random.default_rng(2)
    # a subset with exactly the composition of the whole sample: Delta f = 0 exactly
    sub = np.concatenate([labels[:30][:6], labels[30:80][:10], labels[80:][:4]])
    p = an.voronoi_propensity(labels, rng.permutation(sub))
    assert np.all(p.delta_f == 0.0)
    # hand-computed eq. (1): subset of 10 with 5 ico, 5 <0,2,8,1>:
    # ico: (0.5 - 0.3)/0.3 = +66.67 %, <0,2,8,1>: (0.5-0.5)/0.5 = 0, <0,4,4,3>: -100 %
    p = an.voronoi_propensity(labels, ["<0,0,12,0>"] * 5 + ["<0,2,8,1>"] * 5)
    d = dict(zip(p.labels, p.delta_f))
    assert d["<0,0,12,0>"] == pytest.approx(200 / 3)
    assert d["<0,2,8,1>"] == 0 and d["<0,4,4,3>"] == -100
    assert list(p.labels[:2]) == ["<0,2,8,1>", "<0,0,12,0>"]  # by subset count, then total
    # a random 10 % subset of a large sample: Delta f ~ 0 within sampling noise
    big = rng.choice(labels, 200000)
    q = an.voronoi_propensity(big, big[rng.random(big.size) < 0.1], percent=False)
    assert np.all(np.abs(q.delta_f) < 0.05)
    # integer index arrays and labels agree
    arr = np.array([[0, 0, 12, 0], [0, 2, 8, 1], [0, 2, 8, 1]])
    pa = an.voronoi_propensity(arr, arr[1:])
    assert list(pa.labels) == ["<0,2,8,1>", "<0,0,12,0>"]
    assert pa.delta_f == pytest.approx([50.0, -100.0])


def test_voronoi_indices_of_lattices():
    # rhombic dodecahedron (fcc): 12 rhombi -> <0,12,0,0>;
    # truncated octahedron (bcc): 6 squares + 8 hexagons -> <0,6,0,8>
    x, L = lattice(FCC, 3)
    v = an.voronoi_indices(x, L, edge_threshold=1e-6)
    assert set(an.voronoi_index_labels(v)) == {"<0,12,0,0>"}
    x, L = lattice(BCC, 3, a=2.0)
    x = x + 0.3                                # shifted origin: the wrap must not matter
    v = an.voronoi_indices(x, L, edge_threshold=1e-6)
    assert set(an.voronoi_index_labels(v)) == {"<0,6,0,8>"}
    # OVITO-style columns (n1, n2, n3, ...)
    ov = np.array([[0, 0, 0, 0, 12, 0, 0], [0, 0, 0, 2, 8, 1, 0]])
    assert list(an.voronoi_index_labels(ov, first_edges=1)) == ["<0,0,12,0>", "<0,2,8,1>"]


# --- bond orientational order ---------------------------------------------------------------

def test_boo_reference_values_and_sij():
    # fcc with 12 nearest neighbours: q6 = 0.57452 (Science.rst 3.6); all bonds of a perfect
    # crystal have s(i,j) = 1 (every atom has the same q_6m)
    x, L = lattice(FCC, 3, a=1.0)
    nb = an.neighbor_lists(x, L, 0.8)
    assert all(len(n) == 12 for n in nb)
    q = an.steinhardt_qlm(x, L, nb, l=6)
    q6 = np.sqrt(4 * np.pi / 13 * np.sum(np.abs(q) ** 2, axis=1))
    assert np.allclose(q6, an.REFERENCE_Q6_W6["fcc"][0], atol=1e-5)
    pairs = an.bond_pairs(nb)
    assert len(pairs) == len(x) * 6
    s = an.sij_values(q, pairs)
    assert np.allclose(s, 1.0)
    h, frac = an.sij_histogram(s, bins=20)
    assert frac == 1.0 and h.values[-1] > 0
    # orientorder/atom-style Re/Im columns give the same complex numbers
    comp = np.stack([q.real, q.imag], axis=2).reshape(len(q), -1)
    assert np.array_equal(an.qlm_from_components(comp, 6), q)
    # s(i,j) of uncorrelated random q_lm vectors averages to 0 (opposite sign pairs: -1)
    rng = np.random.default_rng(3)
    qr = rng.normal(size=(2000, 13)) + 1j * rng.normal(size=(2000, 13))
    sr = an.sij_values(qr, np.stack([np.arange(1000), np.arange(1000, 2000)], axis=1))
    assert abs(sr.mean()) < 0.03 and np.all(np.abs(sr) <= 1 + 1e-12)
    assert an.sij_values(np.stack([qr[0], -qr[0]]), [[0, 1]])[0] == pytest.approx(-1)


def test_joint_histogram_normalised():
    rng = np.random.default_rng(4)
    q6 = rng.uniform(0.3, 0.6, 5000)
    w6 = rng.uniform(-0.15, 0.0, 5000)
    jh = an.joint_histogram(q6, w6, bins=(20, 10))
    area = np.outer(np.diff(jh.edges_x), np.diff(jh.edges_y))
    assert np.sum(jh.density * area) == pytest.approx(1.0)
    assert jh.density.shape == (20, 10)


# --- chemical short-range order --------------------------------------------------------------

def test_warren_cowley_b2_lattice():
    # CsCl (B2), nearest neighbours only (8 at a sqrt(3)/2): every neighbour is unlike,
    # c_A = c_B = 1/2 -> alpha_A(B) = 1 - 1/(1/2) = -1, alpha_A(A) = 1 - 0 = +1;
    # Z* = (1/2) 8 8 / 8 = 4 -> eta_A(B) = 8/4 - 1 = +1, eta_A(A) = -1
    x, L = lattice(BCC, 4, a=1.0)
    types = np.tile([1, 2], len(x) // 2)
    nb = an.neighbor_lists(x, L, 0.9)
    r = an.chemical_sro(types, nb)
    assert np.allclose(r.Z, 8) and np.allclose(r.concentration, 0.5)
    assert np.allclose(r.alpha, [[1, -1], [-1, 1]])
    assert np.allclose(r.eta, [[-1, 1], [1, -1]])
    # first + second shell (8 unlike + 6 like, Z = 14): alpha_A(B) = 1 - (8/14)/(1/2)
    # = -1/7, alpha_A(A) = 1 - (6/14)/(1/2) = +1/7
    sp, alpha = an.warren_cowley(types, an.neighbor_lists(x, L, 1.1))
    assert list(sp) == [1, 2]
    assert np.allclose(alpha, [[1 / 7, -1 / 7], [-1 / 7, 1 / 7]])


def test_warren_cowley_random_alloy():
    # random Cu50Zr50-like occupation of a simple cubic lattice (Z = 6, 8000 sites):
    # alpha = 0 in expectation; with ~24000 A-centred bonds the standard error of
    # p_A(B) is sqrt(c(1-c)/24000) ~ 0.003, of alpha ~ 0.007; tolerance 0.04 (> 5 sigma)
    rng = np.random.default_rng(5)
    x, L = lattice([[0, 0, 0]], 20)
    types = rng.permutation(np.repeat([1, 2], len(x) // 2))
    r = an.chemical_sro(types, an.neighbor_lists(x, L, 1.1))
    assert np.all(np.abs(r.alpha) < 0.04)
    assert np.all(np.abs(r.eta) < 0.04)                     # equal Z: eta = -alpha
    assert np.allclose(r.eta, -r.alpha)
    # a random subset of centres (e.g. "liquid-like") is random too
    r2 = an.chemical_sro(types, an.neighbor_lists(x, L, 1.1), centers=rng.random(len(x)) < 0.3)
    assert np.all(np.abs(r2.alpha) < 0.07)


def test_eta_removes_unequal_coordination():
    # bond-random mixing with Z_A = 10, Z_B = 14, c = 1/2, <Z> = 12: the neighbours of any
    # centre are B with probability c_B Z_B/<Z> = 7/12, so Z_A(B) = 35/6, Z_A(A) = 25/6,
    # Z_B(A) = 35/6, Z_B(B) = 49/6. Then eta = 0 everywhere, while
    # alpha_A(B) = 1 - (35/6)/(10/2) = -1/6, alpha_A(A) = +1/6, alpha_B(A) = 1 - (35/6)/7 = 1/6
    types = np.array([1] * 50 + [2] * 50)
    counts = np.array([[25 / 6, 35 / 6]] * 50 + [[35 / 6, 49 / 6]] * 50)
    r = an.chemical_sro(types, counts=counts)
    assert np.allclose(r.Z, [10, 14])
    assert np.allclose(r.eta, 0, atol=1e-12)
    assert np.allclose(r.alpha, [[1 / 6, -1 / 6], [1 / 6, -1 / 6]])
    # centres of type A only: rows of B are NaN
    r2 = an.chemical_sro(types, counts=counts, centers=np.arange(50))
    assert np.allclose(r2.eta[0], 0) and np.all(np.isnan(r2.alpha[1]))


# --- MSD model (eq. 2) ------------------------------------------------------------------------

PAR = dict(k=3162.0, eta1=177.8, eta2=3.162, m=1.0, kT=1.0)    # caged: plateau near 0.15


def test_msd_model_limits():
    lim = an.msd_model_limits(**PAR)
    # t -> 0: 3 kT/m t^2 (paper); relative correction O(t)
    t = np.array([1e-6, 1e-5])
    assert np.allclose(an.msd_model(t, **PAR) / (3 * t ** 2), 1.0, rtol=1e-3)
    assert lim["short_coefficient"] == 3.0
    # t -> inf: 6kT/(m a) t + c with a = eta1 eta2 (eta1 + eta2)/(k m^2) (derived from the
    # product of the roots: lambda1 lambda2 = (eta2/m)^2 (eta1 eta2 + eta1^2)/(k m))
    a = PAR["eta1"] * PAR["eta2"] * (PAR["eta1"] + PAR["eta2"]) / PAR["k"]
    assert lim["a"] == pytest.approx(a, rel=1e-12)
    tl = np.array([1e3, 1e4]) * lim["relaxation_time"]
    assert np.allclose(an.msd_model(tl, **PAR), 6 / a * tl + lim["long_intercept"], rtol=1e-9)
    # independent check: MSD(t) = 2 int_0^t (t - s) C(s) ds with the VACF
    # C(s) = (3kT/m) [(l2 + c) e^{l2 s} - (l1 + c) e^{l1 s}]/(l2 - l1), by quadrature
    from scipy.integrate import quad
    l1, l2 = an.msd_model_roots(PAR["k"], PAR["eta1"], PAR["eta2"], PAR["m"])
    c = PAR["eta2"] / PAR["m"]

    def vacf(s):
        return (3 * ((l2 + c) * np.exp(l2 * s) - (l1 + c) * np.exp(l1 * s)) / (l2 - l1)).real
    for tt in (0.05, 0.5, 3.0):
        ref = 2 * quad(lambda s: (tt - s) * vacf(s), 0, tt, limit=200)[0]
        assert an.msd_model(tt, **PAR) == pytest.approx(ref, rel=1e-8)
    # the MSD is proportional to T (the paper's T scaling of the features)
    assert np.allclose(an.msd_model(tl, **dict(PAR, kT=2.0)), 2 * an.msd_model(tl, **PAR))
    # exactly degenerate: A = 3, B = 1 -> (A - 1)^2 - 4B = 0
    kd, e1d, e2d = 1.0, 1.0, 3.0
    v0 = an.msd_model(np.array([0.7, 5.0]), kd, e1d, e2d)
    v1 = an.msd_model(np.array([0.7, 5.0]), kd, e1d, e2d * (1 + 1e-6))
    assert np.allclose(v0, v1, rtol=1e-5)


def test_msd_fit_recovers_parameters():
    t = np.geomspace(1e-3, 1e3, 120)
    y = an.msd_model(t, **PAR)
    fit = an.fit_msd_model(t, y, m=1.0, kT=1.0)          # start from the built-in grid
    assert fit.success and fit.rms_log < 1e-6
    assert fit.k == pytest.approx(PAR["k"], rel=1e-4)
    assert fit.eta1 == pytest.approx(PAR["eta1"], rel=1e-4)
    assert fit.eta2 == pytest.approx(PAR["eta2"], rel=1e-4)
    # 1 % multiplicative noise: parameters within a few standard errors
    rng = np.random.default_rng(6)
    yn = y * np.exp(rng.normal(0, 0.01, t.size))
    fn = an.fit_msd_model(t, yn, p0=(1000.0, 100.0, 1.0), sigma_log=np.full(t.size, 0.01))
    for key in ("k", "eta1", "eta2"):
        i = ("k", "eta1", "eta2").index(key)
        assert abs(getattr(fn, key) - PAR[key]) < 5 * fn.stderr[i] + 1e-3 * PAR[key]
    # metal units: kB T / m for 100 K and 77 g/mol is 1.0788 A^2/ps^2
    assert an.thermal_energy(100.0) / 77.0 == pytest.approx(8.617333262e-3 / 1.0364269e-4 / 77)
    assert an.mean_squared_displacement(np.zeros((2, 3)), [[1, 0, 0], [0, 2, 0]]) == 2.5


# --- progress reporting, plots ---------------------------------------------------------------

def test_progress_callback_and_no_prints(capsys):
    seen = []
    x, L = lattice(FCC, 2)
    an.voronoi_indices(x, L, edge_threshold=1e-6, progress=lambda f, m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert capsys.readouterr().out == ""


def test_plots_write_png(tmp_path):
    plots = pytest.importorskip("amorph.plots")
    rng = np.random.default_rng(7)
    tml = {t: rng.normal(300 + 3 * t, 150, 2000) for t in (0, 40, 80)}
    x = rng.random((3000, 3)) * 20
    sm = an.slice_map(x, x[:, 0], [20, 20, 20], thickness=4.0, nbins=10)
    t = np.linspace(0, 100, 1001)
    sig, eps = 1.6 * np.sin(0.2 * np.pi * t), 0.02 * np.sin(0.2 * np.pi * t - 0.3)
    labels = rng.choice(["<0,0,12,0>", "<0,2,8,1>", "<0,4,4,3>"], 1000)
    tm = np.geomspace(1e-3, 1e3, 60)
    files = [
        plots.plot_tml_distributions(tml, tmp_path / "dist.png"),
        plots.plot_slice_map(sm, tmp_path / "slice.png", label="T_ML (K)"),
        plots.plot_strain_time({"2e10 Hz": (t, eps)}, tmp_path / "strain.png"),
        plots.plot_hysteresis(eps, sig, tmp_path / "loop.png"),
        plots.plot_correlation_vs_lag({"D2min": ([1, 5, 10], [0.1, 0.3, 0.5])}, tmp_path / "rho.png"),
        plots.plot_joint_q6_w6(an.joint_histogram(rng.uniform(0.3, 0.6, 999),
                                                  rng.uniform(-0.15, 0, 999)), tmp_path / "boo.png"),
        plots.plot_sij_histogram({"all": an.sij_histogram(rng.uniform(-1, 1, 999))[0]}, tmp_path / "sij.png"),
        plots.plot_propensity(an.voronoi_propensity(labels, labels[:100]), tmp_path / "df.png"),
        plots.plot_chemical_sro({"total": an.chemical_sro([1, 2, 1, 2], counts=np.ones((4, 2)))},
                                tmp_path / "sro.png"),
        plots.plot_msd_fit({"100 K": (tm, an.msd_model(tm, **PAR))}, tmp_path / "msd.png",
                           fits={"100 K": an.MSDFit(PAR["k"], PAR["eta1"], PAR["eta2"], None,
                                                    1.0, 1.0, 0.0, 0.0, True)}),
    ]
    for f in files:
        data = open(f, "rb").read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000


def test_glass_transition_recovers_kink():
    rng = np.random.default_rng(11)
    T = np.linspace(100, 1700, 800)
    V = 17.0 + 4e-4 * T + 8e-4 * np.maximum(T - 720.0, 0) + rng.normal(0, 0.004, T.size)
    tg, lo, hi, rms = an.glass_transition(T, V)
    assert tg == pytest.approx(720.0, abs=15.0)
    assert lo == pytest.approx(4e-4, rel=0.1) and hi == pytest.approx(1.2e-3, rel=0.05)
    assert rms == pytest.approx(0.004, rel=0.2)
    with pytest.raises(ValueError):
        an.glass_transition(T[:4], V[:4])


def test_bimodality_two_and_one_mode():
    rng = np.random.default_rng(5)
    two = np.concatenate([rng.normal(270, 60, 3000), rng.normal(790, 90, 2000)])
    b = an.bimodality(two)
    assert b["delta_bic"] > 100
    assert b["means"][0] == pytest.approx(270, abs=10) and b["means"][1] == pytest.approx(790, abs=15)
    assert b["weights"][0] == pytest.approx(0.6, abs=0.03)
    assert len(b["maxima"]) == 2 and b["maxima"][0] == pytest.approx(270, abs=20)
    one = an.bimodality(rng.normal(500, 80, 5000))
    assert one["delta_bic"] < 10


# --- the module layout: amorph.analysis re-exports the topic modules --------------------

# every public name of the single-module amorph.analysis before its split by topic
PUBLIC_NAMES = {
    "TG_CUZR", "REFERENCE_Q6_W6",
    "tml_distribution", "tml_distributions", "fraction_liquid_like", "liquid_like",
    "extreme_atoms", "slice_map", "SliceMap", "Histogram",
    "engineering_strain", "fit_sine", "SineFit", "loop_area", "dma", "dma_per_cycle",
    "correlation", "correlation_vs_lag", "bimodality", "glass_transition",
    "neighbor_lists", "neighbor_type_counts", "voronoi_indices", "voronoi_index_labels",
    "voronoi_propensity", "Propensity",
    "joint_histogram", "JointHistogram", "steinhardt_qlm", "qlm_from_components",
    "bond_pairs", "sij_values", "sij_histogram",
    "chemical_sro", "ChemicalSRO", "warren_cowley", "cargill_spaepen_eta",
    "thermal_energy", "msd_model", "msd_model_roots", "msd_model_limits", "fit_msd_model",
    "MSDFit", "mean_squared_displacement",
    "PdfAniso", "NonaffineStrain", "DUCTILITY_RANGE_ZR", "affine_prefactor",
    "pdf_aniso_columns", "poisson_ratio", "affine_g2", "nonaffine_strain_ratio",
}
TOPICS = ["glass", "distributions", "loading", "stats", "neighbors", "voronoi", "boop", "sro",
          "msd", "pdf"]


def test_analysis_exports_every_former_public_name():
    import importlib
    import types
    assert set(an.__all__) == PUBLIC_NAMES and len(an.__all__) == len(PUBLIC_NAMES)
    # the public names of the module itself (not modules, not imported helpers)
    own = {n for n, o in vars(an).items() if not n.startswith("_")
           and not isinstance(o, types.ModuleType) and n != "log"}
    assert own == PUBLIC_NAMES
    # each name comes from exactly one topic module, as the same object
    home = {}
    for t in TOPICS:
        m = importlib.import_module(f"amorph.{t}")
        for n in m.__all__:
            assert n not in home, f"{n} in amorph.{home.get(n)} and amorph.{t}"
            home[n] = t
            assert getattr(an, n) is getattr(m, n)
            if callable(getattr(m, n)):
                assert getattr(m, n).__module__ == f"amorph.{t}"
    assert set(home) == PUBLIC_NAMES
    assert an.log.name == "amorph.analysis"


def test_import_amorph_and_analysis_stay_light():
    # numpy only at import (amorph/__init__.py, amorph.analysis docstring); the topic
    # modules load on first access as amorph.<topic>
    import os
    import subprocess
    import sys

    import amorph
    pkg_dir = os.path.dirname(os.path.dirname(os.path.abspath(amorph.__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [pkg_dir] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    code = ("import sys, amorph; assert 'amorph.analysis' not in sys.modules; "
            "import amorph.analysis; amorph.pdf, amorph.stats; "
            "print(sorted(m for m in ('scipy', 'sklearn', 'matplotlib') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
