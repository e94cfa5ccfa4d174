# AMORPH - LAMMPS plugin package, GPL-2.0
"""amorph.events and amorph.indentation: every fit recovers the parameters of synthetic data
drawn from its model (within the stated statistical errors), Oliver-Pharr on the analytic Hertz
contact and on a synthetic power-law unloading curve (values derived by hand below), the
Gaussian mixture picks the number of clusters the sample was drawn from, spike detection finds
inserted spikes and nothing else."""
import numpy as np
import pytest

from amorph import events, indentation as ind


# ------------------------------------------------------------------ events ----------
def test_truncated_power_law_recovers_parameters():
    rng = np.random.default_rng(11)
    x = events.sample_truncated_power_law(4000, 1.5, 200.0, 1.0, rng)
    assert x.min() >= 1.0
    f = events.fit_truncated_power_law(x, xmin=1.0)
    assert abs(f.alpha - 1.5) < max(4 * f.alpha_err, 0.02) and f.alpha_err < 0.05
    assert abs(f.xc - 200.0) < 4 * f.xc_err and f.xc_err < 100
    assert f.p_value < 1e-3, "the cut-off is significant for these data"
    assert "alpha" in f.summary()


def test_pure_power_law_needs_no_cutoff():
    rng = np.random.default_rng(5)
    x = events.sample_truncated_power_law(3000, 1.8, 1e12, 2.0, rng)
    f = events.fit_truncated_power_law(x, xmin=2.0)
    # closed form of the pure power law MLE, computed here independently
    a = 1.0 + len(x) / np.sum(np.log(x / 2.0))
    assert f.alpha_pure == pytest.approx(a, rel=1e-12)
    assert abs(f.alpha_pure - 1.8) < 4 * f.alpha_pure_err
    assert f.p_value > 0.01
    # no cut-off within the data: reported as such, with the pure law's finite errors (a
    # run-away cut-off once gave nan errors); steep exponents as in thermal single-atom hops
    samples = [events.sample_truncated_power_law(85, a, 1e300, 1.0, np.random.default_rng(s))
               for a, s in ((1.8, 5), (4.6, 3))]
    # integer event sizes, mostly single atoms (an MD run at low threshold)
    samples.append(np.array([1] * 60 + [2] * 15 + [3] * 5 + [4, 4, 5, 6, 10], float))
    for y in samples:
        g = events.fit_truncated_power_law(y)
        assert np.all(np.isfinite([g.alpha, g.alpha_err, g.alpha_pure_err, g.p_value]))
        if g.lr < 1e-6:
            assert g.xc == np.inf and g.xc_err == np.inf and g.alpha == g.alpha_pure
        assert "nan" not in g.summary()
    with pytest.raises(ValueError):
        events.fit_truncated_power_law([1.0, 2.0])
    with pytest.raises(ValueError):
        events.fit_truncated_power_law(np.r_[x, -1.0])


def test_waiting_times_exponential():
    rng = np.random.default_rng(2)
    w = rng.exponential(3.0, 2000)
    f = events.fit_waiting_times(waits=w)
    assert abs(f.tau - 3.0) < 4 * f.tau_err
    assert f.tau == pytest.approx(np.mean(w))
    assert f.ks_p_value > 0.01
    g = events.fit_waiting_times(times=np.cumsum(rng.uniform(0, 6, 2000)))
    assert g.ks_p_value < 1e-6, "uniform waits are not exponential"


def test_event_balance_per_segment():
    t = [0.5, 1.0, 1.5, 2.5, 3.0, 3.2, 4.5, 4.6, 4.7]
    s = [1, 1, -1, 1, -1, 0, -1, -1, 1]
    b = events.event_balance(t, s, [("load", 0, 2), ("hold", 2, 4), ("unload", 4, 5)])
    assert [(x["n_p"], x["n_n"], x["balance"]) for x in b] == [(2, 1, 1), (1, 1, 0), (1, 2, -1)]


def test_detect_spikes_finds_inserted_spikes():
    rng = np.random.default_rng(8)
    t = np.linspace(0, 100, 20000)
    y = 1.0 + 0.3 * np.sin(2 * np.pi * t / 50) + rng.normal(0, 0.01, len(t))
    where = [1500, 4200, 9000, 13333, 17777]
    amp = [0.2, -0.15, 0.3, -0.25, 0.12]
    for i, a in zip(where, amp):
        y[i] += a
        y[i + 1] += 0.5 * a    # a spike two samples wide: one event
    sp = events.detect_spikes(t, y, threshold=5.0, window=51)
    assert sp.noise == pytest.approx(0.01, rel=0.1)
    np.testing.assert_array_equal(sp.times, t[where])
    np.testing.assert_array_equal(sp.signs, np.sign(amp))
    np.testing.assert_allclose(sp.sizes, np.abs(amp), atol=0.05)


# ------------------------------------------------------------------ indentation -----
def test_oliver_pharr_hertz_sphere():
    """Elastic Hertz contact of a sphere: P = (4/3) E_r √R h^1.5, contact radius a² = R h, so
    with ε = 0.75 h_c = h/2 and A = π(2 R h_c − h_c²) = π (R h − h²/4); Oliver-Pharr then gives
    E_r / √(1 − h/(4R)) (the sphere's area function beyond first order)."""
    Er, R, hmax = 100.0, 1000.0, 20.0
    h = np.linspace(0.0, hmax, 400)
    P = 4.0 / 3.0 * Er * np.sqrt(R) * h ** 1.5
    op = ind.oliver_pharr(h[::-1], P[::-1], area=ind.sphere_area(R), epsilon=0.75)
    assert op.m == pytest.approx(1.5, rel=1e-6)
    assert op.h_f == pytest.approx(0.0, abs=1e-4)
    assert op.h_c == pytest.approx(hmax / 2, rel=1e-6)
    A = np.pi * (R * hmax - hmax ** 2 / 4)
    assert op.hardness == pytest.approx(P[-1] / A, rel=1e-6)
    assert op.reduced_modulus == pytest.approx(Er / np.sqrt(1 - hmax / (4 * R)), rel=1e-6)
    assert op.reduced_modulus == pytest.approx(Er, rel=0.005)


def test_oliver_pharr_power_law_unloading_berkovich():
    a, hf, m, hmax = 0.002, 50.0, 1.4, 100.0
    h = np.linspace(hf, hmax, 300)
    P = a * (h - hf) ** m
    op = ind.oliver_pharr(h, P, beta=1.034)
    pmax = a * (hmax - hf) ** m
    S = m * a * (hmax - hf) ** (m - 1)
    hc = hmax - 0.75 * pmax / S
    A = 24.5 * hc ** 2
    assert op.stiffness == pytest.approx(S, rel=1e-6)
    assert op.hardness == pytest.approx(pmax / A, rel=1e-6)
    assert op.reduced_modulus == pytest.approx(np.sqrt(np.pi) * S / (2 * 1.034 * np.sqrt(A)), rel=1e-6)


def test_indentation_work():
    k, hmax, a, hf, m = 0.5, 10.0, 0.3, 6.0, 1.5
    hl = np.linspace(0, hmax, 20001)
    hu = np.linspace(hmax, hf, 20001)
    w = ind.indentation_work(hl, k * hl ** 2, hu, a * (hu - hf) ** m)
    assert w["W_total"] == pytest.approx(k * hmax ** 3 / 3, rel=1e-6)
    assert w["W_elastic"] == pytest.approx(a * (hmax - hf) ** (m + 1) / (m + 1), rel=1e-5)
    assert w["W_plastic"] == pytest.approx(w["W_total"] - w["W_elastic"])


def test_hold_creep_fits():
    rng = np.random.default_rng(3)
    t = np.linspace(0, 60, 600)
    h = 0.01 * t + 0.5 * t ** 0.4 + rng.normal(0, 1e-3, len(t))
    f = ind.fit_creep_power(t, h)
    assert (f.a, f.b, f.c) == pytest.approx((0.01, 0.5, 0.4), rel=0.03)
    assert f.r2 > 0.9999
    h2 = 2.0 * (1 - np.exp(-t / 1.0)) + 3.0 * (1 - np.exp(-t / 10.0)) + 0.05 * t
    s = ind.fit_creep_spectrum(t, h2)
    assert s.r2 > 0.99999
    assert s.inv_mu0 == pytest.approx(0.05, rel=0.1)
    assert s.h.sum() == pytest.approx(5.0, rel=0.05)
    np.testing.assert_allclose(s.predict(t), h2, atol=0.02)


def test_gmm_picks_the_number_of_clusters():
    rng = np.random.default_rng(4)
    centres = np.array([[4.3, 10.0], [4.9, 6.0], [5.5, 14.0]])
    X = np.vstack([rng.multivariate_normal(c, [[0.02, 0.01], [0.01, 0.8]], 300) for c in centres])
    Z = (X - X.mean(0)) / X.std(0)
    g = ind.gmm_select(Z, max_components=6)
    assert g.best_bic == 3
    assert g.best_aic in (3, 4)
    assert len(g.bic) == 6 and np.argmin(g.bic) == 2


def test_ccdf_gaussian_against_weibull():
    rng = np.random.default_rng(6)
    w = ind.ccdf_compare(10.0 * rng.weibull(1.5, 800))
    assert w.better == "weibull"
    assert w.weibull["shape"] == pytest.approx(1.5, rel=0.1)
    assert w.weibull["r2"] > 0.99
    g = ind.ccdf_compare(rng.normal(10.0, 1.0, 800))
    assert g.better == "gaussian"
    assert g.gauss["r2"] > 0.99


def test_hardness_fwhm():
    rng = np.random.default_rng(7)
    H = rng.normal(4.9, 0.38, 5000)
    r = ind.hardness_fwhm(H)
    assert r["fwhm"] == pytest.approx(2.3548 * r["sigma"], rel=1e-4)
    assert abs(r["sigma"] - 0.38) < 4 * r["sigma_err"]
