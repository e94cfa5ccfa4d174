/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   compute boop/atom/kk: compute boop/atom in a KOKKOS run.  Its per-atom
   passes run in Kokkos kernels on the device, with the same code as the
   plain style (AMORPH::boop::atom_pass1 / atom_pass2, kernels/boop_kernel.h):
   the q_lm of every atom from its bonds, q_l, w_l, w_hat_l, and after the
   q_lm of the ghost atoms arrived (host communication) the averaged
   invariants and the bond order; the per-atom array is then copied to the
   host for output.  The neighbours (cutoff, nnn, SANN, Voronoi) are chosen
   on the host, as by the plain style, with the bond vectors copied to the
   device.  Built when AMORPH is compiled against a LAMMPS with the KOKKOS
   package (doc/src/Kokkos.rst).
------------------------------------------------------------------------- */

#ifdef COMPUTE_CLASS
// clang-format off
ComputeStyle(boop/atom/kk,ComputeBoopAtomKokkos<LMPDeviceType>);
ComputeStyle(boop/atom/kk/device,ComputeBoopAtomKokkos<LMPDeviceType>);
ComputeStyle(boop/atom/kk/host,ComputeBoopAtomKokkos<LMPHostType>);
// clang-format on
#else

#ifndef AMORPH_COMPUTE_BOOP_ATOM_KOKKOS_H
#define AMORPH_COMPUTE_BOOP_ATOM_KOKKOS_H

#include "compute_boop_atom.h"
#include "kokkos_type.h"

#include "boop_kernel.h"

namespace LAMMPS_NS {

template <class DeviceType> class ComputeBoopAtomKokkos : public ComputeBoopAtom {
 public:
  ComputeBoopAtomKokkos(class LAMMPS *, int, char **);
  void init() override;
  double memory_usage() override;

  using IntView = Kokkos::View<int *, DeviceType>;
  using DoubleView = Kokkos::View<double *, DeviceType>;
  using RowsView = Kokkos::View<double **, Kokkos::LayoutRight, DeviceType>;

 protected:
  void refresh_ghosts() override;
  void sync_host_atoms() override;
  void evaluate_pass1() override;
  void ghost_qlm() override;
  void evaluate_pass2() override;

 private:
  // device copies of the degree tables and the setup pointing to them
  DoubleView d_a, d_ab, d_diag, d_sub;
  IntView d_slot, d_off, d_degrees;
  Kokkos::View<AMORPH::boop::W3jTerm *, DeviceType> d_terms;
  Kokkos::View<AMORPH::boop::W3jView *, DeviceType> d_w3j;
  AMORPH::boop::BoopSetup d_setup;
  // bonds of the current evaluation, q_lm (local + ghost) and output rows
  IntView d_eval_atom, d_eval_out, d_bond_first, d_bond_j;
  RowsView d_bond_vec, d_qlm, d_boop;

  void download_output();
};

}    // namespace LAMMPS_NS

#endif
#endif
