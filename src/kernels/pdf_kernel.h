/* -*- c++ -*- ----------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
   https://www.gnu.org/licenses/old-licenses/gpl-2.0.html

   Anisotropic pair distribution function kernel (LAMMPS- and MPI-independent):
   the isotropic g0(r) and the P2-weighted g2(r) of

       g(r, chi) = g0(r) + sqrt(5) P2(cos chi) g2(r),

   chi the angle between the pair vector and an axis (H. Wang et al., Phys.
   Rev. Lett. 128, 155501 (2022), eq. 1).  Projection on P2 with
   int P2^2 dOmega/4pi = 1/5 gives  g2(r) = sqrt(5) <g(r,chi) P2(cos chi)>_chi,
   i.e. per bin: g2 = sqrt(5) (sum over pairs of P2) / (the normalisation of g0).

   Binning and normalisation are those of LAMMPS compute rdf (bin = (int)(r/delr),
   g = h / (vfrac * normfac * icount), vfrac = 4 pi/3 (r_hi^3 - r_lo^3) / V,
   coordination += g * vfrac * normfac), so that g0 equals compute rdf.

   Optional spline binning: each pair is shared between the four bins around r with
   cubic B-spline weights (a kernel density estimate), so that binned sums change
   smoothly with the pair distances: under a small strain the change of a binned g2 of
   one configuration has no shot noise from pairs crossing bin edges, and equals its
   first-order response up to terms of order eps^2 (default: histogram binning as
   compute rdf).

   Optional affine response: every pair is also binned after the uniaxial affine
   maps F(+-eps) = (1 -+ eps) along the axis and (1 +- nu eps) across it
   (compression by +eps with Poisson contraction nu), and
   dg2/deps = [g2(F(+eps)) - g2(F(-eps))] / (2 eps) is accumulated: the first-order
   change of the binned g2 of this configuration under compression, binned the same
   way (central difference: no error of second order in eps).
------------------------------------------------------------------------- */

#ifndef AMORPH_PDF_KERNEL_H
#define AMORPH_PDF_KERNEL_H

#include <cmath>
#include <vector>

namespace AMORPH {
namespace pdf {

  constexpr double SQRT5 = 2.2360679774997896964;

  inline double p2(double c)
  {
    return 1.5 * c * c - 0.5;
  }

  // (set, weight) entries a pair contributes to
  struct Target {
    int set;
    double w;
  };

  class AnisoHistogram {
   public:
    // nbin bins on [0, rc); nset independent histograms; affine: also the response to
    // the maps F(+-eps) with Poisson ratio nu (eps > 0)
    AnisoHistogram(int nbin, double rc, int nset, bool affine = false, double eps = 0.0,
                   double nu = 0.0, bool spline = false);

    int nbin() const { return nbin_; }
    int nset() const { return nset_; }
    bool affine() const { return affine_; }
    bool spline() const { return spline_; }
    double delr() const { return delr_; }
    // the pair distance up to which pairs must be offered to add(): rc, or beyond it the
    // pairs that the affine maps bring inside rc
    double reach() const { return reach_; }

    void clear();

    // one pair: vector d (any sign), rsq = |d|^2, axis 0/1/2, targets t[0..n)
    void add(const double *d, double rsq, int axis, const Target *t, int n)
    {
      const double r = std::sqrt(rsq);
      if (spline_) {
        if (r < rc_) {
          const double p = p2(d[axis] / r);
          int b;
          double f;
          split(r, b, f);
          deposit2(0, b, f, t, n, 1.0);
          deposit2(1, b, f, t, n, p);
        }
      } else {
        // as compute rdf
        const int ibin = static_cast<int>(r * delrinv_);
        if (ibin < nbin_) {
          const double p = p2(d[axis] / r);
          for (int k = 0; k < n; ++k) {
            double *h = &data_[(size_t) t[k].set * nbin_ + ibin];
            h[0] += t[k].w;
            h[stride_] += t[k].w * p;
          }
        }
      }
      if (affine_) {
        const double da2 = d[axis] * d[axis];
        const double dl2 = rsq - da2;
        for (int s = 0; s < 2; ++s) {
          const double fa = s == 0 ? 1.0 - eps_ : 1.0 + eps_;
          const double fl = s == 0 ? 1.0 + nu_ * eps_ : 1.0 - nu_ * eps_;
          const double a2 = da2 * fa * fa, l2 = dl2 * fl * fl;
          const double rs = std::sqrt(a2 + l2);
          const double ps = (s == 0 ? 1.0 : -1.0) * p2(std::sqrt(a2) / rs);
          if (spline_) {
            if (!(rs < rc_)) continue;
            int b;
            double f;
            split(rs, b, f);
            deposit2(2, b, f, t, n, ps);
          } else {
            const int b = static_cast<int>(rs * delrinv_);
            if (b >= nbin_) continue;
            for (int k = 0; k < n; ++k)
              data_[2 * stride_ + (size_t) t[k].set * nbin_ + b] += t[k].w * ps;
          }
        }
      }
    }

    // raw sums: counts h0, P2 sums h2, affine response sums (P2(+eps) - P2(-eps)) ht;
    // layout [quantity][set][bin], 2 or 3 quantities
    std::vector<double> &raw() { return data_; }
    const std::vector<double> &raw() const { return data_; }
    const double *h0(int set) const { return &data_[(size_t) set * nbin_]; }
    const double *h2(int set) const { return &data_[stride_ + (size_t) set * nbin_]; }
    const double *ht(int set) const
    {
      return affine_ ? &data_[2 * stride_ + (size_t) set * nbin_] : nullptr;
    }
    double eps() const { return eps_; }

   private:
    int nbin_, nset_;
    bool affine_, spline_;
    double rc_, delr_, delrinv_, eps_, nu_, reach_;
    size_t stride_;
    std::vector<double> data_;

    // spline binning: a pair at r is shared between the four bins around it with the
    // weights of the cubic B-spline centred on r (width 4 bins, sum 1, twice continuously
    // differentiable in r); shares of bins outside 0..nbin-1 are dropped
    void split(double r, int &b, double &t) const
    {
      const double u = r * delrinv_ - 0.5;
      b = static_cast<int>(std::floor(u));
      t = u - b;
    }
    void deposit2(int q, int b, double t, const Target *tg, int n, double v)
    {
      const double s = 1.0 - t;
      const double w[4] = {s * s * s / 6.0, (3.0 * t * t * t - 6.0 * t * t + 4.0) / 6.0,
                           (-3.0 * t * t * t + 3.0 * t * t + 3.0 * t + 1.0) / 6.0, t * t * t / 6.0};
      const int k0 = b - 1 < 0 ? 1 - b : 0;
      const int k1 = b + 2 >= nbin_ ? nbin_ - b : 4;
      double *base = &data_[q * stride_];
      for (int k = 0; k < n; ++k) {
        double *h = base + (size_t) tg[k].set * nbin_ + (b - 1);
        const double x = tg[k].w * v;
        for (int m = k0; m < k1; ++m) h[m] += w[m] * x;
      }
    }
  };

  // g0, its coordination, g2, its coordination (and dg2/deps if ht) of one set from
  // summed histograms, normalised as compute rdf: icount and normfac as there (for the
  // total: icount = sum of the weights W, normfac = W - sum(w^2)/W).  Outputs of length
  // nbin; dg2 may be null.  eps: the affine strain amplitude of ht.
  void normalise(int nbin, double delr, double volume, double icount, double normfac,
                 const double *h0, const double *h2, const double *ht, double eps, double *g0,
                 double *c0, double *g2, double *c2, double *dg2);

  // the affine prediction of eq. 2 of the paper,
  //   g2(r) = eps 2(1+nu)/(3 sqrt 5) r dg0/dr   (+ for compression),
  // with dg0/dr by central differences (one-sided at the ends); r and g0 of length n
  void affine_prediction(int n, const double *r, const double *g0, double eps, double nu,
                         double *g2);

}    // namespace pdf
}    // namespace AMORPH

#endif
