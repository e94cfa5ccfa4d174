#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
# The effect of fix tml's 'origins' option on the model quality: the quickstart's glass and
# training runs (686 atoms, 7 temperatures, lags 0.2 ... 20 ps) once with the paper's single
# time origin and once with 5 origins 2 ps apart, each followed by the same model building
# (10-fold cross-validation, --auto-classes); prints R^2 and the mean predicted T per class.
#   bash compare_origins.sh [OUT]          (about 10 minutes on 2 cores)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -z "${AMORPH_NP:-}" ] && command -v mpirun >/dev/null && [ "$(nproc)" -ge 2 ]; then export AMORPH_NP=2; fi
source "$HERE/../common.sh"
OUT="${1:-$HERE/out-origins}"
cd "$ROOT/examples/quickstart"
for v in single origins; do
  opts=" "; [ "$v" = origins ] && opts="origins 5 2.0"
  "${LMP[@]}" -in in.quickstart -log none -screen none -var out "$OUT/$v" -var tmlopts "$opts"
  mapfile -t F < <(ls "$OUT/$v"/features_*K.txt | sort -V)
  /usr/bin/python3 -m amorph.tml build "${F[@]}" -o "$OUT/$v/model.tmlmodel" --cv 10 --auto-classes \
      --threshold 685 --check 0 --json "$OUT/$v/model.json" 2>/dev/null > "$OUT/$v/log.model"
done
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
for v in ("single", "origins"):
    m = json.load(open(f"{sys.argv[1]}/{v}/model.json"))
    print(f"{v:8s} classes kept {m['classes']}: R^2 = {m['cv_r2']:.3f}, mean predicted "
          + ", ".join(f"{c:g} K -> {p:.0f} K" for c, p in zip(m["classes"], m["cv_mean_predicted"]))
          + f"; fraction of the lowest class above 685 K: {m['cv_fraction_above_threshold'][0]:.3f}")
PY
