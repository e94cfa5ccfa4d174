# AMORPH - LAMMPS plugin package, GPL-2.0
"""A fuzz of bad input for the six styles: malformed and adversarial commands (missing and
extra arguments, wrong types, zero, negative, huge, nan/inf numbers, unknown keywords, variables
of the wrong style, corrupt and truncated model and feature files, restart files of another
configuration).  Every case runs in its own `lmp` process with a timeout and must end in a
LAMMPS error whose message names the style and the offending keyword or value: never a crash,
a hang, a NaN in the output or an uncaught exception.  The cases are generated from a table of
each style's keywords and value types; the count of cases and outcomes is printed."""

import collections
import concurrent.futures
import os
import re
import struct
import subprocess
import tempfile

import pytest

from conftest import LAMMPS_2021

LMP = os.environ.get("AMORPH_LMP")
# LAMMPS 29 Sep 2021 aborts on an error of one rank (error->one) without flushing its screen
# output: a pipe would lose the message that a terminal shows, so stdout is unbuffered there
LMP_CMD = (["stdbuf", "-o0"] if LAMMPS_2021 else []) + [LMP or "lmp"]
PLUGIN = os.environ.get("AMORPH_PLUGIN")
TIMEOUT_S = 30

pytestmark = pytest.mark.skipif(not (LMP and PLUGIN), reason="needs AMORPH_LMP and AMORPH_PLUGIN (ctest)")

# ---- a small LJ fcc crystal in metal units, thermalised: every case starts from it ----
SYSTEM = """units metal
atom_style atomic
boundary p p p
lattice fcc 4.0
region box block 0 4 0 4 0 4
create_box 1 box
create_atoms 1 box
mass 1 60.0
pair_style lj/cut 6.0
pair_coeff * * 0.1 3.2
velocity all create 300 4321 loop geom
timestep 0.002
thermo_style custom step temp pe press
variable Teq equal 300
variable Tatom atom 300+id
compute tt all temp
"""

# value kinds -> bad values (each must be refused)
BAD = {
    "real": ["nan", "inf", "-inf", "1e999", "abc", "1..2", "v_Tatom"],
    "pos": ["0", "-1", "-1e-300", "nan", "inf", "1e999", "abc"],
    "nonneg": ["-1", "-1e-3", "nan", "inf", "abc"],
    "posint": ["0", "-1", "1.5", "abc", "nan", "99999999999999999999999"],
    "nonnegint": ["-1", "2.5", "xyz", "99999999999999999999999"],
    "bool": ["maybe", "2", "-1"],
}


def keyword_cases(prefix, fixed, keywords, post="run 0 post no"):
    """prefix: the command up to the style's arguments; fixed: required arguments (valid);
    keywords: (name, [(kind or list of allowed words, valid value)], extra valid args)."""
    out = []
    base = f"{prefix} {fixed}".strip()
    for kw, vals, tail in keywords:
        # keyword without (all) its values: at the end of the command and before another one
        out.append((f"{base} {kw}", [kw]))
        if len(vals) > 1:
            out.append((f"{base} {kw} {vals[0][1]}", [kw]))
        for k, (kind, good) in enumerate(vals):
            bads = BAD[kind] if isinstance(kind, str) else ["bogus", "-1"]
            for bad in bads:
                v = [g for _, g in vals]
                v[k] = bad
                tokens = [kw, bad.lstrip("-"), bad] if isinstance(kind, str) else [kw, bad]
                out.append((f"{base} {kw} {' '.join(v)} {tail}".strip(), tokens))
    out.append((f"{base} bogus_keyword 1", ["bogus_keyword"]))
    out.append((f"{base} 7", ["'7'"]))
    return [(c, t, post) for c, t in out]


def boop_cases():
    p = "compute b all boop/atom"
    kws = [
        ("degrees", [("posint", "2"), ("nonnegint", "4"), ("nonnegint", "6")], ""),
        ("cutoff", [("pos", "5.0")], ""),
        ("nnn", [("posint", "12")], ""),
        ("sann", [("bool", "yes")], ""),
        ("voronoi", [(["yes", "no", "area"], "yes")], ""),
        ("q", [("bool", "yes")], ""),
        ("w", [("bool", "yes")], ""),
        ("wh", [("bool", "yes")], ""),
        ("qbar", [("bool", "yes")], ""),
        ("wbar", [("bool", "yes")], ""),
        ("bonds", [("nonnegint", "6"), ("real", "0.7")], ""),
    ]
    c = keyword_cases(p, "", kws)
    c += [
        (f"{p} degrees 2 4 99", ["degree", "99"], "run 0 post no"),
        (f"{p} degrees 2 4 4", ["degree", "twice"], "run 0 post no"),
        (f"{p} degrees 3 4 6", ["degrees"], "run 0 post no"),
        (f"{p} bonds 6 1.5", ["bonds", "1.5"], "run 0 post no"),
        (f"{p} bonds 8 0.5", ["bonds", "8"], "run 0 post no"),
        (f"{p} nnn 12 sann yes", ["nnn", "sann"], "run 0 post no"),
    ]
    return [("boop/atom",) + x for x in c]


def nonaffine_cases():
    p = "compute na all nonaffine/atom"
    kws = [
        ("reset", [(["no", "every", "v_step"], "no")], ""),
        ("lost", [(["error", "warn"], "error")], ""),
        ("defgrad", [("bool", "yes")], ""),
        ("strain", [("bool", "yes")], ""),
    ]
    c = keyword_cases(p, "cutoff 6.0", kws)
    for bad in BAD["pos"]:
        c.append((f"{p} cutoff {bad}", ["cutoff", bad.lstrip("-")], "run 0 post no"))
    for bad in BAD["posint"]:
        c.append((f"{p} cutoff 6.0 reset every {bad}", ["reset", bad.lstrip("-")], "run 0 post no"))
    c += [
        (p, ["nonaffine/atom"], "run 0 post no"),
        (f"{p} radius 6.0", ["cutoff", "radius"], "run 0 post no"),
        (f"{p} cutoff 6.0 reset v_Tatom", ["Tatom"], "run 0 post no"),
        (f"{p} cutoff 6.0 reset v_nosuch", ["nosuch"], "run 0 post no"),
    ]
    return [("nonaffine/atom",) + x for x in c]


def pdf_cases():
    p = "compute pd all pdf/aniso"
    c = []
    base = ["50", "6.0", "axis", "z"]
    kinds = ["posint", "pos", None, None]
    names = ["Nbin", "rc", "axis", "axis"]
    for k, kind in enumerate(kinds):
        bads = BAD[kind] if kind else ["bogus", "w"]
        for bad in bads:
            v = list(base)
            v[k] = bad
            c.append((f"{p} {' '.join(v)}", [names[k], bad.lstrip("-")], "run 0 post no"))
    for n in range(len(base)):
        c.append((f"{p} {' '.join(base[:n])}", ["pdf/aniso"], "run 0 post no"))
    b = " ".join(base)
    c += [
        (f"{p} {b} 1", ["pair", "1"], "run 0 post no"),
        (f"{p} {b} 1 7", ["7", "range"], "run 0 post no"),
        (f"{p} {b} 0 1", ["0", "range"], "run 0 post no"),
        (f"{p} {b} x y", ["x", "type"], "run 0 post no"),
        (f"{p} {b} weights", ["weights"], "run 0 post no"),
        (f"{p} {b} weights -1", ["weights", "-1"], "run 0 post no"),
        (f"{p} {b} weights 0", ["weight"], "run 0 post no"),
        (f"{p} {b} weights nan", ["weights", "nan"], "run 0 post no"),
        (f"{p} {b} affine 0.01", ["affine"], "run 0 post no"),
        (f"{p} {b} affine 0.6 0.3", ["affine", "0.6"], "run 0 post no"),
        (f"{p} {b} affine 0.01 0.7", ["nu", "0.7"], "run 0 post no"),
        (f"{p} {b} affine inf 0.3", ["affine", "inf"], "run 0 post no"),
        (f"{p} {b} bins", ["bins"], "run 0 post no"),
        (f"{p} {b} bins soft", ["bins", "soft"], "run 0 post no"),
        (f"{p} {b} bogus_keyword 1", ["bogus_keyword"], "run 0 post no"),
        (f"{p} 50 30.0 axis z", ["comm_modify cutoff"], "thermo_style custom step c_pd[1][2]\nrun 0 post no"),
    ]
    return [("pdf/aniso",) + x for x in c]


def tml_cases(files):
    p = "fix ml all tml"
    kws = [
        ("lags", [("pos", "0.01")], "0.03"),
        ("every", [("posint", "10")], ""),
        ("start", [("nonnegint", "0")], ""),
        ("nwindows", [("nonnegint", "2")], ""),
        ("format", [(["text", "binary"], "text")], f"train {files['dir']}/t.txt"),
        ("label", [("real", "300")], f"train {files['dir']}/t.txt"),
        ("k", [("posint", "5")], f"model {files['model']}"),
        ("threshold", [("real", "500")], ""),
        ("floor", [("pos", "1e-10")], ""),
        ("features", [("bool", "yes")], ""),
        ("affine", [(["remove", "keep"], "remove")], ""),
        ("origins", [("posint", "2"), ("pos", "0.002")], ""),
        ("check", [("nonnegint", "10")], f"model {files['model']}"),
        ("threads", [("posint", "1")], ""),
    ]
    c = keyword_cases(p, "temp 300 lags 0.01 0.02 every 10", kws)
    for bad in BAD["pos"] + ["v_Tatom", "v_nosuch", "c_nosuch", "c_tt[1]"]:
        c.append((f"{p} temp {bad} lags 0.01", ["temp"], "run 0 post no"))
    c += [
        (f"{p} lags 0.01", ["temp"], "run 0 post no"),
        (f"{p} temp 300 lags 0.02 0.01", ["lags", "increasing"], "run 0 post no"),
        (f"{p} temp 300 lags 0.0015", ["lag", "0.0015"], "run 0 post no"),
        (f"{p} temp 300 lags", ["lags"], "run 0 post no"),
        (f"{p} temp 300 lags 0.01 0.02 origins 2 0.0015", ["origins", "0.0015"], "run 0 post no"),
        (f"{p} temp 300 lags 0.01 0.02 savemodel {files['dir']}/m.model", ["savemodel"], "run 0 post no"),
        (f"{p} temp 300 lags 0.01 0.02 classify {files['features']}", ["classify"], "run 0 post no"),
        (f"{p} temp 300 lags 0.01 0.02 train /nonexistent/dir/t.txt", ["/nonexistent/dir/t.txt"], "run 0 post no"),
        (f"{p} temp 300 model /nonexistent.model", ["/nonexistent.model"], "run 0 post no"),
        (f"{p} temp 300 model features", ["model features"], "run 0 post no"),
        (f"{p} temp 300 lags 0.5 1 model {files['model']}", ["lags"], "run 0 post no"),
        (f"{p} temp 300 model {files['model']} k 100000", ["k", "100000"], "run 0 post no"),
        (f"{p} temp 300 model {files['model']} floor 1e-3", ["floor"], "run 0 post no"),
    ]
    for name, token in files["corrupt"]:
        c.append((f"{p} temp 300 model {name}", [os.path.basename(name), token], "run 0 post no"))
        if token != "text":    # (text.model is a valid feature file)
            c.append((f"{p} temp 300 model features {name}", [os.path.basename(name)], "run 0 post no"))
    for name, token in files["corrupt_features"]:
        c.append((f"{p} temp 300 model features {name}", [os.path.basename(name), token], "run 0 post no"))
        if token != "no":      # (classifying a file without rows is valid: no output rows)
            c.append((f"{p} temp 300 model {files['model']} classify {name} {files['dir']}/o.txt",
                      [os.path.basename(name)], "run 0 post no"))
    # restart files written by another configuration of the fix
    for other in ["lags 0.01 0.04 every 10", "lags 0.01 0.02 every 20", "lags 0.01 0.02 every 10 affine keep",
                  "lags 0.01 0.02 every 10 origins 2 0.002", "lags 0.01 0.02 every 10 features no start 4"]:
        c.append((f"{p} temp 300 {other}", ["restart"], "run 0 post no", files["restart_tml"]))
    return [("tml",) + x for x in c]


def acoustic_cases(files):
    p = "fix ac all acoustic"
    need = "temp 300 300 0.2 pdamp 2.0"
    c = []
    waves = {
        "sine": [("real", "1000"), ("pos", "0.5"), ("real", "0"), ("real", "0")],
        "creep": [("pos", "1000"), ("real", "5000")],
        "trapezoid": [("real", "0"), ("real", "1000"), ("nonneg", "1"), ("nonneg", "1"),
                      ("nonneg", "1"), ("nonneg", "1"), ("nonnegint", "2")],
    }
    for w, vals in waves.items():
        for k, (kind, _) in enumerate(vals):
            for bad in BAD[kind]:
                v = [g for _, g in vals]
                v[k] = bad
                c.append((f"{p} z stress {w} {' '.join(v)} {need}", [w, bad.lstrip("-")], "run 0 post no"))
        c.append((f"{p} z stress {w} {' '.join(g for _, g in vals[:-1])}", [w], "run 0 post no"))
    c.append((f"{p} z stress trapezoid 0 1000 0 0 0 0 2 {need}", ["trapezoid"], "run 0 post no"))
    kws = [
        ("temp", [("pos", "300"), ("pos", "300"), ("pos", "0.2")], "pdamp 2.0"),
        ("pdamp", [("pos", "2.0")], "temp 300 300 0.2"),
        ("lateral", [("real", "0")], need),
        ("period", [("pos", "2.0")], need),
    ]
    c += [(a, b, d) for a, b, d in keyword_cases(f"{p} z stress v_sig", "", kws)]
    c += [
        (f"{p} w stress sine 1000 0.5 0 0 {need}", ["axis", "w"], "run 0 post no"),
        (f"{p} z force sine 1000 0.5 0 0 {need}", ["control", "force"], "run 0 post no"),
        (f"{p} z stress square 1000 0.5 {need}", ["waveform", "square"], "run 0 post no"),
        (f"{p} z stress v_ {need}", ["variable"], "run 0 post no"),
        (f"{p} z stress v_nosuch {need}", ["nosuch"], "run 0 post no"),
        (f"{p} z stress v_Tatom {need}", ["Tatom"], "run 0 post no"),
        (f"{p} z stress sine 1000 0.5 0 0 pdamp 2.0", ["temp"], "run 0 post no"),
        (f"{p} z stress sine 1000 0.5 0 0 temp 300 300 0.2", ["pdamp"], "run 0 post no"),
        (f"{p} z stress sine 1000 0.5 0 0 {need} period 2", ["period"], "run 0 post no"),
        (f"{p} z stress sine 1000 1e6 0 0 {need}", ["period", "shorter"], "run 0 post no"),
        (f"{p} z stress sine 1000 0.5 0 0 {need} file /nonexistent/dir/c.txt", ["/nonexistent/dir/c.txt"], "run 0 post no"),
        (f"{p} z stress sine 1000 0.5 0 0 {need}", ["orthogonal"], "run 0 post no", None, "change_box all triclinic"),
        (f"{p} z stress sine 1000 0.5 0 0 {need}", ["not periodic"], "run 0 post no", None, "change_box all boundary p p f"),
        (f"{p} z stress sine 1000 0.5 0 0 {need}", ["npt", "already changes"], "run 0 post no", None,
         "fix n all npt temp 300 300 0.2 z 0 0 2.0"),
    ]
    return [("acoustic",) + x for x in c]


EVENTS_BEFORE = "compute na all nonaffine/atom cutoff 3.0 reset every 10\ncompute pe all pe/atom"


def events_cases():
    p = "fix ev all events"
    fixed = "10 c_na[1] 0.5"
    need = "cutoff 3.0 disorder c_pe"
    c = []
    for k, (name, kind) in enumerate([("N", "posint"), ("threshold", "real")]):
        for bad in BAD[kind]:
            v = fixed.split()
            v[2 * k] = bad
            c.append((f"{p} {' '.join(v)} {need}", [name, bad.lstrip("-")], "run 0 post no"))
    for n in range(3):
        c.append((f"{p} {' '.join(fixed.split()[:n])}", ["events"], "run 0 post no"))
    refs = [("na", "na"), ("c_", "c_"), ("c_na[1][2]", "c_na[1][2]"), ("c_nope", "nope"),
            ("f_nope", "nope"), ("v_nope", "nope"), ("v_Teq", "atom-style"), ("c_na", "column"),
            ("c_pe[1]", "vector"), ("c_na[99]", "range"), ("c_na[0]", "c_na[0]"),
            ("f_nve", "per-atom")]
    for ref, token in refs:
        c.append((f"{p} 10 {ref} 0.5 {need}", ["mobility", token], "run 0 post no"))
        c.append((f"{p} {fixed} cutoff 3.0 disorder {ref}", ["disorder", token], "run 0 post no"))
    kws = [
        ("cutoff", [("pos", "3.0")], "disorder c_pe"),
        ("minsize", [("posint", "2")], need),
        ("append", [("bool", "yes")], need),
    ]
    c += keyword_cases(p, f"{fixed} {need}", kws)
    c += [
        (f"{p} {fixed} disorder c_pe", ["cutoff"], "run 0 post no"),
        (f"{p} {fixed} cutoff 3.0", ["disorder"], "run 0 post no"),
        (f"{p} {fixed} {need} disorder", ["disorder"], "run 0 post no"),
        (f"{p} {fixed} cutoff 30 disorder c_pe", ["exceeds", "30"], "run 0 post no"),
        (f"{p} {fixed} {need} file /nonexistent/dir/e.txt", ["/nonexistent/dir/e.txt"], "run 0 post no"),
    ]
    return [("events",) + x + (None, EVENTS_BEFORE) for x in c]


def make_files(d):
    """A valid model and feature file (written by a short LAMMPS run), corrupt copies, and a
    restart file with fix tml; returns their names and the tokens their errors must name."""
    feat = os.path.join(d, "f.txt")
    model = os.path.join(d, "m.model")
    rst = os.path.join(d, "tml.restart")
    script = SYSTEM + f"""plugin load {PLUGIN}
fix nve all nve
fix ml all tml temp 300 lags 0.01 0.02 every 5 train {feat} label 300
run 40 post no
unfix ml
fix ml all tml temp 300 lags 0.01 0.02 every 5 train {d}/f2.txt label 900
run 40 post no
unfix ml
fix ml all tml temp 300 lags 0.01 0.02 every 5 model features {feat} {d}/f2.txt savemodel {model} k 5
fix ml2 all tml temp 300 lags 0.01 0.02 every 10
run 15 post no
write_restart {rst}
"""
    r = subprocess.run(LMP_CMD + ["-log", "none", "-echo", "none", "-nocite"], input=script, text=True,
                       capture_output=True, timeout=120, cwd=d)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    data = open(model, "rb").read()
    corrupt = []

    def put(name, blob, token):
        path = os.path.join(d, name)
        open(path, "wb").write(blob)
        corrupt.append((path, token))

    put("trunc.model", data[: len(data) // 2], "trunc")
    put("header.model", data[:20], "header")
    put("empty.model", b"", "empty")
    flip = bytearray(data)
    flip[len(flip) // 2] ^= 0x40
    put("flip.model", bytes(flip), "checksum")
    bad_d = bytearray(data)
    bad_d[20:24] = struct.pack("<I", 0)
    put("dim0.model", bytes(bad_d), "dim0")
    huge_n = bytearray(data)
    huge_n[24:32] = struct.pack("<Q", 1 << 60)
    put("hugen.model", bytes(huge_n), "hugen")
    put("text.model", open(feat, "rb").read(), "text")
    put("garbage.model", os.urandom(4096), "garbage")
    put("magic.model", b"AMORPHTMLMODEL\0\0" + b"\xff" * 200, "magic")

    text = open(feat).read().splitlines()
    header = [line for line in text if line.startswith("#")]
    rows = [line for line in text if not line.startswith("#")]
    cf = []

    def putf(name, lines, token):
        path = os.path.join(d, name)
        open(path, "w").write("\n".join(lines) + "\n")
        cf.append((path, token))

    putf("nan.txt", header + rows[:5] + ["300 nan -3.0"] + rows[5:10], "nan")
    putf("cols.txt", header + rows[:5] + ["300 -3.0"], "column")
    putf("word.txt", header + rows[:5] + ["300 -3.0 abc"], "abc")
    putf("nohead.txt", rows[:10], "AMORPH-TML-FEATURES")
    putf("nolags.txt", [h for h in header if "lags" not in h] + rows[:10], "lags")
    putf("units.txt", [h.replace("metal", "lj") for h in header] + rows[:10], "units")
    putf("version.txt", ["# AMORPH-TML-FEATURES 99"] + header[1:] + rows[:10], "version")
    putf("inf.txt", header + ["300 inf -1.0"], "inf")
    putf("onerow.txt", header, "no")
    return {"dir": d, "features": feat, "model": model, "corrupt": corrupt,
            "corrupt_features": cf, "restart_tml": rst}


def run_case(workdir, style, command, tokens, post, restart=None, before=None):
    if restart:
        setup = f"plugin load {PLUGIN}\nread_restart {restart}\npair_style lj/cut 6.0\npair_coeff * * 0.1 3.2\n"
        setup += "variable Tatom atom 300+id\nfix nve all nve\n"
        # the restart holds fix ml2 (lags 0.01 0.02 every 10): the same ID with other settings
        command = command.replace("fix ml all", "fix ml2 all")
    else:
        setup = SYSTEM + f"plugin load {PLUGIN}\nvariable sig equal 1000\nfix nve all nve\n"
        if style == "acoustic":
            setup = setup.replace("fix nve all nve\n", "")
    if before:
        setup += before + "\n"
    script = setup + command + "\n" + (post + "\n" if post else "")
    try:
        r = subprocess.run(LMP_CMD + ["-log", "none", "-echo", "none", "-nocite"], input=script, text=True,
                           errors="replace", capture_output=True, timeout=TIMEOUT_S, cwd=workdir)
    except subprocess.TimeoutExpired:
        return "hang", command, ""
    out = r.stdout + r.stderr
    err = [line for line in out.splitlines() if "ERROR" in line]
    if r.returncode < 0 or r.returncode > 1 or "terminate called" in out or "Segmentation" in out:
        return "crash", command, out[-800:]
    if re.search(r"\bnan\b|\binf\b", "\n".join(l for l in out.splitlines() if l.strip()[:1].isdigit()), re.I):
        return "nan", command, out[-800:]
    if not err:
        return "accepted", command, out[-800:]
    msg = err[0]
    last = [line for line in out.splitlines() if line.startswith("Last command:")]
    text = msg + " " + (last[0] if last else "")
    names_style = style.lower() in msg.lower() or (style == "tml" and "fix tml" in text.lower())
    names_token = any(t.lower() in msg.lower() for t in tokens)
    printable = all(ch.isprintable() for ch in msg)    # no raw bytes of a binary file echoed
    if names_style and names_token and printable:
        return "error", command, msg
    return "unclear", command, msg + " | expected: " + style + " and one of " + repr(tokens)


def test_fuzz_bad_input(capsys):
    with tempfile.TemporaryDirectory() as d:
        files = make_files(d)
        cases = (boop_cases() + nonaffine_cases() + pdf_cases() + tml_cases(files)
                 + acoustic_cases(files) + events_cases())
        assert len(cases) >= 200, len(cases)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as ex:
            results = list(ex.map(lambda c: run_case(d, *c), cases))
    count = collections.Counter(r[0] for r in results)
    per_style = collections.Counter((c[0], r[0]) for c, r in zip(cases, results))
    bad = [r for r in results if r[0] != "error"]
    with capsys.disabled():    # the counts are part of the test output, passed or not
        print(f"\nfuzz: {len(cases)} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(count.items())))
        for s in ("boop/atom", "nonaffine/atom", "pdf/aniso", "tml", "acoustic", "events"):
            print(f"  {s}: " + ", ".join(f"{k} {v}" for (st, k), v in sorted(per_style.items()) if st == s))
        for kind, command, detail in bad:
            print(f"--- {kind}: {command}\n    {detail.strip()[:600]}")
    assert not bad, f"{len(bad)} of {len(cases)} cases did not end in a clear error: {dict(count)}"
