# AMORPH documentation (Sphinx).  Build:  python3 -m sphinx -W -b html doc doc/_build/html
# Pages follow the LAMMPS documentation page format (Syntax, Examples, Description,
# Output info, Restrictions, Related commands, Default, references).
project = "AMORPH"
author = "AMORPH developers"
copyright = "2026, AMORPH developers (GPL-2.0)"
release = "0.1.0"
extensions = ["sphinx.ext.mathjax"]
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
