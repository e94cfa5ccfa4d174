/* ----------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
------------------------------------------------------------------------- */

#include "amorph_kokkos.h"

#include "fix_acoustic_kokkos.h"

#include "fix_acoustic_impl.h"

#include "atom_kokkos.h"
#include "atom_masks.h"
#include "comm.h"
#include "utils.h"

using namespace LAMMPS_NS;

namespace LAMMPS_NS {
template <> const char *FixAcousticT<FixNHKokkos<LMPDeviceType>>::temp_style()
{
  return "temp/kk";
}
template class FixAcousticT<FixNHKokkos<LMPDeviceType>>;
#ifdef LMP_KOKKOS_GPU
template <> const char *FixAcousticT<FixNHKokkos<LMPHostType>>::temp_style()
{
  return "temp/kk";
}
template class FixAcousticT<FixNHKokkos<LMPHostType>>;
#endif
}    // namespace LAMMPS_NS

template <class DeviceType>
FixAcousticKokkos<DeviceType>::FixAcousticKokkos(LAMMPS *lmp, int narg, char **arg) :
    // checked before fix acoustic parses its arguments (and opens its DMA file)
    FixAcousticT<FixNHKokkos<DeviceType>>((AMORPH_NS::require_kokkos(lmp, "fix acoustic/kk"), lmp),
                                          narg, arg)
{
  this->kokkosable = 1;
}

template <class DeviceType> void FixAcousticKokkos<DeviceType>::init()
{
  FixAcousticT<FixNHKokkos<DeviceType>>::init();
  if (this->comm->me == 0)
    utils::logmesg(this->lmp, "fix {} {}: integration on Kokkos {}\n", this->style, this->id,
                   DeviceType::execution_space::name());
}

template <class DeviceType>
void FixAcousticKokkos<DeviceType>::scale_positions(int a, double fix, double scale)
{
  auto *atomKK = (AtomKokkos *) this->atom;
  atomKK->sync(this->execution_space, X_MASK | MASK_MASK);
  const auto x = atomKK->k_x.template view<DeviceType>();
  const auto mask = atomKK->k_mask.template view<DeviceType>();
  const int all = this->allremap, bit = this->dilate_group_bit;
  Kokkos::parallel_for(
      Kokkos::RangePolicy<typename DeviceType::execution_space>(0, this->atom->nlocal),
      LAMMPS_LAMBDA(const int i) {
        if (all || (mask(i) & bit)) x(i, a) = fix + (x(i, a) - fix) * scale;
      });
  atomKK->modified(this->execution_space, X_MASK);
}

namespace LAMMPS_NS {
template class FixAcousticKokkos<LMPDeviceType>;
#ifdef LMP_KOKKOS_GPU
template class FixAcousticKokkos<LMPHostType>;
#endif
}    // namespace LAMMPS_NS
