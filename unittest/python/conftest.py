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


def run_lmp(inp_text, tmp_path, nprocs=1, variables=None, timeout=600):
    """Run the test LAMMPS binary on an input (optionally under mpirun), return stdout."""
    inp = tmp_path / "in.test"
    inp.write_text(inp_text)
    cmd = [os.environ["AMORPH_LMP"], "-in", str(inp), "-log", "none", "-nocite"]
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
