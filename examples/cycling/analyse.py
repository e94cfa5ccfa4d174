# AMORPH - LAMMPS plugin package, GPL-2.0
"""Spread of the local response after thermal cycling (in.cycling): for each output folder
(as-cast, short holds, long holds) the mean potential energy per atom before the probe and,
after the 2 % shear probe, the distribution of log10 D2min and of the per-atom potential
energy (within each species, averaged over them): mean, sigma and FWHM = 2.355 sigma of a Gaussian fit (amorph.indentation.hardness_fwhm,
the measure of hardness maps), and the fraction of atoms with D2min above 1 A^2; with a model (in.cycling -var model), the
mean, FWHM and liquid-like fraction of T_ML before the probe.  Writes
summary.json into the first folder's parent and prints a table.

    /usr/bin/python3 analyse.py out/ac out/h2 out/h20"""
import argparse
import json
import re
from pathlib import Path

import numpy as np

from amorph import read_dump_frames
from amorph.indentation import hardness_fwhm


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("folders", type=Path, nargs="+")
    p.add_argument("--logs", type=Path, nargs="*", help="LAMMPS logs (for the energy line)")
    p.add_argument("--tg", type=float, default=685.0, help="liquid-like threshold of T_ML (K)")
    a = p.parse_args()
    rows = []
    print(f"{'run':8s} {'log10 D2min: mean':>18s} {'FWHM':>7s} {'D2>1':>6s} {'pe sd/type (eV)':>16s} "
          f"{'FWHM':>7s}")
    for k, f in enumerate(a.folders):
        _, _, cols, d = read_dump_frames(f / "probe.dump")[-1]
        d2 = np.maximum(d[:, cols.index("c_na[1]")], 1e-12)
        pe = d[:, cols.index("c_pe")]
        typ = d[:, cols.index("type")].astype(int)
        ld = hardness_fwhm(np.log10(d2))
        # the energy per atom differs by species: its spread within each type
        per_type = {int(t): hardness_fwhm(pe[typ == t]) for t in np.unique(typ)}
        pp = {"sigma": float(np.mean([v["sigma"] for v in per_type.values()])),
              "fwhm": float(np.mean([v["fwhm"] for v in per_type.values()])), "per_type": per_type}
        row = {"run": f.name, "log10_d2min": ld, "pe_atom": pp,
               "fraction_d2min_above_1": float(np.mean(d2 > 1.0))}
        if a.logs and k < len(a.logs):
            m = re.search(r"AMORPH cycling: .*pe (-?[\d.]+) eV/atom", a.logs[k].read_text())
            if m:
                row["pe_before_probe_eV_per_atom"] = float(m.group(1))
        if "f_ml" in cols:    # T_ML of the window before the probe
            tml = d[:, cols.index("f_ml")]
            row["tml"] = hardness_fwhm(tml)
            row["tml_liquid_like_fraction"] = float(np.mean(tml > a.tg))
        rows.append(row)
        print(f"{f.name:8s} {ld['mean']:18.3f} {ld['fwhm']:7.3f} {row['fraction_d2min_above_1']:6.3f} "
              f"{pp['sigma']:16.4f} {pp['fwhm']:7.4f}"
              + (f"   pe {row['pe_before_probe_eV_per_atom']:.5f} eV/atom"
                 if "pe_before_probe_eV_per_atom" in row else "")
              + (f"   T_ML mean {row['tml']['mean']:.0f} K, FWHM {row['tml']['fwhm']:.0f} K, "
                 f"liquid-like {row['tml_liquid_like_fraction']:.3f}" if "tml" in row else ""))
    (a.folders[0].parent / "summary.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
