/* -*- c++ -*- ----------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
   https://www.gnu.org/licenses/old-licenses/gpl-2.0.html

   Bond-orientational order (BOOP) numerical kernel.  LAMMPS-, MPI- and
   neighbour-list-independent: pure classes/functions over plain arrays.

   References
   - P. J. Steinhardt, D. R. Nelson, M. Ronchetti, Phys. Rev. B 28, 784 (1983).
   - W. Lechner, C. Dellago, J. Chem. Phys. 129, 114707 (2008).
   - H. Tanaka, Eur. Phys. J. E 35, 113 (2012) (bond crystallinity s_ij).
   - J. A. van Meel, L. Filion, C. Valeriani, D. Frenkel,
     J. Chem. Phys. 136, 234107 (2012) (SANN).
   - AMORPH documentation, doc/src/Science.rst, section 3.

   Conventions (identical to LAMMPS compute orientorder/atom)
   - Y_l^m(theta,phi) = sqrt[(2l+1)/(4 pi) (l-m)!/(l+m)!] P_l^m(cos theta) e^{i m phi}
     with the Condon-Shortley phase inside P_l^m:
       P_l^m(x) = (-1)^m (1-x^2)^{m/2} d^m P_l(x)/dx^m,   m >= 0,
     and Y_l^{-m} = (-1)^m conj(Y_l^m).  E.g. Y_1^1 = -sqrt(3/(8 pi)) sin(theta) e^{i phi}.
   - theta is the polar angle from +z, phi the azimuth from +x, of the bond
     vector (dx,dy,dz) (conventionally r_j - r_i).

   Memory layouts of a set of q_lm for the degrees l_0, l_1, ... of a
   SphericalHarmonics object (k = index of the degree in that list):
   - "half" layout (the fast one): only m = 0..l, real and imaginary parts in
     two separate double arrays; entry (l_k, m) at index half_offset(k) + m.
     Length half_size() = sum_k (l_k + 1).  Negative m follow from
     q_l,-m = (-1)^m conj(q_lm), valid for any real-weighted sum of Y_lm
     (and for averages of such sums, e.g. Lechner-Dellago q-bar).
   - "full" layout: all m = -l..l as std::complex<double>; entry (l_k, m) at
     index full_offset(k) + m + l_k.  Length full_size() = sum_k (2 l_k + 1).
   The per-atom functions below (q_l, w_l, s_ij, ...) take ONE degree: for
   the half layout two pointers re, im to the m = 0 entry of that degree, for
   the full layout one pointer to the m = -l entry of that degree.
------------------------------------------------------------------------- */

#ifndef AMORPH_BOOP_KERNEL_H
#define AMORPH_BOOP_KERNEL_H

#include <complex>
#include <vector>

namespace AMORPH {
namespace boop {

  // Largest supported degree l.  Limited by the exact integer evaluation of
  // the Wigner 3j symbols (all intermediate binomials and the Racah sum fit in
  // int64 for l <= 20); the Y_lm recurrence itself has no such limit.
  constexpr int LMAX = 20;

  /* ----------------------------------------------------------------------
   Complex spherical harmonics from a Cartesian bond vector, no trig calls.

   With c = cos(theta) = z/r and u = sin(theta) e^{i phi} = (x + i y)/r:
     Y_l^m = Qbar_l^m(c) * u^m,                       m >= 0
     Qbar_l^m(c) = N_lm (-1)^m d^m P_l(c)/dc^m         (polynomial in c)
     N_lm = sqrt[(2l+1)/(4 pi) (l-m)!/(l+m)!]
   so only one square root (1/r) per bond is needed and bonds along +-z
   (u = 0) need no special case.  Qbar obeys the normalised three-term
   recurrence (stable for increasing l at fixed m):
     Qbar_m^m     = (-1)^m sqrt[(2m+1)/(4 pi (2m)!)] (2m-1)!!       (constant)
     Qbar_{m+1}^m = c sqrt(2m+3) Qbar_m^m
     Qbar_l^m     = a_lm c Qbar_{l-1}^m - a_lm b_lm Qbar_{l-2}^m,  l >= m+2
     a_lm = sqrt[(4l^2-1)/(l^2-m^2)],  b_lm = sqrt[((l-1)^2-m^2)/(4(l-1)^2-1)]
   All coefficients are tabulated once in the constructor.
------------------------------------------------------------------------- */

  class SphericalHarmonics {
   public:
    // degrees: distinct values 0 <= l <= LMAX, any order (kept in the given
    // order for the layouts).  Throws std::invalid_argument otherwise.
    explicit SphericalHarmonics(const std::vector<int> &degrees);

    int ndegrees() const { return static_cast<int>(degrees_.size()); }
    int degree(int k) const { return degrees_[k]; }
    int lmax() const { return lmax_; }    // largest requested degree (-1 if none)
    int half_size() const { return half_size_; }
    int full_size() const { return full_size_; }
    int half_offset(int k) const { return half_off_[k]; }    // (l_k, m=0)
    int full_offset(int k) const { return full_off_[k]; }    // (l_k, m=-l_k)
    // index k of degree l in the list, or -1 if l was not requested
    int slot(int l) const { return (l >= 0 && l <= LMAX) ? slot_[l] : -1; }

    // HOT PATH.  re[half_offset(k)+m] += weight * Re Y_{l_k}^m(r_hat),
    //            im[half_offset(k)+m] += weight * Im Y_{l_k}^m(r_hat), m = 0..l_k.
    // (dx,dy,dz) need not be normalised.  A zero vector has no direction:
    // nothing is added and false is returned (true otherwise).
    bool accumulate_half(double dx, double dy, double dz, double weight, double *re,
                         double *im) const;

    // Same in the full layout: qlm[full_offset(k)+m+l_k] += weight*Y_{l_k}^m,
    // m = -l_k..l_k (negative m written via Y_l^{-m} = (-1)^m conj(Y_l^m)).
    bool accumulate(double dx, double dy, double dz, double weight,
                    std::complex<double> *qlm) const;

    // ylm (full layout) = Y_lm(r_hat) (overwritten).  Zero vector: all zero,
    // returns false.
    bool evaluate(double dx, double dy, double dz, std::complex<double> *ylm) const;

    // Expand a half-layout set (length half_size()) into the full layout
    // (length full_size(), overwritten).
    void half_to_full(const double *re, const double *im, std::complex<double> *full) const;

   private:
    std::vector<int> degrees_;
    int lmax_;
    int half_size_, full_size_;
    std::vector<int> half_off_, full_off_;
    int slot_[LMAX + 1];
    // recurrence tables, index tri(l)+m with tri(l) = l(l+1)/2, m <= l-2
    std::vector<double> a_, ab_;
    double diag_[LMAX + 1];    // Qbar_m^m
    double sub_[LMAX + 1];     // sqrt(2m+3) Qbar_m^m, so Qbar_{m+1}^m = c*sub_[m]

    // fills p[tri(l)+m] = Qbar_l^m(c) for l <= lmax_, and ur/ui = Re/Im u^m
    void legendre_and_powers(double c, double ux, double uy, double *p, double *ur,
                             double *ui) const;

    // hot path specialised at compile time for the largest degree L = lmax_
    // (all loops have constant trip counts and are fully unrolled); selected
    // once in the constructor.
    using HalfFn = void (*)(const SphericalHarmonics &, double c, double ux, double uy,
                            double weight, double *re, double *im);
    HalfFn half_fn_;
    template <int L>
    static void accumulate_half_fixed(const SphericalHarmonics &self, double c, double ux,
                                      double uy, double weight, double *re, double *im);
    friend struct HalfFnSelector;
  };

  /* ----------------------------------------------------------------------
   Wigner 3j symbols (l l l; m1 m2 m3), exact up to double rounding.

   With all three j = l, Racah's formula reduces to integers only:
     (l l l; m1 m2 m3) = (-1)^{m3} sqrt[ C(2l,l)^2 / ((3l+1) C(3l,l)
                          C(2l,l+m1) C(2l,l+m2) C(2l,l+m3)) ]
                         * sum_k (-1)^k C(l,k) C(l,k+m1) C(l,k-m2)
   (C = binomial coefficient; zero unless m1+m2+m3 = 0, |m_i| <= l).  The
   sum is evaluated exactly in int64 and the square root in long double, so
   there is no cancellation error.
------------------------------------------------------------------------- */

  // Throws std::invalid_argument if l < 0 or l > LMAX.  Returns 0 when
  // m1+m2+m3 != 0 or some |m_i| > l.
  double wigner3j_lll(int l, int m1, int m2, int m3);

  /* ----------------------------------------------------------------------
   w_l = sum_{m1+m2+m3=0} (l l l; m1 m2 m3) q_lm1 q_lm2 q_lm3   (real)
   w_hat_l = w_l / (sum_m |q_lm|^2)^{3/2}
   Evaluated over the symmetry-reduced set 0 <= a <= b, a+b <= l of
   (m1,m2,m3) = (-(a+b), a, b) with multiplicity 1, 6 or 12 (the 3j symbol
   of even l is invariant under column permutations and m -> -m), so only
   m >= 0 entries are read.  For ODD l the 3j symbol is antisymmetric under
   column exchange and w_l vanishes identically: 0 is returned.
   If sum_m |q_lm|^2 == 0, w_l = 0 and w_hat_l is DEFINED as 0 (never NaN).
   w_hat_l is computed from q_lm / |q_l| so that it cannot under/overflow.
   Caveat: where q_lm vanishes by symmetry only up to rounding (e.g. q_4 of
   a perfect icosahedron, |q_lm| ~ 1e-17) w_hat_l is the ratio of rounding
   noise and meaningless; callers wanting 0 there must threshold q_l
   themselves (LAMMPS compute orientorder/atom returns 0 for q_l < 1e-6).
------------------------------------------------------------------------- */

  class Wigner3jTable {
   public:
    explicit Wigner3jTable(int l);    // throws std::invalid_argument if l<0 or l>LMAX
    int l() const { return l_; }
    int nterms() const { return static_cast<int>(terms_.size()); }

    double wl_half(const double *re, const double *im) const;
    double wl_hat_half(const double *re, const double *im) const;
    double wl(const std::complex<double> *qlm) const;        // full layout, m=-l..l
    double wl_hat(const std::complex<double> *qlm) const;    // full layout

   private:
    struct Term {
      int a, b;    // m2 = a, m3 = b, m1 = -(a+b)
      double c;    // multiplicity * (-1)^{a+b} * (l l l; -(a+b) a b)
    };
    int l_;
    std::vector<Term> terms_;
    double sum_strided(const double *re, const double *im, int stride, double scale) const;
  };

  /* ----------------------------------------------------------------------
   Per-degree invariants of one atom (one degree l).
   Sigma = sum_{m=-l..l} |q_lm|^2; q_l = sqrt(4 pi/(2l+1) Sigma).
   Half-layout versions use Sigma = |q_l0|^2 + 2 sum_{m>0} |q_lm|^2.
   q_l uses q_lm as given: pass weights 1/N_b to accumulate (or divide
   afterwards) to get Steinhardt's average q_lm = (1/N_b) sum_j Y_lm.
------------------------------------------------------------------------- */

  double sum_sq_half(int l, const double *re, const double *im);
  double sum_sq(int l, const std::complex<double> *qlm);
  double ql_half(int l, const double *re, const double *im);
  double ql(int l, const std::complex<double> *qlm);

  // Re sum_{m=-l..l} q_lm(i) conj(q_lm(j))
  double dot_half(int l, const double *re_i, const double *im_i, const double *re_j,
                  const double *im_j);
  double dot(int l, const std::complex<double> *qi, const std::complex<double> *qj);

  // Bond crystallinity (Tanaka): s_ij = Re sum_m q_lm(i) conj(q_lm(j)) / (|q_l(i)| |q_l(j)|),
  // |q_l| = sqrt(Sigma).  Symmetric in i,j, in [-1,1] up to rounding.
  // Returns 0 if either norm is 0.
  double bond_crystallinity_half(int l, const double *re_i, const double *im_i, const double *re_j,
                                 const double *im_j);
  double bond_crystallinity(int l, const std::complex<double> *qi, const std::complex<double> *qj);

  /* ----------------------------------------------------------------------
   SANN neighbour count (van Meel et al. 2012).
   r_sorted[0..n-1]: distances sorted ascending (r_1 <= r_2 <= ..., > 0).
   Returns the smallest m >= 3 with
       R_m = (sum_{j=1}^{m} r_j) / (m - 2) < r_{m+1},
   i.e. the first m neighbours are the SANN neighbours and R_m is the SANN
   shell radius (stored in *radius if radius != nullptr).
   Needs r_{m+1}, so m <= n-1.  If no such m exists in the list (in
   particular if n < 4) returns SANN_NOT_FOUND (= 0) and leaves *radius
   untouched: the caller must supply more candidates (enlarge its cutoff)
   and call again.
------------------------------------------------------------------------- */

  constexpr int SANN_NOT_FOUND = 0;
  int sann_count(const double *r_sorted, int n, double *radius = nullptr);

}    // namespace boop
}    // namespace AMORPH

#endif
