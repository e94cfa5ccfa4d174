/* ----------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
   Anisotropic pair distribution function kernel (see pdf_kernel.h)
------------------------------------------------------------------------- */

#include "pdf_kernel.h"

#include <algorithm>
#include <stdexcept>

namespace AMORPH {
namespace pdf {

  AnisoHistogram::AnisoHistogram(int nbin, double rc, int nset, bool affine, double eps, double nu,
                                 bool spline) :
      nbin_(nbin),
      nset_(nset), affine_(affine), spline_(spline), rc_(rc), eps_(eps), nu_(nu)
  {
    if (nbin < 1) throw std::invalid_argument("number of bins must be > 0");
    if (!(rc > 0.0)) throw std::invalid_argument("cutoff must be > 0");
    if (nset < 1) throw std::invalid_argument("number of sets must be > 0");
    if (affine && !(eps > 0.0 && eps < 0.5))
      throw std::invalid_argument("affine strain must be in (0, 0.5)");
    if (affine && !(nu > -1.0 && nu <= 0.5))
      throw std::invalid_argument("Poisson ratio must be in (-1, 0.5]");
    // as compute rdf
    delr_ = rc / nbin;
    delrinv_ = 1.0 / delr_;
    reach_ = rc;
    // a pair at distance s maps to at least s * min(1 - eps, 1 - |nu| eps)
    if (affine) reach_ = rc / std::min(1.0 - eps, 1.0 - std::fabs(nu) * eps) * (1.0 + 1e-12);
    stride_ = (size_t) nset * nbin;
    data_.assign((affine ? 3 : 2) * stride_, 0.0);
  }

  void AnisoHistogram::clear()
  {
    std::fill(data_.begin(), data_.end(), 0.0);
  }

  void normalise(int nbin, double delr, double volume, double icount, double normfac,
                 const double *h0, const double *h2, const double *ht, double eps, double *g0,
                 double *c0, double *g2, double *c2, double *dg2)
  {
    // the expressions and their order are those of compute rdf (3d)
    const double constant = 4.0 * M_PI / (3.0 * volume);
    double n0 = 0.0, n2 = 0.0;
    for (int ibin = 0; ibin < nbin; ibin++) {
      const double rlower = ibin * delr;
      const double rupper = (ibin + 1) * delr;
      const double vfrac = constant * (rupper * rupper * rupper - rlower * rlower * rlower);
      double gr = 0.0, g2r = 0.0, gt = 0.0;
      if (vfrac * normfac != 0.0) {
        gr = h0[ibin] / (vfrac * normfac * icount);
        g2r = SQRT5 * h2[ibin] / (vfrac * normfac * icount);
        if (ht) gt = SQRT5 * ht[ibin] / (vfrac * normfac * icount) / (2.0 * eps);
        if (icount != 0) {
          n0 += gr * vfrac * normfac;
          n2 += g2r * vfrac * normfac;
        }
      }
      g0[ibin] = gr;
      c0[ibin] = n0;
      g2[ibin] = g2r;
      c2[ibin] = n2;
      if (dg2) dg2[ibin] = gt;
    }
  }

  void affine_prediction(int n, const double *r, const double *g0, double eps, double nu,
                         double *g2)
  {
    const double k = eps * 2.0 * (1.0 + nu) / (3.0 * SQRT5);
    for (int i = 0; i < n; ++i) {
      double d = 0.0;
      if (n > 1) {
        const int a = std::max(0, i - 1), b = std::min(n - 1, i + 1);
        d = (g0[b] - g0[a]) / (r[b] - r[a]);
      }
      g2[i] = k * r[i] * d;
    }
  }

}    // namespace pdf
}    // namespace AMORPH
