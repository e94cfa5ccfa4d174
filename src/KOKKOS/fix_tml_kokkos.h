/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix tml/kk: fix tml in a KOKKOS run.  The recording reads atom positions
   only at the steps of its window events (starts, lags, completions); there
   this variant brings positions, images, masks and IDs from the device to
   the host and records there, so that the atom data stay on the device for
   the other steps (the plain fix, called every step by LAMMPS, would copy all
   atom data to the host and back every step; at reneighbouring LAMMPS still
   migrates atoms with its host exchange, because of the fix's per-atom arrays).  Classification (kNN) runs on
   the host at window ends, as in the plain fix.  Built when AMORPH is
   compiled against a LAMMPS with the KOKKOS package (doc/src/Kokkos.rst).
------------------------------------------------------------------------- */

#ifdef FIX_CLASS
// clang-format off
FixStyle(tml/kk,FixTMLKokkos<LMPDeviceType>);
FixStyle(tml/kk/device,FixTMLKokkos<LMPDeviceType>);
FixStyle(tml/kk/host,FixTMLKokkos<LMPHostType>);
// clang-format on
#else

#ifndef AMORPH_FIX_TML_KOKKOS_H
#define AMORPH_FIX_TML_KOKKOS_H

#include "fix_tml.h"
#include "kokkos_type.h"

namespace LAMMPS_NS {

template <class DeviceType> class FixTMLKokkos : public FixTML {
 public:
  FixTMLKokkos(class LAMMPS *, int, char **);
  void init() override;

 protected:
  void sync_atoms_for_events() override;
};

}    // namespace LAMMPS_NS

#endif
#endif
