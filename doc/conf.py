# AMORPH documentation (Sphinx).  Build:  python3 -m sphinx -W -b html doc doc/_build/html
# Pages follow the LAMMPS documentation page format (Syntax, Examples, Description,
# Output info, Restrictions, Related commands, Default, references).
import os
import re
import sys

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the Python API reference (src/API.rst) documents the package of this checkout
sys.path.insert(0, os.path.join(_ROOT, "python"))

project = "AMORPH"
author = "AMORPH developers"
copyright = "2026, AMORPH developers (GPL-2.0)"


def _project_version():
    # the one place of the version: project(amorph VERSION x.y.z ...) in CMakeLists.txt
    with open(os.path.join(_ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"^project\(amorph\s+VERSION\s+([0-9][0-9.]*)", f.read(), re.M)
    if not m:
        raise RuntimeError("doc/conf.py: no 'project(amorph VERSION ...)' in CMakeLists.txt")
    return m.group(1)


release = _project_version()
version = release
extensions = ["sphinx.ext.mathjax", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
# the analysis modules have numpy-style docstrings (Parameters / Returns sections)
napoleon_google_docstring = False
napoleon_numpy_docstring = True
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
master_doc = "index"
exclude_patterns = ["_build", "src/reproduction/*.rst"]    # included by src/Reproduction.rst
html_theme = "classic"
html_title = "AMORPH documentation"
highlight_language = "none"
pygments_style = "sphinx"


def setup(app):
    # LAMMPS input examples: the LAMMPS docs use their own Pygments lexer; plain text here
    from pygments.lexers.special import TextLexer
    app.add_lexer("LAMMPS", TextLexer)
