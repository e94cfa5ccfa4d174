# AMORPH - LAMMPS plugin package, GPL-2.0
"""fix tml and the T_ML model tooling (amorph.tml): kNN predictions equal scikit-learn's
KNeighborsRegressor (through the fix's 'classify' and through the Python model reader),
the Python model writer is byte-identical to the C++ one, feature files read back, the
cross-validation / plotting / class selection / ReliefF tooling runs, and per-atom T_ML,
features and training files are identical on 1, 2 and 4 MPI ranks."""
import os

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsRegressor

from amorph import tml
from conftest import read_dump, run_lmp

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
