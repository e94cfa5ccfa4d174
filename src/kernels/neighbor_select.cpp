/* ----------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   Neighbour selection: see neighbor_select.h.
------------------------------------------------------------------------- */

#include "neighbor_select.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#ifdef AMORPH_HAVE_VORO
#include <voro++.hh>
#endif

namespace AMORPH {
namespace neigh {

  bool closer(const Candidate &a, const Candidate &b)
  {
    if (a.rsq != b.rsq) return a.rsq < b.rsq;
    if (a.tag != b.tag) return a.tag < b.tag;
    if (a.dx != b.dx) return a.dx < b.dx;
    if (a.dy != b.dy) return a.dy < b.dy;
    return a.dz < b.dz;
  }

  int sann_count(const double *r_sorted, int n, double *radius)
  {
    if (n < 4) return SANN_NOT_FOUND;
    double sum = r_sorted[0] + r_sorted[1];
    for (int m = 3; m <= n - 1; ++m) {
      sum += r_sorted[m - 1];                                // sum_{j=1}^{m} r_j
      const double rm = sum / static_cast<double>(m - 2);    // R_m
      if (rm < r_sorted[m]) {                                // r_{m+1} (0-based index m)
        if (radius) *radius = rm;
        return m;
      }
    }
    return SANN_NOT_FOUND;
  }

  Selection Selector::select(std::vector<Candidate> &cand, Rule rule, int nnn)
  {
    Selection s;
    const int n = static_cast<int>(cand.size());
    s.count = n;
    if (rule == Rule::NEAREST) {
      if (n < nnn) {
        s.count = 0;
        s.too_few = true;
        return s;
      }
      std::partial_sort(cand.begin(), cand.begin() + nnn, cand.end(), closer);
      s.count = nnn;
    } else if (rule == Rule::SANN) {
      std::sort(cand.begin(), cand.end(), closer);
      dist_.resize(n);
      for (int k = 0; k < n; ++k) dist_[k] = std::sqrt(cand[k].rsq);
      s.count = sann_count(dist_.data(), n);
      if (s.count == SANN_NOT_FOUND) {
        s.sann_open = true;
        s.count = n;
      }
    }
    for (int k = 0; k < s.count; ++k) cand[k].w = 1.0 / s.count;
    return s;
  }

  bool VoronoiCells::available()
  {
#ifdef AMORPH_HAVE_VORO
    return true;
#else
    return false;
#endif
  }

  void VoronoiCells::compute(const double *const *x, int nlocal, int nall)
  {
    first.assign(1, 0);
    j.clear();
    area.clear();
    nwall = 0;
#ifdef AMORPH_HAVE_VORO
    first.assign(nlocal + 1, 0);
    if (nlocal <= 0) return;
    double lo[3], hi[3];
    for (int d = 0; d < 3; ++d) lo[d] = hi[d] = x[0][d];
    for (int i = 1; i < nall; ++i)
      for (int d = 0; d < 3; ++d) {
        lo[d] = std::min(lo[d], x[i][d]);
        hi[d] = std::max(hi[d], x[i][d]);
      }
    // about 5 points per voro++ block
    double vol = 1.0;
    for (int d = 0; d < 3; ++d) {
      const double pad = 1e-6 * (hi[d] - lo[d]) + 1e-10;
      lo[d] -= pad;
      hi[d] += pad;
      vol *= hi[d] - lo[d];
    }
    const double block = std::cbrt(5.0 * vol / nall);
    int nb[3];
    for (int d = 0; d < 3; ++d) nb[d] = std::max(1, static_cast<int>((hi[d] - lo[d]) / block));
    voro::container con(lo[0], hi[0], lo[1], hi[1], lo[2], hi[2], nb[0], nb[1], nb[2], false, false,
                        false, 8);
    for (int i = 0; i < nall; ++i) con.put(i, x[i][0], x[i][1], x[i][2]);

    // voro++ visits the points in its block order: collect per point, then lay out as CSR
    std::vector<std::vector<int>> cellnb(nlocal);
    std::vector<std::vector<double>> cellarea(nlocal);
    voro::c_loop_all cl(con);
    voro::voronoicell_neighbor c;
    std::vector<int> nbr;
    std::vector<double> fa;
    if (cl.start()) do {
        const int i = cl.pid();
        if (i >= nlocal) continue;
        if (!con.compute_cell(c, cl)) continue;
        c.neighbors(nbr);
        c.face_areas(fa);
        bool wall = false;
        for (size_t k = 0; k < nbr.size(); ++k) {
          if (nbr[k] < 0) {
            wall = true;
            continue;
          }
          cellnb[i].push_back(nbr[k]);
          cellarea[i].push_back(fa[k]);
        }
        if (wall) ++nwall;
      } while (cl.inc());
    for (int i = 0; i < nlocal; ++i) {
      j.insert(j.end(), cellnb[i].begin(), cellnb[i].end());
      area.insert(area.end(), cellarea[i].begin(), cellarea[i].end());
      first[i + 1] = static_cast<int>(j.size());
    }
#else
    (void) x;
    (void) nall;
    if (nlocal > 0) throw std::runtime_error("Voronoi cells need voro++ (AMORPH built without it)");
#endif
  }

  double VoronoiCells::memory_usage() const
  {
    return static_cast<double>(first.capacity() + j.capacity()) * sizeof(int) +
        static_cast<double>(area.capacity()) * sizeof(double);
  }

}    // namespace neigh
}    // namespace AMORPH
