/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   compute boop/atom: Steinhardt q_l, w_l, w-hat_l, Lechner-Dellago averaged
   q-bar_l, w-bar_l and Tanaka's bond crystallinity s(i,j) per atom.
   The numerics live in kernels/boop_kernel.h, the neighbour selection in
   kernels/neighbor_select.h; this class gathers the bonds, communicates
   q_lm of ghost atoms and fills the per-atom array.
------------------------------------------------------------------------- */

#ifdef COMPUTE_CLASS
// clang-format off
ComputeStyle(boop/atom,ComputeBoopAtom);
// clang-format on
#else

#ifndef AMORPH_COMPUTE_BOOP_ATOM_H
#define AMORPH_COMPUTE_BOOP_ATOM_H

#include "compute.h"
#include "neighbor_select.h"

#include <memory>
#include <vector>

namespace AMORPH {
namespace boop {
  class SphericalHarmonics;
  class Wigner3jTable;
  struct W3jView;
  struct BoopSetup;
}    // namespace boop
}    // namespace AMORPH

namespace LAMMPS_NS {

class ComputeBoopAtom : public Compute {
 public:
  ComputeBoopAtom(class LAMMPS *, int, char **);
  ~ComputeBoopAtom() override;
  void init() override;
  void compute_peratom() override;
  int pack_forward_comm(int, int *, double *, int, int *) override;
  void unpack_forward_comm(int, int, double *) override;
  double memory_usage() override;

  enum { NEIGH_CUTOFF, NEIGH_NNN, NEIGH_SANN, NEIGH_VORONOI };

 protected:
  std::vector<int> degrees;
  double cutoff;    // user cutoff (0: pair cutoff)
  double cutsq;
  int mode, nnn;
  int voro_area;    // voronoi: weight bonds by face area (Mickel et al. 2013)
  int qflag, wflag, whflag, qbarflag, wbarflag, bondflag;
  int bond_l, bond_slot;
  double bond_threshold;
  // column offsets (-1 if absent)
  int col_q, col_w, col_wh, col_qbar, col_wbar, col_bond, col_nb;

  std::unique_ptr<AMORPH::boop::SphericalHarmonics> ylm;
  std::vector<std::unique_ptr<AMORPH::boop::Wigner3jTable>> w3j;    // one per degree
  int nhalf;    // q_lm values (m >= 0) per atom; stored as re[nhalf], im[nhalf]

  std::vector<AMORPH::boop::W3jView> w3j_views;    // of w3j, for the per-atom kernels

  int nmax;
  double **boop;    // per-atom output array
  double **qlm;     // per-atom q_lm (local + ghost), 2*nhalf values
  // the atoms of pass 1 (the group, or all local atoms when the averaged outputs need the
  // q_lm of neighbours outside the group), whether each is in the group, and their chosen
  // neighbours (CSR): bonds of eval_atom[a] are bond_first[a] .. bond_first[a+1]-1, each a
  // local/ghost index and (dx, dy, dz, weight)
  std::vector<int> eval_atom, eval_out, bond_first, bond_j;
  std::vector<double> bond_vec;
  // neighbour selection (kernels/neighbor_select.h): the cutoff candidates from a cell list
  // over local + ghost atoms, or the Voronoi faces of all local atoms; the candidates of one
  // atom (scratch), with the weights of the chosen bonds in q_lm (1/N_b, or face-area fraction)
  AMORPH::cells::CellList cells;
  AMORPH::neigh::VoronoiCells voronoi;
  AMORPH::neigh::Selector selector;
  std::vector<AMORPH::neigh::Candidate> cand;
  bigint nsann_failed;

  bool need_neighbors_of_neighbors() const { return qbarflag || wbarflag || bondflag; }
  int select_neighbors(int i);
  void find_bonds();
  AMORPH::boop::BoopSetup setup() const;

  // what the Kokkos variant (src/KOKKOS) does otherwise: ghost positions as current as the
  // owned ones, host atom data for the neighbour search, pass 1 (q_lm and the per-atom
  // invariants), the q_lm of the ghost atoms, pass 2 (averages, bond order)
  virtual void refresh_ghosts();
  virtual void sync_host_atoms() {}
  virtual void evaluate_pass1();
  virtual void ghost_qlm();
  virtual void evaluate_pass2();
};

}    // namespace LAMMPS_NS

#endif
#endif
