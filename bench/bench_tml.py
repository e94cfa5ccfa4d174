#!/usr/bin/python3
# AMORPH - LAMMPS plugin package, GPL-2.0
"""Benchmark of fix tml.

    eval "$(bash scripts/setup.sh env sid)"; /usr/bin/python3 bench/bench_tml.py [--quick]

(1) kNN classification throughput: the fix's kNN (nanoflann KD-tree, kernel
    src/kernels/tml_model.h, run through `fix tml ... classify`) against scikit-learn's
    KNeighborsRegressor (k = 50, uniform weights, algorithm 'auto' = KD-tree for 10
    features), on the SAME standardised data, both with one thread: a synthetic training set
    of 300,000 instances x 10 features (7 temperature classes; features correlated over the
    lags like real log10(dr2/T)) and 50,000 queries.  Goal: the fix >= 10x faster.
(2) cost of recording 10 lags: a 32,768-atom Cu50Zr50 glass (CuZr_mm.eam.fs, 1024-atom
    melt-quench replicated 4x4x2), fix nvt, with and without fix tml recording 10 lags
    (1 ... 1000 steps, windows every 100 steps: 10 windows in progress at once, far denser
    than the paper's 40 ps / 200 ps), runs alternated, median.  Goal: <= 2% of an MD step.
    The per-window cost of classifying all atoms (prediction mode) is reported separately,
    amortised over the paper's window spacing (40 ps = 20,000 steps of 2 fs).
"""
import os
import re
import statistics
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import lammps  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import amorph  # noqa: E402
from glass import make_cuzr_glass  # noqa: E402
from amorph import tml  # noqa: E402

QUICK = "--quick" in sys.argv
NTRAIN = 60_000 if QUICK else 300_000
NQUERY = 10_000 if QUICK else 50_000
LAGS = [0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200]     # ps
CLASSES = [100.0, 700.0, 800.0, 900.0, 1000.0, 1200.0, 1700.0]


def synthetic(n, seed):
    """Features log10(dr2/T) of a caged + diffusive motion with per-atom mobility."""
    rng = np.random.default_rng(seed)
    y = rng.choice(CLASSES, size=n)
    t = np.asarray(LAGS)
    mob = rng.lognormal(0, 0.8, size=n) * np.exp(-4000 / (y + 300))     # per-atom diffusivity
    cage = 0.05 * y / 700 * rng.lognormal(0, 0.3, size=n)
    dr2 = cage[:, None] * (1 - np.exp(-t / 0.3)) + 6 * mob[:, None] * t
    X = np.log10(dr2 / y[:, None]) + rng.normal(0, 0.15, size=(n, len(t)))
    return y, X


def new_lammps(log):
    L = lammps.lammps(cmdargs=["-log", log, "-screen", "none", "-nocite"])
    amorph.load_plugin(L)
    return L


def bench_knn(tmp):
    print(f"(1) kNN: {NTRAIN} training instances x {len(LAGS)} features, {NQUERY} queries, k = 50, "
          "1 thread", flush=True)
    ytr, Xtr = synthetic(NTRAIN, 1)
    yq, Xq = synthetic(NQUERY, 2)
    ftr, fq, fout, flog = (os.path.join(tmp, n) for n in ("train.bin", "query.bin", "out.txt", "knn.log"))
    meta = tml.Metadata("metal", LAGS)
    # the binary writer's checksum is a pure-Python loop: write the text format instead
    tml.write_features(ftr.replace(".bin", ".txt"), tml.FeatureSet(meta, ytr, Xtr))
    tml.write_features(fq.replace(".bin", ".txt"), tml.FeatureSet(meta, yq, Xq))
    ftr, fq = ftr.replace(".bin", ".txt"), fq.replace(".bin", ".txt")

    def classify(threads):
        L = new_lammps(flog)
        for line in ["units metal", "region b block 0 1 0 1 0 1", "create_box 1 b", "timestep 0.002"]:
            L.command(line)
        t0 = time.perf_counter()
        L.command(f"fix kn all tml temp 300 model features {ftr} k 50 threads {threads} "
                  f"classify {fq} {fout}")
        total = time.perf_counter() - t0
        L.close()
        m = re.search(r"classified (\d+) rows .* in ([0-9.eE+-]+) s", open(flog).read())
        return float(m.group(2)), total, np.loadtxt(fout)[:, 1]

    t_fix, t_fix_total, ours = classify(1)
    # thread scaling within one rank (the fix's `threads`, default: LAMMPS's OpenMP threads)
    t_fix2, _, ours2 = classify(2)

    from sklearn.neighbors import KNeighborsRegressor
    from sklearn.preprocessing import StandardScaler
    sc = StandardScaler().fit(Xtr)
    Ztr, Zq = sc.transform(Xtr), sc.transform(Xq)
    t0 = time.perf_counter()
    reg = KNeighborsRegressor(n_neighbors=50, weights="uniform", n_jobs=1).fit(Ztr, ytr)
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = reg.predict(Zq)
    t_sk = time.perf_counter() - t0
    diff = np.abs(ref - ours)
    print(f"  fix tml (nanoflann)      : {t_fix:8.3f} s for the queries  ({NQUERY / t_fix:10.0f} queries/s); "
          f"fix command incl. reading text files + tree: {t_fix_total:.2f} s")
    print(f"  scikit-learn ({reg._fit_method:7s})  : {t_sk:8.3f} s for the queries  ({NQUERY / t_sk:10.0f} queries/s); "
          f"fit {t_fit:.2f} s")
    print(f"  RATIO sklearn/fix = {t_sk / t_fix:.2f}x   (goal >= 10x)")
    print(f"  fix tml with 2 threads   : {t_fix2:8.3f} s ({NQUERY / t_fix2:10.0f} queries/s), "
          f"speed-up over 1 thread {t_fix / t_fix2:.2f}x, answers identical: "
          f"{bool(np.array_equal(ours, ours2))}")
    print(f"  agreement: max |dT_ML| = {diff.max():.3g}, rows differing by > 1e-9: "
          f"{int((diff > 1e-9).sum())} (distance ties at the k-th neighbour)", flush=True)


def build_glass(L, quick):
    make_cuzr_glass(L, quick=quick)
    for line in ("fix md all nvt temp 300 300 0.1", "run 20"):
        L.command(line)


def bench_recording(tmp):
    nsteps = 100 if QUICK else 300
    L = new_lammps(os.path.join(tmp, "md.log"))
    build_glass(L, QUICK)
    natoms = L.get_natoms()
    print(f"\n(2) recording cost: Cu50Zr50 glass, {natoms} atoms, EAM, fix nvt, {nsteps} steps per run, 1 rank",
          flush=True)
    lags = " ".join(f"{0.002 * s:g}" for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000))
    times = {"md": [], "md+tml": []}
    for rep in range(3):
        for case in times:
            if case == "md+tml":
                L.command(f"fix rec all tml temp 300 lags {lags} every 100 features yes")
            t0 = time.perf_counter()
            L.command(f"run {nsteps} post no")
            times[case].append((time.perf_counter() - t0) / nsteps)
            if case == "md+tml":
                L.command("unfix rec")
    md, rec = statistics.median(times["md"]), statistics.median(times["md+tml"])
    print(f"  MD step              : {md * 1e3:8.2f} ms  (runs: {', '.join(f'{t * 1e3:.2f}' for t in times['md'])})")
    print(f"  MD step + fix tml    : {rec * 1e3:8.2f} ms  (runs: {', '.join(f'{t * 1e3:.2f}' for t in times['md+tml'])})")
    print(f"  RATIO recording overhead = {(rec - md) / md:+.2%} of an MD step  (goal <= 2%; "
          "10 windows x 10 lags in progress)")

    # classification of all atoms of a window (prediction mode), amortised: a window of
    # 10 lags of 1..10 steps, so that the MD time subtracted is small
    short = [0.002 * s for s in range(1, 11)]
    ytr, Xtr = synthetic(NTRAIN, 3)
    ftr = os.path.join(tmp, "glass_train.txt")
    tml.write_features(ftr, tml.FeatureSet(tml.Metadata("metal", short), ytr, Xtr))
    L.command(f"fix pr all tml temp 300 lags {' '.join(f'{x:g}' for x in short)} every 10 "
              f"nwindows 1 model features {ftr} k 50")
    L.command("run 0 post no")
    t0 = time.perf_counter()
    L.command("run 10 post no")
    t_pred = time.perf_counter() - t0 - 10 * md
    print(f"  classifying {natoms} atoms at a window end (k = 50, {NTRAIN} training instances): "
          f"about {t_pred:.2f} s = {t_pred / md:.0f} MD steps; with windows every 40 ps "
          f"(20,000 steps of 2 fs) that is {t_pred / md / 20000:+.2%} per step")
    L.close()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        bench_knn(tmp)
        bench_recording(tmp)


if __name__ == "__main__":
    main()
