# AMORPH - LAMMPS plugin package, GPL-2.0
"""ctest entry point of the `peers` tests: run test_peers.py with pytest in the Python that
has the peer codes (OVITO, freud, pyscal3; unittest/peers/requirements.txt).

    python run_peers.py [--required] [pytest arguments]

Without --required (a developer build configured without AMORPH_PEERS_PYTHON) a missing
peer makes the test SKIP (exit code 77, ctest's SKIP_RETURN_CODE) with the reason printed.
With --required (what scripts/setup.sh test configures) a missing peer is a failure."""
import importlib
import os
import sys

PEERS = ("ovito", "freud", "pyscal3", "pytest")


def main():
    args = sys.argv[1:]
    required = "--required" in args
    args = [a for a in args if a != "--required"]
    missing = []
    for name in PEERS:
        try:
            importlib.import_module(name)
        except Exception as e:                         # ImportError, or a broken binary
            missing.append(f"{name} ({type(e).__name__}: {e})")
    if missing:
        msg = (f"peer codes not importable by {sys.executable}: {'; '.join(missing)}. "
               "Install them with `bash scripts/setup.sh peers` (or `setup.sh test`, which "
               "configures the build with -DAMORPH_PEERS_PYTHON)")
        if required:
            print("FAIL: " + msg, flush=True)
            return 1
        print("SKIP: " + msg, flush=True)
        return 77
    import pytest
    here = os.path.dirname(os.path.abspath(__file__))
    return pytest.main(["-q", "-s", "-p", "no:cacheprovider",
                        os.path.join(here, "test_peers.py")] + args)


if __name__ == "__main__":
    sys.exit(main())
