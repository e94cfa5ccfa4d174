/* ----------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
------------------------------------------------------------------------- */

#include "fix_tml_kokkos.h"

#include "amorph_kokkos.h"

#include "atom_kokkos.h"
#include "atom_masks.h"
#include "comm.h"
#include "utils.h"

using namespace LAMMPS_NS;

template <class DeviceType>
FixTMLKokkos<DeviceType>::FixTMLKokkos(LAMMPS *lmp, int narg, char **arg) :
    // checked before fix tml parses its arguments (and opens its training file)
    FixTML((AMORPH_NS::require_kokkos(lmp, "fix tml/kk"), lmp), narg, arg)
{
  kokkosable = 1;
  atomKK = (AtomKokkos *) atom;
  // the fix works on the host copy, at its events only: LAMMPS copies nothing for it
  // before or after its calls (sync_atoms_for_events() does at events)
  execution_space = Host;
  datamask_read = EMPTY_MASK;
  datamask_modify = EMPTY_MASK;
}

template <class DeviceType> void FixTMLKokkos<DeviceType>::init()
{
  FixTML::init();
  if (comm->me == 0)
    utils::logmesg(lmp, "fix {} {}: atom data copied to the host at window events only\n", style,
                   id);
}

template <class DeviceType> void FixTMLKokkos<DeviceType>::sync_atoms_for_events()
{
  // a temperature compute or variable may read any per-atom data (velocities, masses, ...)
  // on the host, e.g. compute temp/com, which has no /kk variant
  atomKK->sync(Host, temp_is_constant() ? (X_MASK | IMAGE_MASK | MASK_MASK | TAG_MASK) : ALL_MASK);
}

namespace LAMMPS_NS {
template class FixTMLKokkos<LMPDeviceType>;
#ifdef LMP_KOKKOS_GPU
template class FixTMLKokkos<LMPHostType>;
#endif
}    // namespace LAMMPS_NS
