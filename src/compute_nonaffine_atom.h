/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   compute nonaffine/atom: Falk-Langer D2min, local deformation gradient,
   Green-Lagrange strain invariants and rotation angle per atom with respect
   to a stored reference configuration, with REFERENCE-configuration
   neighbours (OVITO "atomic strain" conventions, doc/src/Science.rst, section 2).
   The numerics live in kernels/nonaffine_kernel.h; this class keeps the
   reference (positions in an internal fix STORE/ATOM, reference box and
   reset schedule in an internal helper fix), finds reference neighbours
   among local and ghost atoms and fills the per-atom array.
------------------------------------------------------------------------- */

#ifdef COMPUTE_CLASS
// clang-format off
ComputeStyle(nonaffine/atom,ComputeNonaffineAtom);
// clang-format on
#else

#ifndef AMORPH_COMPUTE_NONAFFINE_ATOM_H
#define AMORPH_COMPUTE_NONAFFINE_ATOM_H

#include "compute.h"

#include "cell_list.h"

#include <string>
#include <vector>

namespace LAMMPS_NS {

class FixNonaffineAtomRef;

class ComputeNonaffineAtom : public Compute {
 public:
  ComputeNonaffineAtom(class LAMMPS *, int, char **);
  ~ComputeNonaffineAtom() override;
  void init() override;
  void compute_peratom() override;
  int pack_forward_comm(int, int *, double *, int, int *) override;
  void unpack_forward_comm(int, int, double *) override;
  void set_arrays(int) override;
  // compute_modify reference now; not `override`: Compute::modify_param() does not exist in
  // LAMMPS 29 Sep 2021 (there compute_modify knows only its own keywords)
  int modify_param(int, char **);
  double memory_usage() override;

  // called by the internal helper fix (FixNonaffineAtomRef)
  void run_setup();
  void end_of_step_hook();

  // the period of "reset every N", 0 for the other reset modes (fix events checks it)
  bigint reset_period() const { return reset_mode == RESET_EVERY ? reset_every : 0; }

  enum { RESET_NONE, RESET_EVERY, RESET_VARIABLE };
  enum { LOST_ERROR, LOST_WARN };

 protected:
  double cutoff, cutsq;
  int reset_mode;
  bigint reset_every;
  std::string reset_var;
  int ivar;
  int lost_mode;
  int defgrad_flag, strain_flag;
  int col_F, col_strain;    // column offsets (-1 if absent)

  std::string id_store, id_ref;
  class Fix
      *store;    // fix STORE/ATOM; per atom: unwrapped reference x, y, z; reference neighbour count
  FixNonaffineAtomRef *ref;    // reference box, flip tracking, reset schedule, restart
  bigint frozen_step;          // values of this step were taken before a reset

  int nmax;
  double **out;    // per-atom output
  double **xr;     // reference position in the current periodic image (local + ghost)

  // cell list of the reference positions of local + ghost atoms (kernels/cell_list.h)
  AMORPH::cells::CellList cells;

  // the reference bonds of the group's local atoms: bonds of atom bond_atom[a] are
  // bond_first[a] .. bond_first[a+1]-1, each a local/ghost index and the reference bond
  // vector in the current periodic image.  Valid while the local and ghost atoms keep their
  // indices (no reneighbouring, same run), the reference and its box are unchanged.
  // bond_need[a]: the reference neighbour count of atom bond_atom[a] (fewer bonds: lost)
  std::vector<int> bond_atom, bond_need, bond_first, bond_j;
  std::vector<double> bond_d0;
  bool bonds_valid;
  bigint bonds_lastcall, bonds_nreset;
  int bonds_nlocal, bonds_nghost;
  double bonds_h0[6];

  void find_fixes();
  void capture_reference();
  void track_box();
  void sync_frame();
  void reference_positions();
  bool bonds_current();
  void rebuild_bonds();
  void build_bonds();
  void resolve_pending_counts();

  // what the Kokkos variant (src/KOKKOS) does otherwise: the output rows from the bonds
  // (returns the number of atoms that lost neighbours), ghost positions as current as the
  // owned ones, host atom data before host work (capture_reference(), rebuild_bonds()), the
  // bond list just rebuilt
  virtual bigint evaluate_bonds();
  virtual void refresh_ghosts();
  virtual void sync_host_atoms() {}
  virtual void bonds_built() {}
};

}    // namespace LAMMPS_NS

#endif
#endif
