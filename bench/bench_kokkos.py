#!/usr/bin/python3
# AMORPH - LAMMPS plugin package, GPL-2.0
"""Benchmark of the /kk styles in a KOKKOS run (LAMMPS built with KOKKOS, e.g. by
`bash scripts/setup.sh lammps bookworm` and `plugin bookworm`):

    eval "$(bash scripts/setup.sh env bookworm)"
    AMORPH_PLUGIN=build/bookworm/amorphplugin.so /usr/bin/python3 bench/bench_kokkos.py [--quick]

An LJ crystal-liquid (32,000 atoms; 4,000 with --quick), pair lj/cut/kk, fix nve/kk, 1 MPI
rank with `-k on t 2 -sf kk` (2 OpenMP threads), 400 steps, in three variants, interleaved,
3 repeats each:
  base    no fix tml
  tml     the plain fix tml (`suffix off` around its command): LAMMPS copies all atom data
          to the host and back after every step
  tml/kk  fix tml/kk: the atom data are copied to the host at its window events only
fix tml records 5 lags (2 ... 40 steps) in windows every 50 steps.  Printed: the loop time of
each variant (median and range), and the cost of fix tml over the base run for both styles.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

QUICK = "--quick" in sys.argv
NCELL = 10 if QUICK else 20          # fcc cells per edge: 4 N^3 atoms
NSTEPS = 400
REPEATS = 3

INPUT = """plugin load {plugin}
units lj
lattice fcc 0.8442
region b block 0 {n} 0 {n} 0 {n}
create_box 1 b
create_atoms 1 box
mass 1 1.0
velocity all create 1.5 4711 loop geom
pair_style lj/cut 2.5
pair_coeff 1 1 1.0 1.0
neighbor 0.3 bin
neigh_modify every 20 delay 0 check no
fix nve all nve
timestep 0.005
thermo 100
run 50
{tml}
run {nsteps}
"""
TML = "fix ml all tml temp 1.0 every 50 lags 0.01 0.02 0.05 0.1 0.2 features yes"
VARIANTS = {
    "base": "",
    "tml": "suffix off\n" + TML + "\nsuffix on",
    "tml/kk": TML,
}


def loop_time(out):
    t = re.findall(r"Loop time of (\S+) on \d+ procs for (\d+) steps", out)
    assert t and int(t[-1][1]) == NSTEPS, out[-2000:]
    return float(t[-1][0])


def main():
    lmp = os.environ.get("AMORPH_LMP", "lmp")
    plugin = os.path.abspath(os.environ.get("AMORPH_PLUGIN") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build", "bookworm", "amorphplugin.so"))
    env = dict(os.environ, OMP_PROC_BIND="spread", OMP_PLACES="threads")
    times = {k: [] for k in VARIANTS}
    print(f"{4 * NCELL ** 3} atoms, {NSTEPS} steps, 1 rank, -k on t 2 -sf kk, {REPEATS} repeats "
          "interleaved", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(REPEATS):
            for name, tml in VARIANTS.items():
                inp = os.path.join(tmp, "in.bench")
                with open(inp, "w") as f:
                    f.write(INPUT.format(plugin=plugin, n=NCELL, nsteps=NSTEPS, tml=tml))
                out = subprocess.run([lmp, "-in", inp, "-log", "none", "-nocite", "-k", "on", "t", "2",
                                      "-sf", "kk"], capture_output=True, text=True, cwd=tmp,
                                     env=env, check=True).stdout
                if name == "tml/kk":
                    assert "fix tml/kk ml" in out, "fix tml/kk was not used"
                times[name].append(loop_time(out))
                print(f"  repeat {r + 1} {name:7s} {times[name][-1]:.3f} s", flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in times.items():
        print(f"{k:7s} loop time {med[k]:.3f} s (range {min(v):.3f} - {max(v):.3f})")
    for k in ("tml", "tml/kk"):
        lo = min(times[k]) / max(times["base"]) - 1
        hi = max(times[k]) / min(times["base"]) - 1
        print(f"cost of fix {k:6s} over the base run: {100 * (med[k] / med['base'] - 1):+.1f} % "
              f"(range {100 * lo:+.1f} ... {100 * hi:+.1f} %)")
    print(f"fix tml/kk vs fix tml, whole run: {med['tml/kk'] / med['tml']:.2f}x")


if __name__ == "__main__":
    main()
