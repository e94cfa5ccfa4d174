#!/usr/bin/python3
# AMORPH - LAMMPS plugin package, GPL-2.0
"""Check that the `lmp` executable sees every AMORPH style:

  1. with `plugin load <file>` in the input,
  2. auto-loaded through LAMMPS_PLUGIN_PATH (no plugin command at all; not in LAMMPS
     29 Sep 2021, which has no auto-loading: there the styles must be absent),
  3. (--builtin LMP) in a LAMMPS binary with AMORPH compiled in.

A failed `plugin load` only logs a message, so presence is checked in the output of
`info styles compute` / `info styles fix`, and compute boop/atom is run on fcc.
"""
import os
import subprocess
import sys
import tempfile


RUN_STYLE = """units metal
lattice fcc 1.0
region box block 0 2 0 2 0 2
create_box 1 box
create_atoms 1 box
mass 1 1.0
pair_style zero 1.3
pair_coeff * *
compute bo all boop/atom nnn 12
compute q6 all reduce ave c_bo[2]
thermo_style custom step c_q6
run 0
print "FCC_Q6 $(c_q6:%.10f)"
"""


def styles():
    # public styles; internal helper styles are upper case and `info styles` hides them
    names = [s.split() for s in os.environ["AMORPH_STYLES"].split(",")
             if s.strip() and not s.split()[1].isupper()]
    assert names, "AMORPH_STYLES is empty"
    return names


def run_lmp(lmp, text, env):
    with tempfile.TemporaryDirectory() as d:
        inp = os.path.join(d, "in.check")
        with open(inp, "w") as f:
            f.write(text)
        r = subprocess.run([lmp, "-in", inp, "-log", "none", "-nocite"], cwd=d, env=env,
                           capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        sys.exit(f"lmp failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r.stdout


def registered(out):
    """{kind: set of style names} parsed from the output of `info styles compute/fix`."""
    found, kind = {}, None
    for line in out.splitlines():
        head = line.strip().lower()
        if head in ("compute styles:", "fix styles:"):
            kind = head.split()[0]
            found[kind] = set()
        elif kind and (line.startswith("Info-") or line.startswith("FCC_Q6")):
            kind = None
        elif kind:
            found[kind].update(line.split())
    return found


def check(lmp, preamble, env, what, run_style=True):
    body = preamble + "info styles compute\ninfo styles fix\n" + (RUN_STYLE if run_style else "")
    out = run_lmp(lmp, body, env)
    seen = registered(out)
    assert "compute" in seen and "fix" in seen and "ave/atom" in seen["fix"], out
    missing = [f"{k} {n}" for k, n in styles() if n not in seen[k]]
    if run_style:
        if missing:
            sys.exit(f"{what}: styles not available: {missing}\n--- output ---\n{out}")
        # and a style really runs: q6 of perfect fcc is 0.57452 (Steinhardt)
        q6 = [float(l.split()[1]) for l in out.splitlines() if l.startswith("FCC_Q6 ")]
        if len(q6) != 1 or abs(q6[0] - 0.57452) > 1e-5:
            sys.exit(f"{what}: compute boop/atom gave q6 = {q6} for fcc\n{out}")
        print(f"{what}: all {len(styles())} AMORPH styles available, boop/atom runs")
    else:
        # negative control: without the plugin no AMORPH style is there (the check can fail)
        assert len(missing) == len(styles()), f"{what}: styles present without plugin: {out}"
        print(f"{what}: no AMORPH style without the plugin (as expected)")


def main():
    env = dict(os.environ)
    env.pop("LAMMPS_PLUGIN_PATH", None)
    if len(sys.argv) == 3 and sys.argv[1] == "--builtin":
        # its own liblammps.so, not the plugin host's that the test environment points to
        env["LD_LIBRARY_PATH"] = os.path.dirname(os.path.abspath(sys.argv[2]))
        check(sys.argv[2], "", env, "built-in LAMMPS")
        return
    lmp, plugin = env["AMORPH_LMP"], env["AMORPH_PLUGIN"]
    check(lmp, "", env, "no plugin", run_style=False)
    check(lmp, f"plugin load {plugin}\nplugin list\n", env, "plugin load")
    env_auto = dict(env, LAMMPS_PLUGIN_PATH=os.path.dirname(plugin))
    if int(env.get("AMORPH_LAMMPS_VERSION", "99999999")) < 20220623:
        # LAMMPS 29 Sep 2021 does not read LAMMPS_PLUGIN_PATH: there `plugin load` is needed
        check(lmp, "", env_auto, "LAMMPS 29 Sep 2021 with LAMMPS_PLUGIN_PATH", run_style=False)
    else:
        check(lmp, "", env_auto, "LAMMPS_PLUGIN_PATH auto-load")


if __name__ == "__main__":
    main()
