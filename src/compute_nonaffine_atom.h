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

#include <array>
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
  int modify_param(int, char **) override;
  double memory_usage() override;

  // called by the internal helper fix (FixNonaffineAtomRef)
  void run_setup();
  void end_of_step_hook();

  enum { RESET_NONE, RESET_EVERY, RESET_VARIABLE };
  enum { LOST_ERROR, LOST_WARN };

 private:
  double cutoff, cutsq;
  int reset_mode;
  bigint reset_every;
  std::string reset_var;
  int ivar;
  int lost_mode;
  int defgrad_flag, strain_flag;
  int col_F, col_strain;    // column offsets (-1 if absent)

  std::string id_store, id_ref;
  class FixStoreAtom *store;    // per atom: unwrapped reference x, y, z; reference neighbour count
  FixNonaffineAtomRef *ref;     // reference box, flip tracking, reset schedule, restart
  bigint frozen_step;           // values of this step were taken before a reset

  int nmax;
  double **out;    // per-atom output
  double **xr;     // reference position in the current periodic image (local + ghost)

  // cell list of the reference positions of local + ghost atoms
  double binlo[3], binsize_inv;
  int nbin[3], sreach;
  std::vector<int> binstart, sorted, atombin;
  std::vector<std::array<int, 3>> stencil;    // dy, dz, reach in x
  std::vector<double> sxr, sx;    // reference / current coordinates in bin order

  void find_fixes();
  void capture_reference();
  void track_box();
  void prepare_frame();
  void build_bins(int nall);
  void resolve_pending_counts();
  double ghost_cutoff() const;
};

}    // namespace LAMMPS_NS

#endif
#endif
