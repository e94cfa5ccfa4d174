/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix NONAFFINE/ATOM/REF: internal helper of compute nonaffine/atom (created and
   deleted by it, like LAMMPS's STORE/ATOM): global reference state for restart files,
   box-flip tracking and the reference reset schedule.  Not meant for input scripts.
------------------------------------------------------------------------- */

#ifdef FIX_CLASS
// clang-format off
FixStyle(NONAFFINE/ATOM/REF,FixNonaffineAtomRef);
// clang-format on
#else

#ifndef AMORPH_FIX_NONAFFINE_REF_H
#define AMORPH_FIX_NONAFFINE_REF_H

#include "fix.h"

#include <string>

namespace LAMMPS_NS {

class FixNonaffineAtomRef : public Fix {
 public:
  FixNonaffineAtomRef(class LAMMPS *, int, char **);
  int setmask() override;
  void setup(int) override;
  void min_setup(int) override;
  void end_of_step() override;
  void write_restart(FILE *) override;
  void restart(char *) override;
  class ComputeNonaffineAtom *owner();

  static constexpr int NSTATE = 14;
  std::string cid;    // the owning compute
  double h0[6];       // reference box (LAMMPS h order xprd yprd zprd yz xz xy), current basis
  double hlast[6];    // box at the last check (flip detection)
  bigint ref_step = -1;
  bigint nreset = 0;
  int restored = 0;
};

}    // namespace LAMMPS_NS

#endif
#endif
