/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   Cell list for fixed-radius neighbour queries among a set of points
   (LAMMPS-independent).  The styles use it over local + ghost atoms with
   their own cutoff, instead of an occasional LAMMPS neighbour list: LAMMPS
   ignores a requested cutoff smaller than the pair cutoff plus skin and
   builds the full-range list, which for EAM is several times larger.

   Bins have a third of the cutoff (fewer candidates than cutoff-sized bins);
   points are copied in bin order so that a query walks contiguous memory.
   Only the bins that can hold points within the cutoff are visited
   (stencil of rows in y,z with their reach in x).
------------------------------------------------------------------------- */

#ifndef AMORPH_CELL_LIST_H
#define AMORPH_CELL_LIST_H

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace AMORPH {
namespace cells {

  class CellList {
   public:
    // x[i][0..2], i < n.  cutoff > 0.
    void build(const double *const *x, int n, double cutoff)
    {
      n_ = n;
      cutsq_ = cutoff * cutoff;
      double lo[3] = {0.0, 0.0, 0.0}, hi[3] = {0.0, 0.0, 0.0};
      if (n > 0) {
        for (int d = 0; d < 3; ++d) lo[d] = hi[d] = x[0][d];
        for (int i = 1; i < n; ++i)
          for (int d = 0; d < 3; ++d) {
            lo[d] = std::min(lo[d], x[i][d]);
            hi[d] = std::max(hi[d], x[i][d]);
          }
      }
      // bins of a third of the cutoff, coarser if the extent is unusually large
      double bsize = cutoff / 3.0;
      const double maxbins = 16.0 * n + 1000.0;
      for (int iter = 0; iter < 200; ++iter) {
        double nb = 1.0;
        for (int d = 0; d < 3; ++d) nb *= std::floor((hi[d] - lo[d]) / bsize) + 1.0;
        if (nb <= maxbins) break;
        bsize *= 1.25;
      }
      inv_ = 1.0 / bsize;
      const int reach = (int) std::ceil(cutoff / bsize - 1e-12);
      stencil_.clear();
      auto gap = [](int o) {
        return std::max(std::abs(o) - 1, 0);
      };
      for (int dz = -reach; dz <= reach; ++dz)
        for (int dy = -reach; dy <= reach; ++dy) {
          const double base = (double) gap(dy) * gap(dy) + (double) gap(dz) * gap(dz);
          int rx = -1;
          for (int dx = 0; dx <= reach; ++dx)
            if (bsize * bsize * (base + (double) gap(dx) * gap(dx)) < cutsq_) rx = dx;
          if (rx >= 0) stencil_.push_back({dy, dz, rx});
        }
      for (int d = 0; d < 3; ++d) {
        lo_[d] = lo[d];
        nbin_[d] = (int) std::floor((hi[d] - lo[d]) * inv_) + 1;
      }
      const int ntot = nbin_[0] * nbin_[1] * nbin_[2];
      start_.assign(ntot + 1, 0);
      bin_.resize(n);
      for (int i = 0; i < n; ++i) {
        const int b = bin_of(x[i]);
        bin_[i] = b;
        start_[b + 1]++;
      }
      for (int b = 0; b < ntot; ++b) start_[b + 1] += start_[b];
      order_.resize(n);
      slot_.resize(n);
      pos_.resize(3 * (size_t) n);
      fill_.assign(start_.begin(), start_.end() - 1);
      for (int i = 0; i < n; ++i) {
        const int k = fill_[bin_[i]]++;
        order_[k] = i;
        slot_[i] = k;
        for (int d = 0; d < 3; ++d) pos_[3 * (size_t) k + d] = x[i][d];
      }
    }

    int size() const { return n_; }
    // the points in bin order (iterate queries in this order for locality)
    const std::vector<int> &order() const { return order_; }

    // f(j, dx, dy, dz, rsq) for every point j != i with |x_j - x_i|^2 < cutoff^2,
    // (dx,dy,dz) = x_j - x_i; i must be one of the points given to build()
    template <class F> void for_each_neighbor(int i, F &&f) const
    {
      const int b = bin_[i];
      const int cx = b % nbin_[0];
      const int cy = (b / nbin_[0]) % nbin_[1];
      const int cz = b / (nbin_[0] * nbin_[1]);
      const double *pi = &pos_[3 * (size_t) slot_[i]];
      const double xi = pi[0], yi = pi[1], zi = pi[2];
      for (const auto &st : stencil_) {
        const int by = cy + st[0], bz = cz + st[1];
        if (by < 0 || by >= nbin_[1] || bz < 0 || bz >= nbin_[2]) continue;
        const int row = (bz * nbin_[1] + by) * nbin_[0];
        const int k0 = start_[row + std::max(0, cx - st[2])];
        const int k1 = start_[row + std::min(nbin_[0] - 1, cx + st[2]) + 1];
        for (int k = k0; k < k1; ++k) {
          const double dx = pos_[3 * (size_t) k] - xi;
          const double dy = pos_[3 * (size_t) k + 1] - yi;
          const double dz = pos_[3 * (size_t) k + 2] - zi;
          const double rsq = dx * dx + dy * dy + dz * dz;
          if (rsq < cutsq_ && order_[k] != i) f(order_[k], dx, dy, dz, rsq);
        }
      }
    }

    double memory_usage() const
    {
      return (double) (start_.capacity() + bin_.capacity() + order_.capacity() + slot_.capacity() +
                       fill_.capacity()) *
          sizeof(int) +
          (double) pos_.capacity() * sizeof(double);
    }

   private:
    int n_ = 0;
    double cutsq_ = 0.0, inv_ = 1.0, lo_[3] = {0.0, 0.0, 0.0};
    int nbin_[3] = {1, 1, 1};
    std::vector<std::array<int, 3>> stencil_;    // (dy, dz, reach in x)
    std::vector<int> start_, bin_, order_, slot_, fill_;
    std::vector<double> pos_;

    int bin_of(const double *p) const
    {
      int c[3];
      for (int d = 0; d < 3; ++d)
        c[d] = std::min(nbin_[d] - 1, std::max(0, (int) ((p[d] - lo_[d]) * inv_)));
      return (c[2] * nbin_[1] + c[1]) * nbin_[0] + c[0];
    }
  };

}    // namespace cells
}    // namespace AMORPH

#endif
