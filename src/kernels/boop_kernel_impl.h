/* ----------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
   https://www.gnu.org/licenses/old-licenses/gpl-2.0.html

   boop_kernel_impl.h -- the inline (AMORPH_INLINE) definitions of
   boop_kernel.h: the spherical-harmonics hot path, w_l, q_l and the bond
   crystallinity of the half layout, which the plain compute boop/atom and
   its Kokkos variant (in device kernels) share.  Included from
   boop_kernel.h only; equations and conventions are documented there.
------------------------------------------------------------------------- */

#ifndef AMORPH_BOOP_KERNEL_IMPL_H
#define AMORPH_BOOP_KERNEL_IMPL_H

#include <cmath>

// Loop-unrolling hint for loops with compile-time trip counts (GCC, Clang).
#if defined(__clang__) || defined(__GNUC__)
#define AMORPH_UNROLL _Pragma("GCC unroll 32")
#else
#define AMORPH_UNROLL
#endif

namespace AMORPH {
namespace boop {

  namespace detail {

    constexpr double FOUR_PI = 12.566370614359172953850573533118;    // 4 pi

    /* ----------------------------------------------------------------------
   A set of q_lm of one degree seen as n (re, im) pairs with a stride:
   - half layout: n = l+1 entries m = 0..l, stride 1, the m > 0 entries
     counted twice (they stand for m and -m, which have equal moduli and
     equal real parts of products q(i) conj q(j));
   - full layout: n = 2l+1 entries, stride 2 over an interleaved complex array.
   Normalisations divide by the largest component first so that
   sum |q|^2 cannot underflow or overflow (zero only if all q_lm are zero).
------------------------------------------------------------------------- */

    struct QView {
      const double *re, *im;
      int n, stride;
      bool half;
      AMORPH_INLINE double weight(int i) const { return (half && i > 0) ? 2.0 : 1.0; }
    };

    AMORPH_INLINE QView half_view(int l, const double *re, const double *im)
    {
      return {re, im, l + 1, 1, true};
    }

    AMORPH_INLINE double max_abs(const QView &v)
    {
      double a = 0.0;
      for (int i = 0; i < v.n; ++i) {
        const double r = std::fabs(v.re[i * v.stride]), m = std::fabs(v.im[i * v.stride]);
        const double b = r > m ? r : m;
        if (b > a) a = b;
      }
      return a;
    }

    // sum_i weight_i |s q_i|^2
    AMORPH_INLINE double sum_sq_scaled(const QView &v, double s)
    {
      double t = 0.0;
      for (int i = 0; i < v.n; ++i) {
        const double x = s * v.re[i * v.stride], y = s * v.im[i * v.stride];
        t += v.weight(i) * (x * x + y * y);
      }
      return t;
    }

    // sum_i weight_i Re(q_i(a) conj q_i(b)), scaled by sa*sb
    AMORPH_INLINE double dot_scaled(const QView &a, const QView &b, double sa, double sb)
    {
      double t = 0.0;
      for (int i = 0; i < a.n; ++i)
        t += a.weight(i) *
            ((sa * a.re[i * a.stride]) * (sb * b.re[i * b.stride]) +
             (sa * a.im[i * a.stride]) * (sb * b.im[i * b.stride]));
      return t;
    }

    // 1/|q| = 1/sqrt(sum weight |q|^2) computed without under/overflow; 0 if q == 0
    AMORPH_INLINE double inverse_norm(const QView &v)
    {
      const double a = max_abs(v);
      if (!(a > 0.0)) return 0.0;
      const double inv = 1.0 / a;
      return inv / std::sqrt(sum_sq_scaled(v, inv));
    }

    // Re <a,b> / (|a| |b|), 0 if either is zero; scaled to avoid under/overflow
    AMORPH_INLINE double cosine(const QView &a, const QView &b)
    {
      const double ia = inverse_norm(a), ib = inverse_norm(b);
      if (!(ia > 0.0) || !(ib > 0.0)) return 0.0;
      return dot_scaled(a, b, ia, ib);
    }

    // sum_terms c * Re( conj(q_{a+b}) q_a q_b ) with q scaled by `scale`
    AMORPH_INLINE double w3j_sum(const W3jView &v, const double *re, const double *im, int stride,
                                 double scale)
    {
      double qr[LMAX + 1], qi[LMAX + 1];
      for (int m = 0; m <= v.l; ++m) {
        qr[m] = scale * re[m * stride];
        qi[m] = scale * im[m * stride];
      }
      double s = 0.0;
      for (int n = 0; n < v.nterms; ++n) {
        const W3jTerm &t = v.terms[n];
        const double xr = qr[t.a] * qr[t.b] - qi[t.a] * qi[t.b];
        const double xi = qr[t.a] * qi[t.b] + qi[t.a] * qr[t.b];
        const int c = t.a + t.b;
        s += t.c * (qr[c] * xr + qi[c] * xi);
      }
      return s;
    }

    /* ----------------------------------------------------------------------
   The hot path specialised at compile time for the largest degree L (all
   loops have constant trip counts and are fully unrolled).  (c, ux, uy) =
   (cos theta, sin theta cos phi, sin theta sin phi) of the unit bond vector.
------------------------------------------------------------------------- */

    template <int L>
    AMORPH_INLINE void ylm_accumulate_half_fixed(const YlmTables &tb, double c, double ux,
                                                 double uy, double weight, double *re, double *im)
    {
      constexpr int NT = (L + 1) * (L + 2) / 2;
      const double *A = tb.a;
      const double *AB = tb.ab;
      const int *slot = tb.slot;
      const int *off = tb.off;
      double p[NT], ur[L + 1], ui[L + 1];

      // u^m = (sin(theta) e^{i phi})^m
      ur[0] = 1.0;
      ui[0] = 0.0;
      AMORPH_UNROLL
      for (int m = 1; m <= L; ++m) {
        ur[m] = ur[m - 1] * ux - ui[m - 1] * uy;
        ui[m] = ur[m - 1] * uy + ui[m - 1] * ux;
      }

      // Row by row: Qbar_l^m(c) for m = 0..l (recurrence, see header), then
      // re/im(l,m) += weight * Qbar_l^m * u^m if degree l was requested.
      AMORPH_UNROLL
      for (int l = 0; l <= L; ++l) {
        const int t = l * (l + 1) / 2, t1 = t - l, t2 = t1 - (l - 1);
        AMORPH_UNROLL
        for (int m = 0; m <= l - 2; ++m)
          p[t + m] = A[t + m] * c * p[t1 + m] - AB[t + m] * p[t2 + m];
        if (l >= 1) p[t + l - 1] = c * tb.sub[l - 1];
        p[t + l] = tb.diag[l];

        const int k = slot[l];
        if (k < 0) continue;
        double *qr = re + off[k];
        double *qi = im + off[k];
        qr[0] += weight * p[t];    // u^0 = 1
        AMORPH_UNROLL
        for (int m = 1; m <= l; ++m) {
          const double tw = weight * p[t + m];
          qr[m] += tw * ur[m];
          qi[m] += tw * ui[m];
        }
      }
    }

  }    // namespace detail

  AMORPH_INLINE bool ylm_accumulate_half(const YlmTables &t, double dx, double dy, double dz,
                                         double weight, double *re, double *im)
  {
    const double r2 = dx * dx + dy * dy + dz * dz;
    if (!(r2 > 0.0)) return false;
    const double rinv = 1.0 / std::sqrt(r2);
    const double c = dz * rinv, ux = dx * rinv, uy = dy * rinv;
    // the specialisation for the largest degree (a switch, not a function pointer, so that
    // device kernels can call it too)
    switch (t.lmax) {
#define AMORPH_YLM_CASE(L)                                              \
  case L:                                                               \
    detail::ylm_accumulate_half_fixed<L>(t, c, ux, uy, weight, re, im); \
    break;
      AMORPH_YLM_CASE(0)
      AMORPH_YLM_CASE(1)
      AMORPH_YLM_CASE(2)
      AMORPH_YLM_CASE(3)
      AMORPH_YLM_CASE(4)
      AMORPH_YLM_CASE(5)
      AMORPH_YLM_CASE(6)
      AMORPH_YLM_CASE(7)
      AMORPH_YLM_CASE(8)
      AMORPH_YLM_CASE(9)
      AMORPH_YLM_CASE(10)
      AMORPH_YLM_CASE(11)
      AMORPH_YLM_CASE(12)
      AMORPH_YLM_CASE(13)
      AMORPH_YLM_CASE(14)
      AMORPH_YLM_CASE(15)
      AMORPH_YLM_CASE(16)
      AMORPH_YLM_CASE(17)
      AMORPH_YLM_CASE(18)
      AMORPH_YLM_CASE(19)
      AMORPH_YLM_CASE(20)
#undef AMORPH_YLM_CASE
      default:
        break;    // lmax < 0: no degrees
    }
    static_assert(LMAX == 20, "one case per degree 0..LMAX above");
    return true;
  }

  AMORPH_INLINE double wl_half(const W3jView &v, const double *re, const double *im)
  {
    return detail::w3j_sum(v, re, im, 1, 1.0);
  }

  AMORPH_INLINE double wl_hat_half(const W3jView &v, const double *re, const double *im)
  {
    const double inv = detail::inverse_norm(detail::half_view(v.l, re, im));
    if (!(inv > 0.0)) return 0.0;    // all q_lm == 0: w_hat defined as 0
    return detail::w3j_sum(v, re, im, 1, inv);
  }

  AMORPH_INLINE double sum_sq_half(int l, const double *re, const double *im)
  {
    return detail::sum_sq_scaled(detail::half_view(l, re, im), 1.0);
  }

  AMORPH_INLINE double ql_half(int l, const double *re, const double *im)
  {
    return std::sqrt(detail::FOUR_PI / (2 * l + 1) * sum_sq_half(l, re, im));
  }

  AMORPH_INLINE double dot_half(int l, const double *re_i, const double *im_i, const double *re_j,
                                const double *im_j)
  {
    return detail::dot_scaled(detail::half_view(l, re_i, im_i), detail::half_view(l, re_j, im_j),
                              1.0, 1.0);
  }

  AMORPH_INLINE double bond_crystallinity_half(int l, const double *re_i, const double *im_i,
                                               const double *re_j, const double *im_j)
  {
    return detail::cosine(detail::half_view(l, re_i, im_i), detail::half_view(l, re_j, im_j));
  }

}    // namespace boop
}    // namespace AMORPH

#endif
