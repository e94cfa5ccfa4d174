/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix acoustic/kk: fix acoustic on LAMMPS's FixNHKokkos, as fix npt/kk is
   fix npt on it: the Nose-Hoover chain and MTK barostat integration runs in
   FixNHKokkos's device kernels with a temp/kk compute, and the strain-
   controlled remap of the loading axis scales the positions on the device.
   The loading (waveforms, stress targets, strain) and the DMA are the code of
   fix acoustic (fix_acoustic_impl.h), on scalars on the host: same outputs,
   files and restart record.  Built when AMORPH is compiled against a LAMMPS
   with the KOKKOS package (doc/src/Kokkos.rst).
------------------------------------------------------------------------- */

#ifdef FIX_CLASS
// clang-format off
FixStyle(acoustic/kk,FixAcousticKokkos<LMPDeviceType>);
FixStyle(acoustic/kk/device,FixAcousticKokkos<LMPDeviceType>);
FixStyle(acoustic/kk/host,FixAcousticKokkos<LMPHostType>);
// clang-format on
#else

#ifndef AMORPH_FIX_ACOUSTIC_KOKKOS_H
#define AMORPH_FIX_ACOUSTIC_KOKKOS_H

#include "fix_acoustic.h"
#include "fix_nh_kokkos.h"

namespace LAMMPS_NS {

template <class DeviceType> class FixAcousticKokkos : public FixAcousticT<FixNHKokkos<DeviceType>> {
 public:
  FixAcousticKokkos(class LAMMPS *, int, char **);
  void init() override;

 protected:
  void scale_positions(int a, double fix, double scale) override;
};

}    // namespace LAMMPS_NS

#endif
#endif
