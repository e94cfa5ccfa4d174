#!/usr/bin/python3
# AMORPH - LAMMPS plugin package, GPL-2.0
"""Check that the `lmp` executable sees every AMORPH style:

  1. with `plugin load <file>` in the input,
  2. auto-loaded through LAMMPS_PLUGIN_PATH (no plugin command at all),
  3. (--builtin LMP) in a LAMMPS binary with AMORPH compiled in.

A failed `plugin load` only logs a message, so presence is checked with LAMMPS's
is_available() variable function, which must print 1 for each style.
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
    names = [s.split() for s in os.environ["AMORPH_STYLES"].split(";") if s.strip()]
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


def check(lmp, preamble, env, what):
    body = preamble
    for kind, name in styles():
        body += f'print "AVAILABLE {kind} {name} $(is_available({kind},{name}))"\n'
    body += RUN_STYLE
    out = run_lmp(lmp, body, env)
    seen = {tuple(l.split()[1:3]): l.split()[3] for l in out.splitlines() if l.startswith("AVAILABLE ")}
    bad = [f"{k} {n}" for k, n in styles() if seen.get((k, n)) != "1"]
    if bad:
        sys.exit(f"{what}: styles not available: {bad}\n--- output ---\n{out}")
    # and a style really runs: q6 of perfect fcc is 0.57452 (Steinhardt)
    q6 = [float(l.split()[1]) for l in out.splitlines() if l.startswith("FCC_Q6 ")]
    if len(q6) != 1 or abs(q6[0] - 0.57452) > 1e-5:
        sys.exit(f"{what}: compute boop/atom gave q6 = {q6} for fcc\n{out}")
    print(f"{what}: all {len(styles())} AMORPH styles available")


def main():
    env = dict(os.environ)
    env.pop("LAMMPS_PLUGIN_PATH", None)
    if len(sys.argv) == 3 and sys.argv[1] == "--builtin":
        check(sys.argv[2], "", env, "built-in LAMMPS")
        return
    lmp, plugin = env["AMORPH_LMP"], env["AMORPH_PLUGIN"]
    # negative control: without the plugin nothing is available (the check can fail)
    out = run_lmp(lmp, "".join(f'print "AVAILABLE {k} {n} $(is_available({k},{n}))"\n'
                               for k, n in styles()), env)
    assert "AVAILABLE" in out, out
    assert all(l.split()[3] == "0" for l in out.splitlines() if l.startswith("AVAILABLE ")), out
    check(lmp, f"plugin load {plugin}\nplugin list\n", env, "plugin load")
    env_auto = dict(env, LAMMPS_PLUGIN_PATH=os.path.dirname(plugin))
    check(lmp, "", env_auto, "LAMMPS_PLUGIN_PATH auto-load")


if __name__ == "__main__":
    main()
