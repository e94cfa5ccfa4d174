/* -------------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix acoustic (see doc/src/fix_acoustic.rst): FixAcousticT on FixNH; the
   definitions are in fix_acoustic_impl.h, shared with fix acoustic/kk
------------------------------------------------------------------------- */

#include "fix_acoustic_impl.h"

namespace LAMMPS_NS {
template <> const char *FixAcousticT<FixNH>::temp_style()
{
  return "temp";
}
template class FixAcousticT<FixNH>;
}    // namespace LAMMPS_NS
