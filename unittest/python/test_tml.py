# AMORPH - LAMMPS plugin package, GPL-2.0
"""fix tml and the T_ML model tooling (amorph.tml): kNN predictions equal scikit-learn's
KNeighborsRegressor (through the fix's 'classify' and through the Python model reader),
the Python model writer is byte-identical to the C++ one, feature files read back, the
cross-validation / plotting / class selection / ReliefF tooling runs, and per-atom T_ML,
features and training files are identical on 1, 2 and 4 MPI ranks."""
import os
import re
import struct
import subprocess

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsRegressor

from amorph import tml
from conftest import clean_mpi_env, read_dump, run_lmp

LAGS = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0]     # ps, timestep 0.001
BOX = """units metal
atom_style atomic
boundary p p p
region box block 0 10 0 10 0 10
create_box 1 box
mass 1 1.0
timestep 0.001
"""


def synthetic(n, seed, lags=LAGS, classes=(300.0, 700.0, 1000.0)):
    """Continuous random features (no distance ties), labels from `classes`."""
    rng = np.random.default_rng(seed)
    y = rng.choice(classes, size=n)
    base = np.log10(np.asarray(lags)) * (1 + (y[:, None] - 300) / 1400)
    X = base + rng.normal(0, 0.6, size=(n, len(lags))) - 3
    return tml.FeatureSet(tml.Metadata("metal", list(lags)), y, X)


def sklearn_predict(Xtr, ytr, Xq, k):
    mean, std = Xtr.mean(axis=0), Xtr.std(axis=0)
    reg = KNeighborsRegressor(n_neighbors=k, weights="uniform", algorithm="brute")
    reg.fit((Xtr - mean) / std, ytr)
    return reg.predict((Xq - mean) / std)


def test_knn_equals_sklearn_through_fix_and_python(lmp, tmp_path):
    train, query = synthetic(3000, 1), synthetic(400, 2)
    ftrain, fquery = tmp_path / "train.bin", tmp_path / "query.txt"
    tml.write_features(ftrain, train, binary=True)
    tml.write_features(fquery, query)
    out, model = tmp_path / "tml.out", tmp_path / "m.bin"
    for line in BOX.splitlines():
        lmp.command(line)
    lmp.command(f"fix ml all tml temp 300 model features {ftrain} savemodel {model} k 50 "
                f"classify {fquery} {out}")
    res = np.loadtxt(out)
    ref = sklearn_predict(train.features, train.labels, query.features, 50)
    np.testing.assert_array_equal(res[:, 0], query.labels)
    np.testing.assert_allclose(res[:, 1], ref, rtol=0, atol=1e-9)
    # the Python tooling reading the C++ model file
    m = tml.Model.load(model)
    assert m.k == 50 and len(m) == 3000 and m.meta.units == "metal"
    np.testing.assert_allclose(m.predict(query.features), ref, rtol=0, atol=1e-9)
    # the Python writer is byte-identical to the C++ writer
    py = tml.build_model([str(ftrain)], k=50)
    assert py.to_bytes() == model.read_bytes()
    # multithreaded classification gives the same numbers
    out2 = tmp_path / "tml2.out"
    lmp.command(f"fix ml2 all tml temp 300 model {model} threads 2 classify {fquery} {out2}")
    np.testing.assert_array_equal(np.loadtxt(out2), res)


def test_feature_files_roundtrip(tmp_path):
    fs = synthetic(50, 3)
    for binary in (False, True):
        p = tmp_path / f"f{int(binary)}"
        tml.write_features(p, fs, binary=binary)
        back = tml.read_features(p)
        np.testing.assert_array_equal(back.features, fs.features)
        np.testing.assert_array_equal(back.labels, fs.labels)
        assert back.meta.lags == fs.meta.lags and back.meta.units == "metal"
    # a corrupt binary file is detected
    data = bytearray((tmp_path / "f1").read_bytes())
    data[100] ^= 1
    (tmp_path / "bad").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="checksum"):
        tml.read_features(tmp_path / "bad")
    m = tml.Model(fs.meta, fs.labels, fs.features, k=5)
    raw = m.to_bytes()
    with pytest.raises(ValueError, match="truncated"):
        tml.Model.from_bytes(raw[:-10])
    with pytest.raises(ValueError, match="checksum"):
        tml.Model.from_bytes(raw[:-1] + bytes([raw[-1] ^ 1]))


def test_tooling_cv_plot_classes_relieff(tmp_path):
    fs = synthetic(900, 4, classes=(100.0, 700.0, 710.0, 1700.0))
    seen = []
    cv = tml.cross_validate(fs.labels, fs.features, folds=5, k=20,
                            progress=lambda f, msg: seen.append((f, msg)))
    assert [f for f, _ in seen] == [0.2, 0.4, 0.6, 0.8, 1.0]    # progress after every fold
    assert cv.confusion.sum() == 900 and cv.confusion.shape == (4, 4)
    means = [cv.predicted[cv.labels == c].mean() for c in cv.classes]
    assert means[0] < means[1] < means[3]
    assert "confusion matrix" in cv.summary()
    tml.plot_predicted_vs_actual(cv, tmp_path / "fig1.png")
    assert (tmp_path / "fig1.png").stat().st_size > 1000
    kept, clusters = tml.select_classes(fs.labels, fs.features, 3)
    assert len(kept) == 3 and clusters[700.0] == clusters[710.0]
    w = tml.relieff(fs.labels, fs.features, n_samples=200)
    # the class separation of the synthetic features is largest at the first lag
    assert w.shape == (len(LAGS),) and np.argmax(w) == 0 and w[0] > 2 * w[-1]
    # the command line
    f = tmp_path / "f.txt"
    tml.write_features(f, fs)
    assert tml.main(["build", str(f), "-o", str(tmp_path / "m.bin"), "--k", "10", "--cv", "3",
                     "--classes", "3", "--drop-features", "1"]) == 0
    m = tml.Model.load(tmp_path / "m.bin")
    assert m.dim == len(LAGS) - 1 and len(np.unique(m.labels)) == 3


MPI_INPUT = """plugin load {plugin}
units metal
atom_style atomic
boundary p p p
timestep 0.001
read_data {data}
mass 1 1.0
pair_style zero 2.0
pair_coeff * *
fix nve all nve
fix ml all tml temp 1500 lags 0.002 0.005 0.01 0.02 every 5 features yes k 15 \
    model features {train} threshold 700 train {out}
dump d all custom 50 {dump} id f_ml[1] f_ml[2] f_ml[5]
dump_modify d sort id format float %.17g
thermo_style custom step f_ml[1] f_ml[2] f_ml[3] f_ml[5]
thermo 50
run 50
"""


def write_gas(path, n=400, box=10.0, seed=8812):
    """A data file of n atoms at random positions with Maxwell velocities (~2000 K for
    mass 1 in metal units): atom IDs and the trajectory do not depend on the ranks."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, box, size=(n, 3))
    v = rng.normal(0, 40.0, size=(n, 3))
    with open(path, "w") as f:
        f.write(f"ideal gas\n\n{n} atoms\n1 atom types\n\n0 {box} xlo xhi\n0 {box} ylo yhi\n"
                f"0 {box} zlo zhi\n\nAtoms # atomic\n\n")
        for i, p in enumerate(x, 1):
            f.write(f"{i} 1 {p[0]:.17g} {p[1]:.17g} {p[2]:.17g}\n")
        f.write("\nVelocities\n\n")
        for i, p in enumerate(v, 1):
            f.write(f"{i} {p[0]:.17g} {p[1]:.17g} {p[2]:.17g}\n")


@pytest.mark.parametrize("nprocs", [2, 4])
def test_same_on_1_2_4_ranks(tmp_path, nprocs):
    lags = [0.002, 0.005, 0.01, 0.02]
    fs = synthetic(600, 5, lags=lags)
    fs.features += 2.0                       # near the features of this gas (dr2/T ~ 1e-1)
    train, gas = tmp_path / "train.txt", tmp_path / "gas.data"
    tml.write_features(train, fs)
    write_gas(gas)
    res = {}
    for n in (1, nprocs):
        d = tmp_path / f"np{n}"
        d.mkdir()
        run_lmp(MPI_INPUT.format(plugin=os.environ["AMORPH_PLUGIN"], train=train, data=gas, out=d / "rows.txt", dump=d / "dump.txt"), d, nprocs=n)
        cols, data = read_dump(d / "dump.txt")
        res[n] = (data, (d / "rows.txt").read_bytes())
    data1, rows1 = res[1]
    assert data1.shape == (400, 4)
    assert np.ptp(data1[:, 1]) > 0            # T_ML differs between atoms
    np.testing.assert_array_equal(res[nprocs][0], data1)
    assert res[nprocs][1] == rows1            # training rows: same bytes (gathered, sorted)
    rows = tml.read_features(tmp_path / "np1" / "rows.txt")
    assert len(rows) == 400 * 7               # windows starting at 0, 5, ..., 30


def test_origins_average_equals_analytic(lmp, tmp_path):
    """'origins M dt': each lag's squared displacement is the mean over M time origins
    t0 + j dt.  Atoms under a constant force (no pair forces, nve) move as
    r(t) = r0 + v t + a t^2 / 2, so dr^2(origin o, lag L) = |v L + a (o L + L^2 / 2)|^2
    depends on the origin; the features must equal the analytic mean over the origins."""
    dt, lags, M, spacing = 0.001, [0.002, 0.005, 0.01], 4, 0.003
    for line in BOX.splitlines():
        lmp.command(line)
    lmp.command("create_atoms 1 random 20 4711 NULL")
    lmp.command("velocity all create 300 12345 dist gaussian")
    lmp.command("fix f all addforce 0.3 -0.2 0.1")
    lmp.command("fix nve all nve")
    lmp.command("comm_modify cutoff 1.0")
    lmp.command(f"fix ml all tml temp 400 lags {' '.join(map(str, lags))} origins {M} {spacing} "
                "affine keep nwindows 1")
    v0 = np.array(lmp.numpy.extract_atom("v")[:20], copy=True)
    ids = np.array(lmp.numpy.extract_atom("id")[:20], copy=True)
    mass = 1.0
    # metal units: a = F/m in eV/A/amu -> A/ps^2 (mvv2e conversion)
    a = np.array([0.3, -0.2, 0.1]) / mass / lmp.extract_global("mvv2e") * 1.0
    nsteps = round((lags[-1] + (M - 1) * spacing) / dt)
    lmp.command(f"run {nsteps}")
    assert lmp.extract_fix("ml", 0, 1, 4) == 1          # one completed window
    feats = np.array(lmp.numpy.extract_fix("ml", 1, 2), copy=True)[:20, 1:]
    order = np.argsort(ids)
    for n, i in enumerate(order):
        want = []
        for L in lags:
            d2 = [np.sum((v0[i] * L + a * (j * spacing * L + 0.5 * L * L)) ** 2) for j in range(M)]
            want.append(np.log10(np.mean(d2) / 400.0))
        np.testing.assert_allclose(feats[i], want, rtol=1e-9, atol=1e-9)
    # one origin: the first origin's displacement only (the paper's definition)
    lmp.command("unfix ml")
    lmp.command("reset_timestep 0")
    v1 = np.array(lmp.numpy.extract_atom("v")[:20], copy=True)
    lmp.command(f"fix ml1 all tml temp 400 lags {' '.join(map(str, lags))} affine keep nwindows 1")
    lmp.command(f"run {round(lags[-1] / dt)}")
    f1 = np.array(lmp.numpy.extract_fix("ml1", 1, 2), copy=True)[:20, 1:]
    for i in range(20):
        want = [np.log10(np.sum((v1[i] * L + 0.5 * a * L * L) ** 2) / 400.0) for L in lags]
        np.testing.assert_allclose(f1[i], want, rtol=1e-9, atol=1e-9)


def test_model_check_cpp_equals_python(tmp_path):
    """The model check fix tml prints (per-class counts, leave-one-out T_ML of a subsample,
    AUC of adjacent classes, warnings naming overlapping classes) equals amorph.tml's
    check_model (scikit-learn neighbours), and flags exactly the classes built to overlap."""
    rng = np.random.default_rng(7)
    lags = LAGS[:4]
    # 300 and 320 K drawn from the same distribution (indistinguishable), 900 K far away
    y = np.repeat([300.0, 320.0, 900.0], [700, 500, 1300])
    X = rng.normal(0, 1, size=(len(y), len(lags))) + np.where(y == 900.0, 3.0, 0.0)[:, None]
    ftrain = tmp_path / "train.txt"
    tml.write_features(ftrain, tml.FeatureSet(tml.Metadata("metal", lags), y, X))
    plugin = f"plugin load {os.environ['AMORPH_PLUGIN']}\n"
    out = run_lmp(plugin + BOX + f"fix ml all tml temp 300 model features {ftrain} k 20 check 400\n", tmp_path)
    rep = tml.check_model(tml.build_model([str(ftrain)], k=20), per_class=400)
    assert list(rep.counts) == [700, 500, 1300] and list(rep.checked) == [350, 250, 325]
    assert rep.summary() in out, out[-3000:]
    assert rep.overlapping() == [(300.0, 320.0)]
    assert 0.3 < rep.adjacent_auc[0] < 0.7 and rep.adjacent_auc[1] > 0.99
    assert "WARNING: Fix tml ml: classes 300 and 320 overlap" in out
    assert "classes 320 and 900" not in out
    # check 0: no report
    out0 = run_lmp(plugin + BOX + f"fix ml all tml temp 300 model features {ftrain} k 20 check 0\n", tmp_path)
    assert "T_ML model check" not in out0


def test_auc_matches_mann_whitney():
    from scipy.stats import mannwhitneyu
    rng = np.random.default_rng(3)
    a, b = rng.normal(0, 1, 300).round(1), rng.normal(0.5, 1, 200).round(1)   # with ties
    u = mannwhitneyu(b, a).statistic
    assert tml.auc(a, b) == pytest.approx(u / (len(a) * len(b)), abs=1e-12)


def test_floor_follows_unit_style(lmp, tmp_path):
    """In si units squared displacements are ~1e-22 m^2: the default floor (1e-10 A^2 =
    1e-30 m^2) must not swallow them; the features equal log10(dr^2/T) exactly."""
    dt = 1.0e-15
    lmp.command("units si")
    lmp.command("atom_style atomic")
    lmp.command("region box block 0 1e-9 0 1e-9 0 1e-9")
    lmp.command("create_box 1 box")
    lmp.command("mass 1 1.0e-25")
    lmp.command("create_atoms 1 random 10 4711 NULL")
    lmp.command("comm_modify cutoff 1e-10")
    lmp.command("velocity all set 120.0 -80.0 50.0")
    lmp.command(f"timestep {dt}")
    lmp.command("fix nve all nve")
    lags = [2 * dt, 5 * dt, 10 * dt]
    lmp.command(f"fix ml all tml temp 300 lags {' '.join(repr(x) for x in lags)} affine keep nwindows 1")
    lmp.command("run 10")
    f = np.array(lmp.numpy.extract_fix("ml", 1, 2), copy=True)[:10, 1:]
    v2 = 120.0 ** 2 + 80.0 ** 2 + 50.0 ** 2
    want = [np.log10(v2 * L * L / 300.0) for L in lags]
    np.testing.assert_allclose(f, np.tile(want, (10, 1)), rtol=1e-9)


# ---------------------------------------------------------------------------- format version 2

RECORDINGS = [(tml.AFFINE_UNKNOWN, 0), (tml.AFFINE_KEEP, 1), (tml.AFFINE_REMOVE, 7), (tml.AFFINE_KEEP, 0),
              (tml.AFFINE_UNKNOWN, 4294967295)]


def ref_fnv(data):
    """FNV-1a 64, written out here independently of amorph.tml."""
    h = 0xcbf29ce484222325
    for b in bytes(data):
        h = ((h ^ b) * 0x100000001b3) % (1 << 64)
    return h


def with_recording(fs, affine, origins):
    m = fs.meta
    return tml.FeatureSet(tml.Metadata(m.units, list(m.lags), m.dr2_floor, affine, origins), fs.labels, fs.features)


def test_constants_match_the_documentation():
    assert (tml.AFFINE_UNKNOWN, tml.AFFINE_KEEP, tml.AFFINE_REMOVE) == (-1, 0, 1)
    assert tml.FORMAT_VERSION == 2
    m = tml.Metadata("metal", [1.0])
    assert m.affine == -1 and m.origins == 0


@pytest.mark.parametrize("affine,origins", RECORDINGS)
def test_v2_roundtrip_text_binary_model(tmp_path, affine, origins):
    fs = with_recording(synthetic(12, 11, lags=[0.5, 1.25, 3.0]), affine, origins)
    fs.meta.dr2_floor = 3e-11
    # text: the header lines are written only when known
    t = tmp_path / "f.txt"
    tml.write_features(t, fs)
    text = t.read_text()
    assert text.startswith("# AMORPH-TML-FEATURES 2\n")
    assert ("# affine" in text) == (affine != -1)
    if affine != -1:
        assert f"\n# affine {'keep' if affine == 0 else 'remove'}\n" in text
    assert ("# origins" in text) == (origins != 0)
    if origins:
        assert f"\n# origins {origins}\n" in text
    back = tml.read_features(t)
    assert (back.meta.affine, back.meta.origins) == (affine, origins)
    np.testing.assert_array_equal(back.features, fs.features)
    # binary: the documented layout, built here by hand
    b = tmp_path / "f.bin"
    tml.write_features(b, fs, binary=True)
    n, d = 12, 3
    want = b"AMORPHTMLFEAT\0\0\0" + (2).to_bytes(4, "little") + d.to_bytes(4, "little") + n.to_bytes(8, "little")
    want += b"metal" + b"\0" * 11 + np.array(3e-11, "<f8").tobytes()
    want += (affine % (1 << 32)).to_bytes(4, "little") + origins.to_bytes(4, "little")
    want += np.array([0.5, 1.25, 3.0], "<f8").tobytes()
    want += np.column_stack([fs.labels, fs.features]).astype("<f8").tobytes()
    want += ref_fnv(want).to_bytes(8, "little")
    assert len(want) == 72 + 8 * d + 8 * n * (d + 1)
    assert b.read_bytes() == want
    back = tml.read_features(b)
    assert (back.meta.affine, back.meta.origins) == (affine, origins)
    # model: affine and origins right after dr2_floor, before the labels
    m = tml.Model(fs.meta, fs.labels, fs.features, k=3)
    raw = m.to_bytes()
    assert len(raw) == 48 + 24 * d + 20 + 8 * n + 8 * n * d + 8
    assert int.from_bytes(raw[16:20], "little") == 2
    o = 48 + 24 * d
    assert int.from_bytes(raw[o:o + 4], "little") == 3 and np.frombuffer(raw[o + 4:o + 12], "<f8")[0] == 3e-11
    assert int.from_bytes(raw[o + 12:o + 16], "little", signed=True) == affine
    assert int.from_bytes(raw[o + 16:o + 20], "little") == origins
    assert np.frombuffer(raw[o + 20:o + 28], "<f8")[0] == fs.labels[0]
    l = tml.Model.from_bytes(raw)
    assert (l.meta.affine, l.meta.origins) == (affine, origins)
    assert l.to_bytes() == raw


def test_v1_files_still_read(tmp_path):
    lags, labels = [0.25, 1.5], [300.0, 700.0, 1000.5]
    X = [[-1.0, -2.0], [0.5, 0.25], [3.0, -4.5]]
    f64 = lambda v: np.asarray(v, "<f8").tobytes()
    u32 = lambda v: int(v).to_bytes(4, "little")
    u64 = lambda v: int(v).to_bytes(8, "little")
    data = b"AMORPHTMLFEAT\0\0\0" + u32(1) + u32(2) + u64(3) + b"real".ljust(16, b"\0") + f64(2e-10) + f64(lags)
    data += f64([[y] + x for y, x in zip(labels, X)])
    data += u64(ref_fnv(data))
    assert len(data) == 64 + 8 * 2 + 8 * 3 * 3
    p = tmp_path / "v1.bin"
    p.write_bytes(data)
    fs = tml.read_features(p)
    assert (fs.meta.units, fs.meta.lags, fs.meta.dr2_floor) == ("real", lags, 2e-10)
    assert (fs.meta.affine, fs.meta.origins) == (-1, 0)
    np.testing.assert_array_equal(fs.features, X)
    np.testing.assert_array_equal(fs.labels, labels)
    # version-1 text: "# affine" / "# origins" were comments
    t = tmp_path / "v1.txt"
    t.write_text("# AMORPH-TML-FEATURES 1\n# units real\n# lags 0.25 1.5\n# affine whatever\n# origins x\n300 -1 -2\n")
    ft = tml.read_features(t)
    assert (ft.meta.affine, ft.meta.origins) == (-1, 0) and ft.features.tolist() == [[-1.0, -2.0]]
    # version-1 model
    mean, std = [0.5, -1.25], [2.0, 0.75]
    mb = b"AMORPHTMLMODEL\0\0" + u32(1) + u32(2) + u64(3) + b"real".ljust(16, b"\0")
    mb += f64(lags) + f64(mean) + f64(std) + u32(2) + f64(2e-10) + f64(labels) + f64(X)
    mb += u64(ref_fnv(mb))
    assert len(mb) == 68 + 24 * 2 + 8 * 3 + 8 * 6
    m = tml.Model.from_bytes(mb)
    assert (m.meta.affine, m.meta.origins, m.k) == (-1, 0, 2)
    assert m.mean.tolist() == mean and m.std.tolist() == std and m.features.tolist() == X
    # written again as version 2: 8 bytes longer, -1 and 0 after the floor
    raw = m.to_bytes()
    o = 48 + 24 * 2 + 12
    assert len(raw) == len(mb) + 8 and raw[20:o] == mb[20:o]
    assert raw[o:o + 8] == b"\xff\xff\xff\xff\0\0\0\0" and raw[o + 8:-8] == mb[o:-8]
    # unknown versions
    bad = bytearray(mb)
    bad[16:20] = u32(3)
    bad[-8:] = u64(ref_fnv(bad[:-8]))
    with pytest.raises(ValueError, match="unsupported model format version 3"):
        tml.Model.from_bytes(bytes(bad))
    t.write_text("# AMORPH-TML-FEATURES 3\n# units real\n")
    with pytest.raises(ValueError, match="v1.txt:1: unsupported feature file version 3"):
        tml.read_features(t)


def test_corrupt_and_malformed_recording(tmp_path):
    fs = with_recording(synthetic(5, 12, lags=[1.0, 2.0]), tml.AFFINE_KEEP, 2)
    p = tmp_path / "f.bin"
    tml.write_features(p, fs, binary=True)
    data = bytearray(p.read_bytes())
    assert data[56:60] == b"\0\0\0\0"
    data[56:60] = (7).to_bytes(4, "little")
    data[-8:] = ref_fnv(data[:-8]).to_bytes(8, "little")
    p.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"f\.bin: corrupt header: affine setting 7"):
        tml.read_features(p)
    raw = bytearray(tml.Model(fs.meta, fs.labels, fs.features, k=2).to_bytes())
    o = 48 + 24 * 2 + 12
    raw[o:o + 4] = (7).to_bytes(4, "little")
    raw[-8:] = ref_fnv(raw[:-8]).to_bytes(8, "little")
    with pytest.raises(ValueError, match="crafted: corrupt header: affine setting 7"):
        tml.Model.from_bytes(bytes(raw), "crafted")
    t = tmp_path / "bad.txt"
    head = "# AMORPH-TML-FEATURES 2\n# units metal\n# lags 1 2\n"
    for text, line, msg in [(head + "# affine none\n", 4, "'affine' expects 'remove' or 'keep'"),
                            (head + "# affine keep\n# affine keep\n", 5, "duplicate header keyword 'affine'"),
                            (head + "# origins 0\n", 4, "'origins' expects one integer"),
                            (head + "# origins 2.5\n", 4, "'origins' expects one integer"),
                            (head + "300 1 2\n# origins 3\n", 5, "header line .# origins .... after data rows")]:
        t.write_text(text)
        with pytest.raises(ValueError, match=f"bad.txt:{line}: {msg}"):
            tml.read_features(t)
    with pytest.raises(ValueError, match="affine setting 2"):
        tml.Metadata("metal", [1.0], affine=2).validate()


def test_merge_conflicts_name_both_files(tmp_path):
    base = synthetic(30, 13, lags=[0.5, 1.0])
    files = {}
    for name, a, o in [("k1.txt", 0, 4), ("k2.bin", 0, 4), ("u.txt", -1, 0), ("r.bin", 1, 4), ("o2.txt", 0, 2)]:
        files[name] = str(tmp_path / name)
        tml.write_features(files[name], with_recording(base, a, o), binary=name.endswith(".bin"))
    m = tml.build_model([files["k1.txt"], files["k2.bin"]], k=5)
    assert (m.meta.affine, m.meta.origins) == (0, 4) and len(m) == 60
    m = tml.build_model([files["k1.txt"], files["u.txt"], files["k2.bin"]], k=5)
    assert (m.meta.affine, m.meta.origins) == (-1, 0)
    with pytest.raises(ValueError) as e:
        tml.build_model([files["k1.txt"], files["u.txt"], files["r.bin"]], k=5)
    assert f"feature file '{files['k1.txt']}' (affine keep)" in str(e.value)
    assert f"feature file '{files['r.bin']}' (affine remove)" in str(e.value)
    with pytest.raises(ValueError) as e:
        tml.build_model([files["u.txt"], files["k2.bin"], files["o2.txt"]], k=5)
    assert f"'{files['k2.bin']}' (origins 4)" in str(e.value) and f"'{files['o2.txt']}' (origins 2)" in str(e.value)
    sets = [with_recording(base, 1, 3), with_recording(base, 1, 0)]
    assert (lambda s: (s.meta.affine, s.meta.origins))(tml.concat_features(sets)) == (1, 0)
    with pytest.raises(ValueError, match=r"feature set 0 \(affine remove\) and feature set 1 \(affine keep\)"):
        tml.concat_features([with_recording(base, 1, 3), with_recording(base, 0, 3)])


def test_check_recording_messages():
    keep4 = tml.Metadata("metal", [1.0], affine=tml.AFFINE_KEEP, origins=4)
    v1 = tml.Metadata("metal", [1.0])
    what = "model 'a.model'"
    assert tml.check_recording(keep4, 0, 4, what) == []
    with pytest.raises(ValueError) as e:
        tml.check_recording(keep4, tml.AFFINE_REMOVE, 4, what)
    assert str(e.value).startswith("model 'a.model' was trained with affine keep, features are now recorded "
                                   "with affine remove")
    w = tml.check_recording(keep4, 0, 1, what)
    assert len(w) == 1 and "was trained with origins 4, features are now recorded with origins 1" in w[0]
    w = tml.check_recording(v1, 1, 1, what)
    assert len(w) == 2 and "does not record its affine setting" in w[0] and "affine remove" in w[0]
    assert "does not record its number of time origins" in w[1] and "origins 1" in w[1]
    w = tml.check_recording(keep4, -1, 0, what)
    assert len(w) == 2 and "trained with affine keep" in w[0] and "not recorded" in w[0]
    w = tml.check_recording(v1, -1, 0, what)
    assert len(w) == 2 and w[0].startswith("neither model 'a.model' nor")
    with pytest.raises(ValueError, match="affine setting 5"):
        tml.check_recording(keep4, 5, 4, what)


def test_classify_checks_recording(tmp_path, capsys):
    train = with_recording(synthetic(300, 14, lags=[0.5, 1.0, 2.0]), tml.AFFINE_KEEP, 4)
    model = tmp_path / "m.bin"
    tml.Model(train.meta, train.labels, train.features, k=10).save(model)
    m = tml.Model.load(model)
    q = synthetic(40, 15, lags=[0.5, 1.0, 2.0])
    same, other, fewer, v1 = (tmp_path / n for n in ("same.txt", "remove.txt", "fewer.bin", "v1.txt"))
    tml.write_features(same, with_recording(q, 0, 4))
    tml.write_features(other, with_recording(q, 1, 4))
    tml.write_features(fewer, with_recording(q, 0, 1), binary=True)
    tml.write_features(v1, q)
    v1.write_text(v1.read_text().replace("FEATURES 2", "FEATURES 1"))
    seen = []
    y, t = tml.classify_file(m, same, warn=seen.append)
    assert seen == [] and len(t) == 40
    np.testing.assert_array_equal(t, m.predict(q.features))
    with pytest.raises(ValueError, match=f"model '{model}' was trained with affine keep, features are now "
                                         "recorded with affine remove"):
        tml.classify_file(m, other)
    tml.classify_file(m, fewer, warn=seen.append)
    assert len(seen) == 1 and "origins 4" in seen[0] and "origins 1" in seen[0]
    # lags are checked as before
    tml.write_features(tmp_path / "lags.txt", with_recording(synthetic(5, 16, lags=[0.5, 1.0, 3.0]), 0, 4))
    with pytest.raises(ValueError, match="lag mismatch"):
        tml.classify_file(m, tmp_path / "lags.txt")
    # command line: warnings and errors on stderr
    capsys.readouterr()
    out = tmp_path / "tml.out"
    assert tml.main(["classify", str(model), str(v1), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "WARNING" in err and "does not record" not in err and "not recorded" in err
    res = np.loadtxt(out)
    np.testing.assert_array_equal(res[:, 0], q.labels)
    np.testing.assert_array_equal(res[:, 1], m.predict(q.features))
    assert tml.main(["classify", str(model), str(other), "-o", str(out)]) == 1
    assert "ERROR: model" in capsys.readouterr().err and "affine remove" in open(other).read()


def test_v2_through_the_fix_cpp_equals_python(lmp, tmp_path):
    """Python-written version-2 feature files (text and binary) read by the C++ kernel
    through fix tml, which merges them and saves a model; the model records the settings,
    Python reads it back and writes the same bytes; conflicting files are refused."""
    a = with_recording(synthetic(200, 17), tml.AFFINE_KEEP, 3)
    b = with_recording(synthetic(150, 18), tml.AFFINE_KEEP, 3)
    fa, fb, fr, fv1 = (tmp_path / n for n in ("a.txt", "b.bin", "r.bin", "v1.txt"))
    tml.write_features(fa, a)
    tml.write_features(fb, b, binary=True)
    tml.write_features(fr, with_recording(b, tml.AFFINE_REMOVE, 3), binary=True)
    tml.write_features(fv1, a)
    fv1.write_text(fv1.read_text().replace("FEATURES 2", "FEATURES 1").replace("# affine keep\n", "")
                   .replace("# origins 3\n", ""))
    for line in BOX.splitlines():
        lmp.command(line)
    model = tmp_path / "m.bin"
    lmp.command(f"fix ml all tml temp 300 model features {fa} {fb} savemodel {model} k 20 affine keep")
    m = tml.Model.load(model)
    assert (m.meta.affine, m.meta.origins, len(m)) == (tml.AFFINE_KEEP, 3, 350)
    raw = model.read_bytes()
    assert int.from_bytes(raw[16:20], "little") == 2
    assert tml.build_model([str(fa), str(fb)], k=20).to_bytes() == raw
    # a version-1 file among them: the C++ model records the settings as unknown, as Python
    model1 = tmp_path / "m1.bin"
    lmp.command(f"fix ml1 all tml temp 300 model features {fv1} {fb} savemodel {model1} k 20 affine keep")
    m1 = tml.Model.load(model1)
    assert (m1.meta.affine, m1.meta.origins) == (-1, 0)
    assert tml.build_model([str(fv1), str(fb)], k=20).to_bytes() == model1.read_bytes()
    # keep and remove: the C++ merge refuses, naming the file and both settings
    with pytest.raises(Exception) as e:
        lmp.command(f"fix ml2 all tml temp 300 model features {fa} {fr} k 20")
    assert_message(e, "cannot build the model", str(fr), "affine keep", "affine remove")
    # a model trained with affine keep, used by a fix recording with affine remove (the default)
    with pytest.raises(Exception) as e:
        lmp.command(f"fix ml3 all tml temp 300 model {model} k 20")
    assert_message(e, "Fix tml", f"model '{model}' was trained with affine keep, features are now "
                   "recorded with affine remove")


def assert_message(e, head, *parts):
    """The LAMMPS error of exception info e starts with ERROR and names head and parts; the
    Python module of LAMMPS 4 Feb 2025 cuts messages to about 100 characters: there only
    the head is checked (the full message is checked on the newer LAMMPS)"""
    msg = str(e.value)
    assert msg.startswith("ERROR") and head in msg, msg
    if os.environ.get("AMORPH_LAMMPS_VERSION", "99999999") < "20260704" and len(msg) < 110:
        return
    for p in parts:
        assert p in msg, f"{p!r} not in {msg!r}"


# ---------------------------------------------------------------------------- golden model file
# unittest/data/golden.tmlmodel, shared with unittest/kernels/test_tml_model.cpp (TmlGolden):
# written by the C++ Model::save from the inputs below (the same inputs as there).  Both tests
# decode it and compare with these inputs, and both writers must reproduce it byte for byte.
GOLDEN_PATH = os.path.join(os.environ.get("AMORPH_ROOT", os.path.join(os.path.dirname(__file__), "..", "..")),
                           "unittest", "data", "golden.tmlmodel")
# 6 instances of 3 temperature classes (interleaved), 4 lags; features are multiples of 1/4
# chosen so that the mean and the population std of every feature are exact in binary
GOLDEN_UNITS = "metal"
GOLDEN_LAGS = [0.2, 0.5, 1.0, 2.0]
GOLDEN_DR2_FLOOR = 1.0e-10
GOLDEN_AFFINE = tml.AFFINE_REMOVE
GOLDEN_ORIGINS = 4
GOLDEN_K = 3
GOLDEN_LABELS = [300.0, 700.0, 1000.0, 300.0, 700.0, 1000.0]
GOLDEN_FEATURES = [[-5.25, -4.75, -4.75, -4.0],     # 300
                   [-4.5, -4.25, -3.75, -2.75],     # 700
                   [-4.25, -3.5, -3.0, -2.5],       # 1000
                   [-5.0, -4.25, -4.0, -4.0],       # 300
                   [-4.25, -4.0, -3.0, -2.75],      # 700
                   [-3.75, -3.25, -2.5, -2.0]]      # 1000
GOLDEN_MEAN = [-4.5, -4.0, -3.5, -3.0]
GOLDEN_STD = [0.5, 0.5, 0.75, 0.75]


def golden_model():
    meta = tml.Metadata(GOLDEN_UNITS, list(GOLDEN_LAGS), GOLDEN_DR2_FLOOR, GOLDEN_AFFINE, GOLDEN_ORIGINS)
    return tml.Model(meta, np.array(GOLDEN_LABELS), np.array(GOLDEN_FEATURES), k=GOLDEN_K)


def test_golden_model_file(tmp_path):
    raw = open(GOLDEN_PATH, "rb").read()
    n, d = len(GOLDEN_LABELS), len(GOLDEN_LAGS)
    assert len(raw) == 48 + 24 * d + 20 + 8 * n + 8 * n * d + 8
    assert int.from_bytes(raw[-8:], "little") == ref_fnv(raw[:-8])
    # the Python reader decodes the inputs, bit for bit
    m = tml.Model.load(GOLDEN_PATH)
    assert m.source == GOLDEN_PATH
    assert m.meta.units == GOLDEN_UNITS
    assert m.meta.lags == GOLDEN_LAGS
    assert m.meta.dr2_floor == GOLDEN_DR2_FLOOR
    assert (m.meta.affine, m.meta.origins, m.k) == (GOLDEN_AFFINE, GOLDEN_ORIGINS, GOLDEN_K)
    assert m.labels.tobytes() == np.array(GOLDEN_LABELS).tobytes()
    assert m.features.tobytes() == np.array(GOLDEN_FEATURES).tobytes()
    assert m.mean.tobytes() == np.array(GOLDEN_MEAN).tobytes()
    assert m.std.tobytes() == np.array(GOLDEN_STD).tobytes()
    # the Python writer reproduces the file from the inputs, byte for byte
    w = golden_model()
    assert w.mean.tobytes() == np.array(GOLDEN_MEAN).tobytes()
    assert w.std.tobytes() == np.array(GOLDEN_STD).tobytes()
    assert w.to_bytes() == raw
    out = tmp_path / "golden.tmlmodel"
    w.save(out)
    assert out.read_bytes() == raw


@pytest.mark.parametrize("field, value, message", [
    ("std", 0.0, "standard deviation of feature 2"), ("mean", np.nan, "non-finite mean of feature 1"),
    ("label", np.inf, "non-finite label of training instance 3"),
    ("feature", np.nan, "non-finite feature 2 of training instance 4")])
def test_python_model_reader_checks_values_as_cpp(tmp_path, field, value, message):
    """A model file with a bad value (checksum recomputed, so only the value check can catch
    it) is refused by the Python reader with the C++ reader's wording, and by fix tml."""
    m = tml.build_model([str(_small_features(tmp_path))], k=5)
    if field == "std":
        m.std[1] = value
    elif field == "mean":
        m.mean[0] = value
    elif field == "label":
        m.labels[2] = value
    else:
        m.features[3, 1] = value
    data = m.to_bytes()
    data = data[:-8] + struct.pack("<Q", tml.fnv1a64(data[:-8]))
    path = tmp_path / "bad.tmlmodel"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=re.escape(message)):
        tml.Model.load(path)
    out = subprocess.run([os.environ["AMORPH_LMP"], "-nocite", "-log", "none"], input=(
        f"plugin load {os.environ['AMORPH_PLUGIN']}\n" + BOX + "create_atoms 1 random 10 1 NULL\n"
        f"pair_style zero 2.0\npair_coeff * *\nfix ml all tml temp 300 model {path}\nrun 0\n"),
        capture_output=True, text=True, env=clean_mpi_env())
    assert out.returncode != 0 and message in out.stdout + out.stderr, out.stdout[-1500:]


def _small_features(tmp_path):
    fs = synthetic(60, 4, lags=[0.2, 0.5, 1.0])
    path = tmp_path / "small.txt"
    tml.write_features(path, fs)
    return path
