/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   Neighbour selection of one atom (LAMMPS-independent): the candidates
   within a cutoff (from a cells::CellList over local + ghost atoms) or the
   faces of its Voronoi cell (voro++), and the rules of compute boop/atom
   that choose among them and weight the bonds: all within the cutoff, the
   nnn nearest, SANN (van Meel et al., J. Chem. Phys. 136, 234107 (2012)),
   Voronoi faces with equal or face-area weights (Mickel et al., J. Chem.
   Phys. 138, 044501 (2013)).  Definitions: doc/src/Science.rst.

   The choice never depends on the order in which candidates arrive (and so
   not on MPI ranks or neighbour-list order): candidates are ordered by
   (distance, tag, dx, dy, dz), a total order.
------------------------------------------------------------------------- */

#ifndef AMORPH_NEIGHBOR_SELECT_H
#define AMORPH_NEIGHBOR_SELECT_H

#include "cell_list.h"

#include <cstdint>
#include <vector>

namespace AMORPH {
namespace neigh {

  // one candidate neighbour j of atom i: (dx,dy,dz) = x_j - x_i, rsq = |x_j - x_i|^2, the
  // atom ID of j, and the weight of the bond once selected (the weights of an atom sum to 1)
  struct Candidate {
    double rsq;
    double dx, dy, dz;
    int j;
    int64_t tag;
    double w;
  };

  // the total order of the selection: nearer first, then smaller tag, then smaller dx, dy, dz
  bool closer(const Candidate &a, const Candidate &b);

  enum class Rule { CUTOFF, NEAREST, SANN };

  /* ----------------------------------------------------------------------
   SANN neighbour count.
   r_sorted[0..n-1]: distances sorted ascending (r_1 <= r_2 <= ..., > 0).
   Returns the smallest m >= 3 with
       R_m = (sum_{j=1}^{m} r_j) / (m - 2) < r_{m+1},
   i.e. the first m neighbours are the SANN neighbours and R_m is the SANN
   shell radius (stored in *radius if radius != nullptr).
   Needs r_{m+1}, so m <= n-1.  If no such m exists in the list (in
   particular if n < 4) returns SANN_NOT_FOUND (= 0) and leaves *radius
   untouched: the caller must supply more candidates (enlarge its cutoff).
------------------------------------------------------------------------- */

  constexpr int SANN_NOT_FOUND = 0;
  int sann_count(const double *r_sorted, int n, double *radius = nullptr);

  /* ----------------------------------------------------------------------
   Selection among the candidates of one atom (cand is reordered): the
   chosen neighbours are cand[0 .. count-1], each with weight 1/count.
   CUTOFF: all candidates (in arrival order).  NEAREST: the nnn nearest in
   the total order; fewer than nnn candidates gives too_few.  SANN: the SANN
   neighbours of the sorted candidates; a shell not closed within them gives
   sann_open and all candidates.
------------------------------------------------------------------------- */

  struct Selection {
    int count = 0;
    bool too_few = false;      // NEAREST: fewer than nnn candidates (count = 0)
    bool sann_open = false;    // SANN: shell not closed, all candidates chosen
  };

  class Selector {
   public:
    Selection select(std::vector<Candidate> &cand, Rule rule, int nnn = 0);

   private:
    std::vector<double> dist_;    // scratch: sorted distances (SANN)
  };

  // the candidates of point i of a cell list: every other point within its cutoff, in the
  // cell list's order; tag[j] the atom ID of point j (cand is cleared first)
  template <class Tag>
  void cutoff_candidates(const cells::CellList &cells, int i, const Tag *tag,
                         std::vector<Candidate> &cand)
  {
    cand.clear();
    cells.for_each_neighbor(i, [&](int j, double dx, double dy, double dz, double rsq) {
      cand.push_back({rsq, dx, dy, dz, j, static_cast<int64_t>(tag[j]), 0.0});
    });
  }

  /* ----------------------------------------------------------------------
   Voronoi face neighbours of points 0..nlocal-1 among points 0..nall-1
   (x[i][0..2]; the points from nlocal on only bound the cells, e.g. ghost
   atoms), in a non-periodic voro++ container around all points.  The cell
   of point i has faces first[i] .. first[i+1]-1, each with the index j of
   the point across it and its area.  A cell that reaches the container
   walls (a face with no point across, j < 0, dropped from the list) is
   counted in nwall: the surrounding points were not enough to close it.
   Without voro++ (AMORPH_HAVE_VORO undefined) available() is false and
   compute() throws std::runtime_error.
------------------------------------------------------------------------- */

  class VoronoiCells {
   public:
    static bool available();
    void compute(const double *const *x, int nlocal, int nall);

    std::vector<int> first, j;
    std::vector<double> area;
    int64_t nwall = 0;

    int faces(int i) const { return first[i + 1] - first[i]; }
    // the faces of point i as candidates (dx.. from x; tag[j] the atom ID of point j), with
    // weights: face area / cell surface when area_weights, else 1/number of faces
    template <class Tag>
    void candidates(int i, const double *const *x, const Tag *tag, bool area_weights,
                    std::vector<Candidate> &cand) const
    {
      const int n = faces(i);
      double atot = 0.0;
      for (int k = first[i]; k < first[i + 1]; ++k) atot += area[k];
      cand.clear();
      for (int k = first[i]; k < first[i + 1]; ++k) {
        const int jj = j[k];
        const double dx = x[jj][0] - x[i][0];
        const double dy = x[jj][1] - x[i][1];
        const double dz = x[jj][2] - x[i][2];
        const double w = area_weights ? area[k] / atot : 1.0 / n;
        cand.push_back(
            {dx * dx + dy * dy + dz * dz, dx, dy, dz, jj, static_cast<int64_t>(tag[jj]), w});
      }
    }
    double memory_usage() const;
  };

}    // namespace neigh
}    // namespace AMORPH

#endif
