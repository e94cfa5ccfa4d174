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

Then the computes, on the same system and rank (`-k on t 2 -sf kk`), each evaluated every step
of a 50-step run (fix ave/atom of one column; the base run averages x instead):
  nonaffine/atom (plain, `suffix off`) vs nonaffine/atom/kk/host (2 OpenMP threads), cutoff 1.5
  boop/atom (plain) vs boop/atom/kk/host, q2 q4 q6 w w-hat, nnn 12 (cutoff 1.8)
  orientorder/atom/kk/host, the same outputs, the core LAMMPS peer of boop/atom/kk
Printed: the cost per evaluation of each (loop time over the base run's, median and range of
3 interleaved repeats) and the ratios /kk/host : plain and boop/atom/kk : orientorder/atom/kk.

Last, fix acoustic (plain, `suffix off`: LAMMPS copies all atom data around it every step)
against fix acoustic/kk/host, strain-controlled sine along z, 400 steps, the loop times and
their ratio.
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

# the system of every variant: an fcc LJ liquid-to-be of 4 n^3 atoms
SYSTEM = """plugin load {plugin}
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
"""
INPUT = SYSTEM + """fix nve all nve
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


COMPUTE_INPUT = SYSTEM + """fix nve all nve
timestep 0.005
run 100
{compute}
run {nsteps}
"""
CSTEPS = 50
BOOP = "degrees 3 2 4 6 w yes qbar no wbar no bonds no nnn 12 cutoff 1.8"
COMPUTES = {
    "base": "fix av all ave/atom 1 1 1 x",
    "nonaffine/atom": "suffix off\ncompute c all nonaffine/atom cutoff 1.5\nsuffix on",
    "nonaffine/atom/kk/host": "compute c all nonaffine/atom/kk/host cutoff 1.5",
    "boop/atom": f"suffix off\ncompute c all boop/atom {BOOP}\nsuffix on",
    "boop/atom/kk/host": f"compute c all boop/atom/kk/host {BOOP}",
    "orientorder/atom/kk/host":
        "compute c all orientorder/atom/kk/host degrees 3 2 4 6 wl yes wl/hat yes nnn 12 cutoff 1.8",
}


def compute_bench(lmp, plugin, env):
    times = {k: [] for k in COMPUTES}
    print(f"\ncomputes: {4 * NCELL ** 3} atoms, each evaluated every step of {CSTEPS} steps, 1 rank,"
          f" -k on t 2 -sf kk, {REPEATS} repeats interleaved", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(REPEATS):
            for name, cmd in COMPUTES.items():
                if name != "base":
                    cmd += "\nfix av all ave/atom 1 1 1 c_c[1]"
                inp = os.path.join(tmp, "in.bench")
                with open(inp, "w") as f:
                    f.write(COMPUTE_INPUT.format(plugin=plugin, n=NCELL, nsteps=CSTEPS,
                                                 compute=cmd))
                out = subprocess.run([lmp, "-in", inp, "-log", "none", "-nocite", "-k", "on", "t",
                                      "2", "-sf", "kk"], capture_output=True, text=True, cwd=tmp,
                                     env=env, check=True).stdout
                if name.startswith(("nonaffine/atom/kk", "boop/atom/kk")):
                    assert f"compute {name} c: per-atom kernel" in out, out[-2000:]
                t = re.findall(r"Loop time of (\S+) on \d+ procs for (\d+) steps", out)
                assert t and int(t[-1][1]) == CSTEPS, out[-2000:]
                times[name].append(float(t[-1][0]))
                print(f"  repeat {r + 1} {name:24s} {times[name][-1]:.3f} s", flush=True)
    base = times["base"]
    cost, lo, hi = {}, {}, {}
    for k, v in times.items():
        if k == "base":
            continue
        cost[k] = (statistics.median(v) - statistics.median(base)) / CSTEPS
        lo[k] = (min(v) - max(base)) / CSTEPS
        hi[k] = (max(v) - min(base)) / CSTEPS
        print(f"{k:24s} {1e3 * cost[k]:8.2f} ms per evaluation (range {1e3 * lo[k]:.2f} - "
              f"{1e3 * hi[k]:.2f})")
    for a, b in (("nonaffine/atom/kk/host", "nonaffine/atom"), ("boop/atom/kk/host", "boop/atom"),
                 ("boop/atom/kk/host", "orientorder/atom/kk/host")):
        span = (max(lo[a], 1e-12) / max(hi[b], 1e-12), max(hi[a], 1e-12) / max(lo[b], 1e-12))
        print(f"{a} : {b} = {cost[a] / cost[b]:.2f}x (range {span[0]:.2f} - {span[1]:.2f})")


ACOUSTIC_INPUT = SYSTEM + """timestep 0.005
{fix}
thermo 100
run {nsteps}
"""
ACOUSTIC = "all {style} z strain sine 0.01 1.0 0 0 temp 1.5 1.5 0.5 pdamp 5.0"
ACOUSTICS = {
    "acoustic": "suffix off\nfix ac " + ACOUSTIC.format(style="acoustic") + "\nsuffix on",
    "acoustic/kk/host": "fix ac " + ACOUSTIC.format(style="acoustic/kk/host"),
}


def acoustic_bench(lmp, plugin, env):
    times = {k: [] for k in ACOUSTICS}
    print(f"\nfix acoustic: {4 * NCELL ** 3} atoms, {NSTEPS} steps, 1 rank, -k on t 2 -sf kk, "
          f"{REPEATS} repeats interleaved", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(REPEATS):
            for name, fix in ACOUSTICS.items():
                inp = os.path.join(tmp, "in.bench")
                with open(inp, "w") as f:
                    f.write(ACOUSTIC_INPUT.format(plugin=plugin, n=NCELL, nsteps=NSTEPS, fix=fix))
                out = subprocess.run([lmp, "-in", inp, "-log", "none", "-nocite", "-k", "on", "t",
                                      "2", "-sf", "kk"], capture_output=True, text=True, cwd=tmp,
                                     env=env, check=True).stdout
                if name.endswith("/kk/host"):
                    assert "fix acoustic/kk/host ac: integration on Kokkos" in out, out[-2000:]
                times[name].append(loop_time(out))
                print(f"  repeat {r + 1} {name:17s} {times[name][-1]:.3f} s", flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in times.items():
        print(f"fix {k:17s} loop time {med[k]:.3f} s (range {min(v):.3f} - {max(v):.3f})")
    a, b = times["acoustic/kk/host"], times["acoustic"]
    print(f"fix acoustic/kk/host : fix acoustic = {med['acoustic/kk/host'] / med['acoustic']:.2f}x "
          f"(range {min(a) / max(b):.2f} - {max(a) / min(b):.2f})")


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
    compute_bench(lmp, plugin, env)
    acoustic_bench(lmp, plugin, env)


if __name__ == "__main__":
    main()
