# AMORPH - LAMMPS plugin package, GPL-2.0
"""scripts/setup.sh takes the mirror for the LAMMPS source packages from the system's apt
sources (one-line and deb822 formats), and stops with a clear message when there is none.
`setup.sh sources FILE...` prints the deb-src lines it would use; no apt runs, no network.
The addresses below are of the reserved .invalid domain.  No LAMMPS needed."""
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SETUP = os.path.join(ROOT, "scripts", "setup.sh")


def sources(tmp_path, *files):
    env = dict(os.environ, AMORPH_CACHE=str(tmp_path / "cache"))
    r = subprocess.run(["bash", SETUP, "sources", *map(str, files)], env=env,
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout.splitlines(), r.stderr


@pytest.fixture
def key(tmp_path):
    k = tmp_path / "archive.gpg"
    k.write_bytes(b"")
    return k


def test_one_line_format(tmp_path, key):
    f = tmp_path / "sources.list"
    f.write_text(f"""# comment
deb http://a.example.invalid/debian-security bookworm-security main
deb-src http://thirdparty.example.invalid/apt nodistro main
#deb http://disabled.example.invalid/debian sid main
deb [arch=amd64 signed-by={key}] http://a.example.invalid/debian/ bookworm main contrib  # note
deb http://b.example.invalid/debian trixie main
""")
    rc, out, err = sources(tmp_path, f)
    assert rc == 0, err
    assert out == [f"deb-src [signed-by={key}] http://a.example.invalid/debian {s} main"
                   for s in ("sid", "trixie", "bookworm")]


def test_deb822_format(tmp_path, key):
    f = tmp_path / "debian.sources"
    f.write_text(f"""Types: deb
URIs: http://c.example.invalid/debian-security
Suites: bookworm-security
Components: main

types: deb deb-src
uris: http://disabled.example.invalid/debian
suites: sid
components: main
enabled: no

Types: deb
# a comment inside the stanza
URIs: http://c.example.invalid/debian
 http://d.example.invalid/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: {key}
""")
    rc, out, err = sources(tmp_path, f)
    assert rc == 0, err
    assert out == [f"deb-src [signed-by={key}] http://c.example.invalid/debian {s} main"
                   for s in ("sid", "trixie", "bookworm")]


def test_files_in_order_and_inline_key(tmp_path):
    a = tmp_path / "a.sources"
    a.write_text("""Types: deb
URIs: http://e.example.invalid/debian
Suites: forky-backports
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 -----END PGP PUBLIC KEY BLOCK-----
""")
    b = tmp_path / "b.list"
    b.write_text("deb http://f.example.invalid/debian sid main\n")
    rc, out, err = sources(tmp_path, a, b)
    assert rc == 0, err
    # an inline key cannot go into a one-line entry: Debian's keyring (if installed) instead
    assert len(out) == 3
    for line, suite in zip(out, ("sid", "trixie", "bookworm")):
        assert line.endswith(f" http://e.example.invalid/debian {suite} main")
        assert line in (f"deb-src http://e.example.invalid/debian {suite} main",
                        "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                        f"http://e.example.invalid/debian {suite} main")


def test_no_debian_mirror_is_a_clear_error(tmp_path):
    f = tmp_path / "other.list"
    f.write_text("deb http://g.example.invalid/debian-security bookworm-security main\n"
                 "deb https://h.example.invalid/apt nodistro main\n")
    empty = tmp_path / "empty.sources"
    empty.write_text("")
    rc, out, err = sources(tmp_path, f, empty)
    assert rc != 0 and out == []
    assert "no Debian mirror found" in err and "AMORPH_LAMMPS_TARBALL" in err
    assert "Types: deb" in err    # what to configure
