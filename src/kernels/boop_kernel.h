/* -*- c++ -*- ----------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
   https://www.gnu.org/licenses/old-licenses/gpl-2.0.html

   Bond-orientational order (BOOP) numerical kernel.  LAMMPS-, MPI- and
   neighbour-list-independent: pure classes/functions over plain arrays.

   References
   - P. J. Steinhardt, D. R. Nelson, M. Ronchetti, Phys. Rev. B 28, 784 (1983).
   - W. Lechner, C. Dellago, J. Chem. Phys. 129, 114707 (2008).
   - H. Tanaka, Eur. Phys. J. E 35, 113 (2012) (bond crystallinity s_ij).
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

#include "amorph_inline.h"

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

  // number of (l, m) entries with 0 <= m <= l <= LMAX, index tri(l) + m, tri(l) = l(l+1)/2
  constexpr int NTRI = (LMAX + 1) * (LMAX + 2) / 2;

  // The recurrence tables of a SphericalHarmonics as plain pointers: its own arrays
  // (SphericalHarmonics::tables()), or copies of them in device memory (compute
  // boop/atom/kk), for ylm_accumulate_half() below, which is the hot path of both.
  struct YlmTables {
    const double *a, *ab;        // NTRI each: recurrence coefficients a_lm, a_lm b_lm (m <= l-2)
    const double *diag, *sub;    // LMAX+1 each: Qbar_m^m and sqrt(2m+3) Qbar_m^m
    const int *slot;             // LMAX+1: index k of degree l in the list, -1 if not requested
    const int *off;              // half_offset(k) of each requested degree
    int lmax;                    // largest requested degree (-1: none)
  };

  // re[off(k)+m] += weight * Re Y_{l_k}^m(r_hat), im[...] += weight * Im Y_{l_k}^m, m = 0..l_k,
  // for every requested degree; (dx,dy,dz) need not be normalised; a zero vector adds nothing
  // and returns false.  (SphericalHarmonics::accumulate_half() is this function.)
  AMORPH_INLINE bool ylm_accumulate_half(const YlmTables &t, double dx, double dy, double dz,
                                         double weight, double *re, double *im);

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

    // the recurrence tables (pointers into this object: valid while it lives) and their
    // sizes, to copy them elsewhere (device memory)
    YlmTables tables() const
    {
      return {a_.data(), ab_.data(), diag_, sub_, slot_, half_off_.data(), lmax_};
    }

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

  // one term of the symmetry-reduced w_l sum: m2 = a, m3 = b, m1 = -(a+b),
  // c = multiplicity * (-1)^{a+b} * (l l l; -(a+b) a b)
  struct W3jTerm {
    int a, b;
    double c;
  };

  // the terms of one degree as plain pointers (a Wigner3jTable's, or copies in device
  // memory), for the functions below, which the table's methods call
  struct W3jView {
    const W3jTerm *terms;
    int nterms;
    int l;
  };

  // w_l and w_hat_l of the half-layout set re, im of degree v.l (m = 0 entries)
  AMORPH_INLINE double wl_half(const W3jView &v, const double *re, const double *im);
  AMORPH_INLINE double wl_hat_half(const W3jView &v, const double *re, const double *im);

  class Wigner3jTable {
   public:
    explicit Wigner3jTable(int l);    // throws std::invalid_argument if l<0 or l>LMAX
    int l() const { return l_; }
    int nterms() const { return static_cast<int>(terms_.size()); }
    // the terms (pointers into this object)
    W3jView view() const { return {terms_.data(), nterms(), l_}; }
    const W3jTerm *terms() const { return terms_.data(); }

    double wl_half(const double *re, const double *im) const
    {
      return AMORPH::boop::wl_half(view(), re, im);
    }
    double wl_hat_half(const double *re, const double *im) const
    {
      return AMORPH::boop::wl_hat_half(view(), re, im);
    }
    double wl(const std::complex<double> *qlm) const;        // full layout, m=-l..l
    double wl_hat(const std::complex<double> *qlm) const;    // full layout

   private:
    int l_;
    std::vector<W3jTerm> terms_;
  };

  /* ----------------------------------------------------------------------
   Per-degree invariants of one atom (one degree l).
   Sigma = sum_{m=-l..l} |q_lm|^2; q_l = sqrt(4 pi/(2l+1) Sigma).
   Half-layout versions use Sigma = |q_l0|^2 + 2 sum_{m>0} |q_lm|^2.
   q_l uses q_lm as given: pass weights 1/N_b to accumulate (or divide
   afterwards) to get Steinhardt's average q_lm = (1/N_b) sum_j Y_lm.
------------------------------------------------------------------------- */

  AMORPH_INLINE double sum_sq_half(int l, const double *re, const double *im);
  double sum_sq(int l, const std::complex<double> *qlm);
  AMORPH_INLINE double ql_half(int l, const double *re, const double *im);
  double ql(int l, const std::complex<double> *qlm);

  // Re sum_{m=-l..l} q_lm(i) conj(q_lm(j))
  AMORPH_INLINE double dot_half(int l, const double *re_i, const double *im_i, const double *re_j,
                                const double *im_j);
  double dot(int l, const std::complex<double> *qi, const std::complex<double> *qj);

  // Bond crystallinity (Tanaka): s_ij = Re sum_m q_lm(i) conj(q_lm(j)) / (|q_l(i)| |q_l(j)|),
  // |q_l| = sqrt(Sigma).  Symmetric in i,j, in [-1,1] up to rounding.
  // Returns 0 if either norm is 0.
  AMORPH_INLINE double bond_crystallinity_half(int l, const double *re_i, const double *im_i,
                                               const double *re_j, const double *im_j);
  double bond_crystallinity(int l, const std::complex<double> *qi, const std::complex<double> *qj);

  /* ----------------------------------------------------------------------
   One atom of compute boop/atom (and of its Kokkos variant).  The degrees are
   those of a SphericalHarmonics (YlmTables t, its half layout of nhalf values,
   re = q[0..nhalf-1], im = q[nhalf..2 nhalf-1] of one atom's row q); w3j[k]
   is the W3jView of degree k, degrees[k] its l.  Accessors: q(j, c) a
   reference to value c of the q_lm row of atom j, out(c) to column c of the
   atom's output row, bonds as bvec(b, 0..3) = (dx, dy, dz, weight) and
   bj(b) = neighbour index.  The plain style passes AMORPH::Rows, Row, Flat
   and Strided<4> (amorph_inline.h) on its arrays, the Kokkos style its Views.
------------------------------------------------------------------------- */

  // w-hat is the ratio of two vanishing numbers when q_l -> 0: defined as 0 below this q_l,
  // as in LAMMPS compute orientorder/atom
  constexpr double QL_EPSILON = 1.0e-6;

  // q_l, w_l, w_hat_l of every degree of the half-layout set (re, im) into the columns
  // col_q + k, col_w + k, col_wh + k of out (a column < 0: not written)
  template <class Out>
  AMORPH_INLINE void per_degree_outputs(const YlmTables &t, const W3jView *w3j, const int *degrees,
                                        int ndeg, const double *re, const double *im, int col_q,
                                        int col_w, int col_wh, const Out &out)
  {
    for (int k = 0; k < ndeg; ++k) {
      const int l = degrees[k];
      const double *r = re + t.off[k];
      const double *m = im + t.off[k];
      const double q = ql_half(l, r, m);
      if (col_q >= 0) out(col_q + k) = q;
      if (col_w >= 0) out(col_w + k) = wl_half(w3j[k], r, m);
      if (col_wh >= 0) out(col_wh + k) = q < QL_EPSILON ? 0.0 : wl_hat_half(w3j[k], r, m);
    }
  }

  // q_lm of the bonds b0..b1-1 into the (zeroed) row qrow (2 nhalf values)
  template <class BVec>
  AMORPH_INLINE void accumulate_bonds(const YlmTables &t, int nhalf, const BVec &bvec, int b0,
                                      int b1, double *qrow)
  {
    for (int b = b0; b < b1; ++b)
      ylm_accumulate_half(t, bvec(b, 0), bvec(b, 1), bvec(b, 2), bvec(b, 3), qrow, qrow + nhalf);
  }

  // the averaged set (Lechner-Dellago) of an atom: (q_i + sum_j q_j) / (N_b + 1) into bar
  // (2 nhalf values), over its neighbours bj(b0..b1-1)
  template <class Q, class J>
  AMORPH_INLINE void average_with_neighbors(int i, const J &bj, int b0, int b1, const Q &qj,
                                            int nhalf, double *bar)
  {
    for (int c = 0; c < 2 * nhalf; ++c) bar[c] = qj(i, c);
    for (int b = b0; b < b1; ++b) {
      const int j = bj(b);
      for (int c = 0; c < 2 * nhalf; ++c) bar[c] += qj(j, c);
    }
    const double inv = 1.0 / (b1 - b0 + 1);
    for (int c = 0; c < 2 * nhalf; ++c) bar[c] *= inv;
  }

  // number of bonds with s_ij > threshold and the mean s_ij of degree l (slot k) into
  // out(col) and out(col + 1); q(j, c) the rows of the atom i and its neighbours
  template <class Q, class J, class Out>
  AMORPH_INLINE void bond_order(const YlmTables &t, int nhalf, int l, int k, double threshold,
                                int i, const J &bj, int b0, int b1, const Q &q, int col,
                                const Out &out)
  {
    const int off = t.off[k];
    double ir[LMAX + 1], im[LMAX + 1], jr[LMAX + 1], jm[LMAX + 1];
    for (int m = 0; m <= l; ++m) {
      ir[m] = q(i, off + m);
      im[m] = q(i, nhalf + off + m);
    }
    int ncryst = 0;
    double ssum = 0.0;
    for (int b = b0; b < b1; ++b) {
      const int j = bj(b);
      for (int m = 0; m <= l; ++m) {
        jr[m] = q(j, off + m);
        jm[m] = q(j, nhalf + off + m);
      }
      const double sij = bond_crystallinity_half(l, ir, im, jr, jm);
      ssum += sij;
      if (sij > threshold) ++ncryst;
    }
    out(col) = ncryst;
    out(col + 1) = b1 > b0 ? ssum / (b1 - b0) : 0.0;
  }

  // what compute boop/atom writes: its degrees (a SphericalHarmonics' tables, the W3jView
  // and l of each degree) and its output columns (< 0: absent)
  struct BoopSetup {
    YlmTables t;
    const W3jView *w3j;
    const int *degrees;
    int ndeg, nhalf;
    int col_q, col_w, col_wh, col_qbar, col_wbar, col_bond, col_nb;
    int bond_l, bond_slot;
    double bond_threshold;
  };

  // pass 1 of atom i: its q_lm row q(i, 0 .. 2 nhalf-1) from its bonds b0..b1-1, weights
  // included (bvec(b, 0..3) = dx, dy, dz, w); if `write`, its q_l, w_l, w_hat_l and N_b
  // into out(c)
  template <class BVec, class Q, class Out>
  AMORPH_INLINE void atom_pass1(const BoopSetup &s, int i, const BVec &bvec, int b0, int b1,
                                const Q &q, bool write, const Out &out)
  {
    double row[2 * NTRI];
    for (int c = 0; c < 2 * s.nhalf; ++c) row[c] = 0.0;
    accumulate_bonds(s.t, s.nhalf, bvec, b0, b1, row);
    for (int c = 0; c < 2 * s.nhalf; ++c) q(i, c) = row[c];
    if (!write) return;
    per_degree_outputs(s.t, s.w3j, s.degrees, s.ndeg, row, row + s.nhalf, s.col_q, s.col_w,
                       s.col_wh, out);
    out(s.col_nb) = b1 - b0;
  }

  // pass 2 of atom i (the q_lm rows of its neighbours bj(b0..b1-1) known, ghosts included):
  // averaged q_l and w_hat_l, bond crystallinity
  template <class J, class Q, class Out>
  AMORPH_INLINE void atom_pass2(const BoopSetup &s, int i, const J &bj, int b0, int b1, const Q &q,
                                const Out &out)
  {
    if (s.col_qbar >= 0 || s.col_wbar >= 0) {
      double bar[2 * NTRI];
      average_with_neighbors(i, bj, b0, b1, q, s.nhalf, bar);
      per_degree_outputs(s.t, s.w3j, s.degrees, s.ndeg, bar, bar + s.nhalf, s.col_qbar, -1,
                         s.col_wbar, out);
    }
    if (s.col_bond >= 0)
      bond_order(s.t, s.nhalf, s.bond_l, s.bond_slot, s.bond_threshold, i, bj, b0, b1, q,
                 s.col_bond, out);
  }

}    // namespace boop
}    // namespace AMORPH

#include "boop_kernel_impl.h"

#endif
