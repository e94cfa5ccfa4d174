# AMORPH - LAMMPS plugin package, GPL-2.0
"""The project version is set in one place, project(amorph VERSION ...) in CMakeLists.txt
(the plugin's AMORPH_VERSION, doc/conf.py); the Python package carries a copy in
amorph.__version__ (read by python/pyproject.toml), which must agree.  No LAMMPS needed."""
import ast
import os
import re

import amorph

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cmake_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        found = re.findall(r"^project\(amorph\s+VERSION\s+([0-9][0-9.]*)", f.read(), re.M)
    assert len(found) == 1, "CMakeLists.txt must have exactly one project(amorph VERSION ...)"
    return found[0]


def test_python_version_is_the_cmake_version():
    assert amorph.__version__ == cmake_version()


def test_python_version_in_source_tree_is_the_cmake_version():
    # the file itself (the imported package may be an installed copy)
    with open(os.path.join(ROOT, "python", "amorph", "__init__.py"), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    values = [n.value.value for n in tree.body if isinstance(n, ast.Assign)
              and any(getattr(t, "id", None) == "__version__" for t in n.targets)]
    assert values == [cmake_version()]


def test_pyproject_takes_the_version_from_the_package():
    with open(os.path.join(ROOT, "python", "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    assert re.search(r'^dynamic\s*=\s*\[\s*"version"\s*\]', text, re.M)
    assert re.search(r'^version\s*=\s*\{\s*attr\s*=\s*"amorph.__version__"\s*\}', text, re.M)
    assert not re.search(r'^version\s*=\s*"', text, re.M), "pyproject.toml hard-codes a version"
