# AMORPH - LAMMPS plugin package, GPL-2.0
"""fix events on a constructed configuration with known events: a perfect LJ fcc crystal
(no motion but what displace_atoms does) in which two spheres of atoms are displaced
non-affinely between runs, one of them centred on a corner of the periodic box (its atoms lie
in all eight corners), then displaced back.  Checked against an independent evaluation of the
definitions (numpy/scipy: active atoms = mobility above the threshold, connected components of the
periodic distance graph within the cutoff, sums of the mobility and of the potential energy
change per component):

- two damage events (the forward displacement raises the energy of the perfect crystal), then
  two recovery events (the displacement undone lowers it back), on 1 and 4 ranks alike;
- per event: id = smallest atom ID, size, magnitude, delta, sign and centroid (the corner
  event's centroid at the corner); per atom: the event id; global: counts per interval and
  cumulated; minsize; a restart between the intervals continues the counts;
- bad input gives clear errors."""
import os
import subprocess

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

import amorph.events as ev
from conftest import clean_mpi_env, read_dump, run_lmp

PLUGIN = os.environ.get("AMORPH_PLUGIN", "")
pytestmark = pytest.mark.skipif(not PLUGIN, reason="needs AMORPH_PLUGIN")

L = 21.6          # 6 fcc cells of 3.6
THRESH = 1e-4     # D2min threshold (A^2): atoms with a displaced reference neighbour
CUT = 3.2         # event connectivity cutoff (A); nonaffine cutoff 3.0 (first shell only)

PREP = """plugin load {plugin}
units metal
atom_style atomic
boundary p p p
lattice fcc 3.6
region box block 0 6 0 6 0 6
create_box 1 box
create_atoms 1 box
mass 1 63.5
write_data prep.data
"""

SETUP = """plugin load {plugin}
units metal
atom_style atomic
boundary p p p
{read}
pair_style lj/cut 5.0
pair_coeff 1 1 0.4 2.268
neighbor 1.0 bin
timestep 0.002
compute pe all pe/atom
compute na all nonaffine/atom cutoff 3.0 reset every 1
fix ev all events 1 c_na[1] {thresh} cutoff {cut} disorder c_pe file events.txt append yes {extra}
thermo_style custom step pe f_ev[1] f_ev[2] f_ev[3] f_ev[4] f_ev[5] f_ev[6] f_ev[7] f_ev[8]
thermo 1
# sphere 1: radius 3 around the box corner (minimum image), sphere 2 around the centre
variable c1 atom (x-lx*round(x/lx))^2+(y-ly*round(y/ly))^2+(z-lz*round(z/lz))^2<9.01
variable c2 atom (x-10.8)^2+(y-10.8)^2+(z-10.8)^2<9.01
group s1 variable c1
group s2 variable c2
group s union s1 s2
variable dx atom 0.22*sin(1.7*id)
variable dy atom 0.22*cos(2.3*id)
variable dz atom 0.22*sin(3.1*id+0.4)
variable mx atom -v_dx
variable my atom -v_dy
variable mz atom -v_dz
"""
DUMP = ("write_dump all custom {name} id x y z c_na[1] c_pe f_ev "
        "modify sort id format float %.17g")
FORWARD = "displace_atoms s move v_dx v_dy v_dz units box"
BACK = "displace_atoms s move v_mx v_my v_mz units box"

# step 1 undisturbed, step 2 after the forward displacement, step 3 after it was undone
FIRST = "\n".join(["run 1", DUMP.format(name="d1.dump"), FORWARD, "run 1",
                   DUMP.format(name="d2.dump")])
SECOND = "\n".join([BACK, "run 1", DUMP.format(name="d3.dump")])


def prep(tmp_path):
    run_lmp(PREP.format(plugin=PLUGIN), tmp_path)
    return f"read_data {tmp_path / 'prep.data'}"


def thermo_rows(log):
    rows, on = [], False
    for line in log.splitlines():
        if line.split()[:2] == ["Step", "PotEng"]:
            on = True
            continue
        if on:
            try:
                rows.append([float(v) for v in line.split()])
            except ValueError:
                on = False
    return {int(r[0]): r[2:] for r in rows}


def reference_events(before, after, h=(L, L, L, 0.0, 0.0, 0.0), mask=None):
    """The events between two dumps, from the definitions: active atoms (mobility above the
    threshold, in mask if given), connected components of the distance graph within the
    cutoff with the minimum image of the box h = (xprd, yprd, zprd, yz, xz, xy) taken in
    fractional coordinates (brute force), their sums and centroids (members in the minimum
    image of the smallest ID)."""
    cols, d0 = before
    _, d1 = after
    tag = d1[:, cols.index("id")].astype(int)
    x = d1[:, [cols.index(c) for c in "xyz"]]
    mob = d1[:, cols.index("c_na[1]")]
    dpe = d1[:, cols.index("c_pe")] - d0[:, cols.index("c_pe")]
    H = np.array([[h[0], h[5], h[4]], [0, h[1], h[3]], [0, 0, h[2]]])
    Hi = np.linalg.inv(H)

    def mi(d):
        s = d @ Hi.T
        s -= np.round(s)
        return s @ H.T
    act = np.flatnonzero((mob > THRESH) & (True if mask is None else mask))
    adj = np.linalg.norm(mi(x[act][:, None, :] - x[act][None, :, :]), axis=2) < CUT
    n, lab = connected_components(coo_matrix(adj), directed=False)
    out = {}
    for c in range(n):
        m = act[lab == c]
        first = m[np.argmin(tag[m])]
        cen = x[first] + mi(x[m] - x[first]).mean(axis=0)
        cen -= (np.floor(cen @ Hi.T) @ H.T)          # wrapped into the box (lower corner 0)
        out[int(tag[first])] = dict(size=len(m), magnitude=mob[m].sum(), delta=dpe[m].sum(),
                                    centroid=cen, members=set(tag[m]))
    return out


def check_against_reference(tab, step, ref, dump_after):
    rows = tab[tab["step"] == step]
    assert len(rows) == len(ref), (step, rows, ref.keys())
    cols, d = dump_after
    evid = dict(zip(d[:, cols.index("id")].astype(int), d[:, cols.index("f_ev")].astype(int)))
    for r in rows:
        e = ref[int(r["event"])]
        assert r["size"] == e["size"]
        np.testing.assert_allclose(r["magnitude"], e["magnitude"], rtol=1e-8)
        np.testing.assert_allclose(r["delta"], e["delta"], rtol=1e-6, atol=1e-9)
        assert r["sign"] == np.sign(e["delta"])
        dc = np.asarray([r["xc"], r["yc"], r["zc"]]) - e["centroid"]
        dc -= L * np.round(dc / L)
        assert np.abs(dc).max() < 1e-6
        assert {t for t, v in evid.items() if v == r["event"]} == e["members"]
    assert sum(1 for v in evid.values() if v) == sum(e["size"] for e in ref.values())


@pytest.mark.parametrize("nprocs", [1, 4])
def test_constructed_events_equal_definitions(tmp_path, nprocs):
    read = prep(tmp_path)
    run = tmp_path / f"np{nprocs}"
    run.mkdir()
    log = run_lmp(SETUP.format(plugin=PLUGIN, read=read, thresh=THRESH, cut=CUT, extra="")
                  + FIRST + "\n" + SECOND, run, nprocs=nprocs)
    tab = ev.read_events(run / "events.txt")
    dumps = [read_dump(run / f"d{k}.dump") for k in (1, 2, 3)]
    assert not np.any(tab["step"] == 1)                 # nothing moved in the first step
    ref2 = reference_events(dumps[0], dumps[1])
    ref3 = reference_events(dumps[1], dumps[2])
    assert len(ref2) == 2 and len(ref3) == 2             # the two inserted events
    check_against_reference(tab, 2, ref2, dumps[1])
    check_against_reference(tab, 3, ref3, dumps[2])
    assert set(tab["sign"][tab["step"] == 2]) == {1}     # damage
    assert set(tab["sign"][tab["step"] == 3]) == {-1}    # recovery
    # the corner event: its atoms lie in all eight corners, its centroid is the corner
    corner = tab[(tab["step"] == 2) & (tab["event"] == 1)]
    assert len(corner) == 1
    c = np.array([corner["xc"][0], corner["yc"][0], corner["zc"][0]])
    assert np.abs(c - L * np.round(c / L)).max() < 0.05
    # global outputs: this interval's events, damage, recovery; cumulated; atoms; largest
    th = thermo_rows(log)
    sizes2 = [e["size"] for e in ref2.values()]
    sizes3 = [e["size"] for e in ref3.values()]
    assert th[1] == [0, 0, 0, 0, 0, 0, 0, 0]
    assert th[2] == [2, 2, 0, 2, 2, 0, sum(sizes2), max(sizes2)]
    assert th[3] == [2, 0, 2, 4, 2, 2, sum(sizes3), max(sizes3)]


def test_same_events_on_1_and_4_ranks_and_across_a_restart(tmp_path):
    read = prep(tmp_path)
    tabs = []
    for name, nprocs in (("one", 1), ("four", 4)):
        run = tmp_path / name
        run.mkdir()
        run_lmp(SETUP.format(plugin=PLUGIN, read=read, thresh=THRESH, cut=CUT, extra="")
                + FIRST + "\n" + SECOND, run, nprocs=nprocs)
        tabs.append(ev.read_events(run / "events.txt"))
    # restart after step 2 on 4 ranks, continued on 2 ranks: same events, counts continued
    split = tmp_path / "split"
    split.mkdir()
    run_lmp(SETUP.format(plugin=PLUGIN, read=read, thresh=THRESH, cut=CUT, extra="")
            + FIRST + "\nwrite_restart mid.restart", split, nprocs=4)
    log = run_lmp(SETUP.format(plugin=PLUGIN, read=f"read_restart {split / 'mid.restart'}",
                               thresh=THRESH, cut=CUT, extra="")
                  # displace_atoms needs a run after read_restart (per-atom data pending)
                  + "run 0\n" + SECOND, split, nprocs=2)
    tabs.append(ev.read_events(split / "events.txt"))
    for t in tabs[1:]:
        assert len(t) == len(tabs[0]) == 4
        for name in ("step", "event", "size", "sign"):
            np.testing.assert_array_equal(t[name], tabs[0][name])
        for name in ("magnitude", "delta", "xc", "yc", "zc"):
            np.testing.assert_allclose(t[name], tabs[0][name], rtol=1e-8, atol=1e-9)
    th = thermo_rows(log)
    assert th[3][3:6] == [4, 2, 2]


def test_minsize_drops_small_events(tmp_path):
    read = prep(tmp_path)
    log = run_lmp(SETUP.format(plugin=PLUGIN, read=read, thresh=THRESH, cut=CUT,
                               extra="minsize 100000") + FIRST, tmp_path)
    tab = ev.read_events(tmp_path / "events.txt")
    assert len(tab) == 0
    assert thermo_rows(log)[2] == [0, 0, 0, 0, 0, 0, 0, 0]
    cols, d = read_dump(tmp_path / "d2.dump")
    assert not np.any(d[:, cols.index("f_ev")])


BAD = """plugin load {plugin}
units metal
atom_style atomic
lattice fcc 3.6
region box block 0 3 0 3 0 3
create_box 1 box
create_atoms 1 box
mass 1 63.5
pair_style lj/cut 5.0
pair_coeff 1 1 0.4 2.268
compute pe all pe/atom
compute na all nonaffine/atom cutoff 3.0 reset every 10
variable e equal 1.0
{cmd}
run 0
"""


@pytest.mark.parametrize("cmd, message", [
    ("fix ev all events 10 c_na[1] 0.1 disorder c_pe", "'cutoff rc' is required"),
    ("fix ev all events 10 c_na[1] 0.1 cutoff 3", "'disorder' is required"),
    ("fix ev all events 0 c_na[1] 0.1 cutoff 3 disorder c_pe", "N must be > 0"),
    ("fix ev all events 10 na 0.1 cutoff 3 disorder c_pe", "mobility must be c_ID"),
    ("fix ev all events 10 c_na[1] abc cutoff 3 disorder c_pe", "threshold expects a number"),
    ("fix ev all events 10 c_na[1] 0.1 cutoff -1 disorder c_pe", "cutoff must be > 0"),
    ("fix ev all events 10 c_na[1] 0.1 cutoff 3 disorder c_pe minsize 0", "minsize must be >= 1"),
    ("fix ev all events 10 c_na[1] 0.1 cutoff 3 disorder c_pe bogus 1", "unknown keyword 'bogus'"),
    ("fix ev all events 10 c_na 0.1 cutoff 3 disorder c_pe", "name a column"),
    ("fix ev all events 10 c_na[99] 0.1 cutoff 3 disorder c_pe", "out of range"),
    ("fix ev all events 10 c_nope[1] 0.1 cutoff 3 disorder c_pe", "compute 'nope' does not exist"),
    ("fix ev all events 10 c_na[1] 0.1 cutoff 3 disorder v_e", "not an atom-style variable"),
    ("fix ev all events 10 c_na[1] 0.1 cutoff 30 disorder c_pe", "exceeds the ghost atom cutoff"),
])
def test_bad_input_gives_clear_errors(tmp_path, cmd, message):
    inp = tmp_path / "in.bad"
    inp.write_text(BAD.format(plugin=PLUGIN, cmd=cmd))
    r = subprocess.run([os.environ["AMORPH_LMP"], "-in", str(inp), "-log", "none", "-nocite"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env=clean_mpi_env())
    out = r.stdout + r.stderr
    assert r.returncode != 0 and "Fix events" in out and message in out, out[-2000:]


def test_mismatched_reference_reset_warns(tmp_path):
    inp = tmp_path / "in.warn"
    inp.write_text(BAD.format(plugin=PLUGIN,
                              cmd="fix ev all events 5 c_na[1] 0.1 cutoff 3 disorder c_pe"))
    r = subprocess.run([os.environ["AMORPH_LMP"], "-in", str(inp), "-log", "none", "-nocite"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env=clean_mpi_env())
    assert r.returncode == 0, r.stdout[-2000:]
    assert "does not reset its reference every 5 steps" in r.stdout + r.stderr


@pytest.mark.parametrize("nprocs", [1, 3])
def test_triclinic_box_and_group(tmp_path, nprocs):
    """A sheared (triclinic) crystal, the fix on a group that cuts through the corner event:
    the events are those of the group's active atoms only, connected across the tilted
    periodic boundaries."""
    read = prep(tmp_path) + "\nchange_box all triclinic\nchange_box all xy final 3.0 yz final -2.0 remap units box"
    setup = SETUP.format(plugin=PLUGIN, read=read, thresh=THRESH, cut=CUT, extra="")
    setup = setup.replace("fix ev all events",
                          "region hr block 5 INF INF INF INF INF units box\n"
                          "group half region hr\nvariable ing atom gmask(half)\n"
                          "fix ev half events")
    run = tmp_path / f"tri{nprocs}"
    run.mkdir()
    steps = (FIRST + "\n" + SECOND).replace("c_pe f_ev ", "c_pe f_ev v_ing ")
    run_lmp(setup + steps, run, nprocs=nprocs)
    tab = ev.read_events(run / "events.txt")
    dumps = [read_dump(run / f"d{k}.dump") for k in (1, 2, 3)]
    h = [L, L, L, -2.0, 0.0, 3.0]
    for step, (b, a) in ((2, (dumps[0], dumps[1])), (3, (dumps[1], dumps[2]))):
        cols, d = a
        in_half = d[:, cols.index("v_ing")] > 0          # the group, as LAMMPS holds it
        assert 0 < in_half.sum() < len(in_half)
        ref = reference_events(b, a, h, in_half)
        rows = tab[tab["step"] == step]
        assert len(rows) == len(ref) >= 2, (step, rows, ref.keys())
        for r in rows:
            e = ref[int(r["event"])]
            assert r["size"] == e["size"]
            np.testing.assert_allclose(r["magnitude"], e["magnitude"], rtol=1e-8)
            np.testing.assert_allclose(r["delta"], e["delta"], rtol=1e-6, atol=1e-9)
        evid = d[:, cols.index("f_ev")]
        assert not np.any(evid[~in_half])          # atoms outside the group are in no event
