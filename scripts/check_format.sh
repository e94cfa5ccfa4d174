#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# The C++ sources follow .clang-format:  bash scripts/check_format.sh        (check, exit 1 if not)
#                                        bash scripts/check_format.sh --fix  (reformat in place)
# Uses Debian's clang-format (package clang-format); CLANG_FORMAT chooses another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
CF="${CLANG_FORMAT:-clang-format}"
command -v "$CF" >/dev/null || { echo "SKIP: $CF not found (Debian package clang-format)"; exit 77; }
mapfile -t FILES < <(git ls-files 'src/*.cpp' 'src/*.h' 'unittest/*.cpp' 'unittest/*.h' 2>/dev/null ||
                     find src unittest -name '*.cpp' -o -name '*.h')
if [ "${1:-}" = "--fix" ]; then "$CF" -i --style=file "${FILES[@]}"; exit 0; fi
bad=0
for f in "${FILES[@]}"; do
  if ! "$CF" --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then echo "not formatted: $f"; bad=1; fi
done
[ $bad = 0 ] && echo "clang-format: ${#FILES[@]} files formatted"
exit $bad
