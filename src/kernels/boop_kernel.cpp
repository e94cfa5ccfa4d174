/* ----------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
   https://www.gnu.org/licenses/old-licenses/gpl-2.0.html

   Bond-orientational order kernel: spherical harmonics, Wigner 3j, q_l,
   w_l, w_hat_l, bond crystallinity.  See boop_kernel.h for the
   equations, conventions and references; the functions the Kokkos variant
   of compute boop/atom shares are inline, in boop_kernel_impl.h.
------------------------------------------------------------------------- */

#include "boop_kernel.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>

namespace AMORPH {
namespace boop {

  namespace {

    inline int tri(int l)
    {
      return l * (l + 1) / 2;
    }

    void check_degree(int l, const char *who)
    {
      if (l < 0 || l > LMAX)
        throw std::invalid_argument(std::string(who) + ": degree l = " + std::to_string(l) +
                                    " outside 0.." + std::to_string(LMAX));
    }

    /* ----------------------------------------------------------------------
   Exact binomial coefficients C(n,k), 0 <= n <= 3*LMAX, from Pascal's
   triangle in int64 (largest C(61,30) ~ 2.3e17 < 2^63).
------------------------------------------------------------------------- */

    constexpr int NBINOM = 3 * LMAX + 1;

    struct Binomials {
      std::int64_t c[NBINOM + 1][NBINOM + 1];
      Binomials()
      {
        for (int n = 0; n <= NBINOM; ++n) {
          for (int k = 0; k <= NBINOM; ++k) c[n][k] = 0;
          c[n][0] = 1;
          for (int k = 1; k <= n; ++k) c[n][k] = c[n - 1][k - 1] + c[n - 1][k];
        }
      }
      // C(n,k), 0 outside 0 <= k <= n
      std::int64_t operator()(int n, int k) const
      {
        if (n < 0 || k < 0 || k > n) return 0;
        return c[n][k];
      }
    };

    const Binomials &binom()
    {
      static const Binomials table;
      return table;
    }

    using detail::QView;

    QView full_view(int l, const std::complex<double> *q)
    {
      const double *d = reinterpret_cast<const double *>(q);
      return {d, d + 1, 2 * l + 1, 2, false};
    }

  }    // namespace

  /* ======================================================================
   SphericalHarmonics
====================================================================== */

  SphericalHarmonics::SphericalHarmonics(const std::vector<int> &degrees) :
      degrees_(degrees), lmax_(-1), half_size_(0), full_size_(0)
  {
    for (int l = 0; l <= LMAX; ++l) slot_[l] = -1;
    for (int k = 0; k < ndegrees(); ++k) {
      const int l = degrees_[k];
      check_degree(l, "SphericalHarmonics");
      if (slot_[l] >= 0)
        throw std::invalid_argument("SphericalHarmonics: degree l = " + std::to_string(l) +
                                    " requested twice");
      slot_[l] = k;
      half_off_.push_back(half_size_);
      full_off_.push_back(full_size_);
      half_size_ += l + 1;
      full_size_ += 2 * l + 1;
      if (l > lmax_) lmax_ = l;
    }

    // Recurrence coefficients (see header):
    //   Qbar_l^m = a_lm c Qbar_{l-1}^m - a_lm b_lm Qbar_{l-2}^m,   m <= l-2
    a_.assign(NTRI, 0.0);
    ab_.assign(NTRI, 0.0);
    for (int l = 2; l <= LMAX; ++l)
      for (int m = 0; m <= l - 2; ++m) {
        const long double ll = l, mm = m;
        const long double a = std::sqrt((4.0L * ll * ll - 1.0L) / (ll * ll - mm * mm));
        const long double b = std::sqrt(((ll - 1.0L) * (ll - 1.0L) - mm * mm) /
                                        (4.0L * (ll - 1.0L) * (ll - 1.0L) - 1.0L));
        a_[tri(l) + m] = static_cast<double>(a);
        ab_[tri(l) + m] = static_cast<double>(a * b);
      }

    // Diagonal seeds Qbar_m^m = (-1)^m sqrt[(2m+1)/(4 pi (2m)!)] (2m-1)!!,
    // built by Qbar_m^m = -sqrt[(2m+1)/(2m)] Qbar_{m-1}^{m-1}, Qbar_0^0 = 1/sqrt(4 pi).
    long double d = 1.0L / std::sqrt(4.0L * 3.14159265358979323846264338327950288L);
    for (int m = 0; m <= LMAX; ++m) {
      if (m > 0) d = -d * std::sqrt((2.0L * m + 1.0L) / (2.0L * m));
      diag_[m] = static_cast<double>(d);
      // Qbar_{m+1}^m = c sqrt(2m+3) Qbar_m^m
      sub_[m] = static_cast<double>(std::sqrt(2.0L * m + 3.0L) * d);
    }
  }

  // p[tri(l)+m] = Qbar_l^m(c), 0 <= m <= l <= lmax_;  ur[m] + i ui[m] = u^m.
  inline void SphericalHarmonics::legendre_and_powers(double c, double ux, double uy, double *p,
                                                      double *ur, double *ui) const
  {
    const int lmax = lmax_;
    const double *A = a_.data();
    const double *AB = ab_.data();

    // u^m by repeated complex multiplication (|u| = sin(theta) <= 1)
    ur[0] = 1.0;
    ui[0] = 0.0;
    for (int m = 1; m <= lmax; ++m) {
      ur[m] = ur[m - 1] * ux - ui[m - 1] * uy;
      ui[m] = ur[m - 1] * uy + ui[m - 1] * ux;
    }

    p[0] = diag_[0];
    if (lmax >= 1) {
      p[1] = c * sub_[0];
      p[2] = diag_[1];
    }
    for (int l = 2; l <= lmax; ++l) {
      const int t = tri(l), t1 = tri(l - 1), t2 = tri(l - 2);
      for (int m = 0; m <= l - 2; ++m) p[t + m] = A[t + m] * c * p[t1 + m] - AB[t + m] * p[t2 + m];
      p[t + l - 1] = c * sub_[l - 1];
      p[t + l] = diag_[l];
    }
  }

  bool SphericalHarmonics::accumulate_half(double dx, double dy, double dz, double weight,
                                           double *re, double *im) const
  {
    return ylm_accumulate_half(tables(), dx, dy, dz, weight, re, im);
  }

  bool SphericalHarmonics::accumulate(double dx, double dy, double dz, double weight,
                                      std::complex<double> *qlm) const
  {
    const double r2 = dx * dx + dy * dy + dz * dz;
    if (!(r2 > 0.0) || lmax_ < 0) return r2 > 0.0;
    const double rinv = 1.0 / std::sqrt(r2);

    double p[NTRI], ur[LMAX + 1], ui[LMAX + 1];
    legendre_and_powers(dz * rinv, dx * rinv, dy * rinv, p, ur, ui);

    const int nd = ndegrees();
    for (int k = 0; k < nd; ++k) {
      const int l = degrees_[k];
      const double *pl = p + tri(l);
      // std::complex<double> is array-compatible with double[2] ([complex.numbers])
      double *q0 = reinterpret_cast<double *>(qlm + full_off_[k] + l);    // m = 0
      q0[0] += weight * pl[0];
      double sgn = 1.0;
      for (int m = 1; m <= l; ++m) {
        sgn = -sgn;    // (-1)^m
        const double t = weight * pl[m];
        const double yr = t * ur[m], yi = t * ui[m];
        q0[2 * m] += yr;
        q0[2 * m + 1] += yi;
        // Y_l^{-m} = (-1)^m conj(Y_l^m)
        q0[-2 * m] += sgn * yr;
        q0[-2 * m + 1] -= sgn * yi;
      }
    }
    return true;
  }

  bool SphericalHarmonics::evaluate(double dx, double dy, double dz,
                                    std::complex<double> *ylm) const
  {
    for (int i = 0; i < full_size_; ++i) ylm[i] = 0.0;
    return accumulate(dx, dy, dz, 1.0, ylm);
  }

  void SphericalHarmonics::half_to_full(const double *re, const double *im,
                                        std::complex<double> *full) const
  {
    for (int k = 0; k < ndegrees(); ++k) {
      const int l = degrees_[k];
      const double *qr = re + half_off_[k];
      const double *qi = im + half_off_[k];
      std::complex<double> *f = full + full_off_[k] + l;
      f[0] = std::complex<double>(qr[0], qi[0]);
      double sgn = 1.0;
      for (int m = 1; m <= l; ++m) {
        sgn = -sgn;
        f[m] = std::complex<double>(qr[m], qi[m]);
        f[-m] = std::complex<double>(sgn * qr[m], -sgn * qi[m]);
      }
    }
  }

  /* ======================================================================
   Wigner 3j (l l l; m1 m2 m3)
====================================================================== */

  double wigner3j_lll(int l, int m1, int m2, int m3)
  {
    check_degree(l, "wigner3j_lll");
    if (m1 + m2 + m3 != 0) return 0.0;
    if (std::abs(m1) > l || std::abs(m2) > l || std::abs(m3) > l) return 0.0;
    const Binomials &C = binom();

    // Racah sum: sum_k (-1)^k C(l,k) C(l,k+m1) C(l,k-m2); the binomials vanish
    // outside max(0,-m1,m2) <= k <= min(l,l-m1,l+m2).  Each term <= C(l,l/2)^3
    // <= 6.3e15 for l <= 20 and there are <= l+1 terms: exact in int64.
    std::int64_t s = 0;
    for (int k = 0; k <= l; ++k) {
      const std::int64_t t = C(l, k) * C(l, k + m1) * C(l, k - m2);
      s += (k & 1) ? -t : t;
    }
    if (s == 0) return 0.0;

    // prefactor^2 = C(2l,l)^2 / ((3l+1) C(3l,l) C(2l,l+m1) C(2l,l+m2) C(2l,l+m3))
    const long double c2l = static_cast<long double>(C(2 * l, l));
    const long double den = static_cast<long double>(3 * l + 1) *
        static_cast<long double>(C(3 * l, l)) * static_cast<long double>(C(2 * l, l + m1)) *
        static_cast<long double>(C(2 * l, l + m2)) * static_cast<long double>(C(2 * l, l + m3));
    const long double pref = std::sqrt(c2l * c2l / den);
    const long double sign = (m3 & 1) ? -1.0L : 1.0L;    // (-1)^{j1-j2-m3} = (-1)^{m3}
    return static_cast<double>(sign * pref * static_cast<long double>(s));
  }

  Wigner3jTable::Wigner3jTable(int l) : l_(l)
  {
    check_degree(l, "Wigner3jTable");
    if (l & 1) return;    // w_l == 0 identically for odd l
    // representatives (m1,m2,m3) = (-(a+b), a, b), 0 <= a <= b, a+b <= l
    for (int a = 0; a <= l / 2; ++a)
      for (int b = a; a + b <= l; ++b) {
        int mult;
        if (b == 0)
          mult = 1;    // (0,0,0)
        else if (a == 0 || a == b)
          mult = 6;    // 3 distinct permutations x 2 signs, or 6 perms containing the sign flip
        else
          mult = 12;    // 6 permutations x 2 signs
        const double w = wigner3j_lll(l, -(a + b), a, b);
        if (w == 0.0) continue;
        // q_{-(a+b)} = (-1)^{a+b} conj(q_{a+b})
        const double sgn = ((a + b) & 1) ? -1.0 : 1.0;
        terms_.push_back({a, b, mult * sgn * w});
      }
  }

  double Wigner3jTable::wl(const std::complex<double> *qlm) const
  {
    const double *q0 = reinterpret_cast<const double *>(qlm + l_);
    return detail::w3j_sum(view(), q0, q0 + 1, 2, 1.0);
  }

  double Wigner3jTable::wl_hat(const std::complex<double> *qlm) const
  {
    const double inv = detail::inverse_norm(full_view(l_, qlm));
    if (!(inv > 0.0)) return 0.0;
    const double *q0 = reinterpret_cast<const double *>(qlm + l_);
    return detail::w3j_sum(view(), q0, q0 + 1, 2, inv);
  }

  /* ======================================================================
   q_l, dot products, bond crystallinity
====================================================================== */

  double sum_sq(int l, const std::complex<double> *qlm)
  {
    return detail::sum_sq_scaled(full_view(l, qlm), 1.0);
  }

  double ql(int l, const std::complex<double> *qlm)
  {
    return std::sqrt(detail::FOUR_PI / (2 * l + 1) * sum_sq(l, qlm));
  }

  double dot(int l, const std::complex<double> *qi, const std::complex<double> *qj)
  {
    return detail::dot_scaled(full_view(l, qi), full_view(l, qj), 1.0, 1.0);
  }

  double bond_crystallinity(int l, const std::complex<double> *qi, const std::complex<double> *qj)
  {
    return detail::cosine(full_view(l, qi), full_view(l, qj));
  }

}    // namespace boop
}    // namespace AMORPH
