/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   compute nonaffine/atom/kk: compute nonaffine/atom in a KOKKOS run.  The
   per-atom evaluation (bond sums, deformation gradient, D2min, strain,
   rotation) runs in a Kokkos kernel on the device, with the same code as the
   plain style (AMORPH::nonaffine::evaluate_bonds, kernels/nonaffine_kernel.h),
   on the current positions there; the per-atom array is then copied to the
   host for output.  The reference bonds are found on the host, where the
   plain style finds them (at reneighbouring, reference resets and the first
   evaluation of a run), and copied to the device.  Built when AMORPH is
   compiled against a LAMMPS with the KOKKOS package (doc/src/Kokkos.rst).
------------------------------------------------------------------------- */

#ifdef COMPUTE_CLASS
// clang-format off
ComputeStyle(nonaffine/atom/kk,ComputeNonaffineAtomKokkos<LMPDeviceType>);
ComputeStyle(nonaffine/atom/kk/device,ComputeNonaffineAtomKokkos<LMPDeviceType>);
ComputeStyle(nonaffine/atom/kk/host,ComputeNonaffineAtomKokkos<LMPHostType>);
// clang-format on
#else

#ifndef AMORPH_COMPUTE_NONAFFINE_ATOM_KOKKOS_H
#define AMORPH_COMPUTE_NONAFFINE_ATOM_KOKKOS_H

#include "compute_nonaffine_atom.h"
#include "kokkos_type.h"

namespace LAMMPS_NS {

template <class DeviceType> class ComputeNonaffineAtomKokkos : public ComputeNonaffineAtom {
 public:
  ComputeNonaffineAtomKokkos(class LAMMPS *, int, char **);
  void init() override;
  double memory_usage() override;

  // device copies of the bond list and the output rows
  using IntView = Kokkos::View<int *, DeviceType>;
  using RowsView = Kokkos::View<double **, Kokkos::LayoutRight, DeviceType>;

 protected:
  bigint evaluate_bonds() override;
  void refresh_ghosts() override;
  void sync_host_atoms() override;
  void bonds_built() override;

 private:
  IntView d_bond_atom, d_bond_need, d_bond_first, d_bond_j;
  RowsView d_bond_d0, d_out;
};

}    // namespace LAMMPS_NS

#endif
#endif
