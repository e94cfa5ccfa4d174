/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   compute pdf/aniso: isotropic g0(r) and anisotropic (P2-weighted) g2(r) pair
   distribution functions with respect to an axis, per type pair and total, as a
   global array laid out like compute rdf's.  Numerics in kernels/pdf_kernel.h;
   this class enumerates the pairs (own cell list over local + ghost atoms, each
   pair once over all ranks) and reduces the histograms.
------------------------------------------------------------------------- */

#ifdef COMPUTE_CLASS
// clang-format off
ComputeStyle(pdf/aniso,ComputePdfAniso);
// clang-format on
#else

#ifndef AMORPH_COMPUTE_PDF_ANISO_H
#define AMORPH_COMPUTE_PDF_ANISO_H

#include "cell_list.h"
#include "compute.h"

#include <memory>
#include <vector>

namespace AMORPH {
namespace pdf {
  class AnisoHistogram;
  struct Target;
}    // namespace pdf
}    // namespace AMORPH

namespace LAMMPS_NS {

class ComputePdfAniso : public Compute {
 public:
  ComputePdfAniso(class LAMMPS *, int, char **);
  ~ComputePdfAniso() override;
  void init() override;
  void compute_array() override;
  double memory_usage() override;

 private:
  int nbin, axis, npairs, nset, ncol_set;
  double rc;
  int affine, spline;
  double aff_eps, aff_nu;
  bool initialised;
  std::vector<int> ilo, ihi, jlo, jhi, rev;
  std::vector<double> weight;    // per type (index 1..ntypes), for the total
  // per (itype, jtype): the sets an (unordered) pair of these types adds to
  std::vector<std::vector<AMORPH::pdf::Target>> targets;
  std::unique_ptr<AMORPH::pdf::AnisoHistogram> hist;
  std::vector<double> histall;
  AMORPH::cells::CellList cells;
  std::vector<double> g0, c0, g2, c2, dg2;

  void build_targets();
};

}    // namespace LAMMPS_NS

#endif
#endif
