// AMORPH - LAMMPS plugin package, GPL-2.0
//
// nonaffine_kernel.h -- LAMMPS-independent numerical kernel for the local
// deformation gradient, non-affine squared displacement D2min, Green-Lagrange
// strain and local rotation of one atom (compute nonaffine/atom).
// No LAMMPS, no MPI, no heap allocation; inline (nonaffine_kernel_impl.h) and
// AMORPH_INLINE, for the host and the Kokkos device kernels.  See doc/src/Science.rst,
// section 2.
//
// References
//   M. L. Falk, J. S. Langer, Phys. Rev. E 57, 7192 (1998)        (D2min)
//   F. Shimizu, S. Ogata, J. Li, Mater. Trans. 48, 2923 (2007)     (atomic
//     strain, von Mises shear invariant; the OVITO "atomic strain" modifier)
//   N. J. Higham, SIAM J. Sci. Stat. Comput. 7, 1160 (1986); N. J. Higham,
//     "Functions of Matrices", SIAM 2008, ch. 8                   (polar
//     decomposition by scaled Newton iteration)
//   W. Kabsch, Acta Cryst. A 32, 922 (1976)                        (closest
//     proper rotation, used for inverted elements)
//
// ---------------------------------------------------------------------------
// Definitions (OVITO / Falk-Langer conventions, doc/src/Science.rst, section 2)
//
//   For a central atom i with reference neighbours j (within r_c in the
//   REFERENCE configuration):
//     d0_j = x0_j - x0_i   reference bond vector (minimum image, reference box)
//     d_j  = x_j  - x_i    current bond vector
//     u_j  = d_j - d0_j    relative displacement of the bond
//
//     V = sum_j d0_j d0_j^T,   W = sum_j d_j d0_j^T,   F = W V^-1
//     D2min = sum_j |d_j - F d0_j|^2        (raw sum, length^2, OVITO)
//
//   F minimises sum_j |d_j - F d0_j|^2 (linear least squares, 9 unknowns).
//
//   Green-Lagrange strain  eta = 1/2 (F^T F - I), stored in Voigt order
//     eta[0..5] = { xx, yy, zz, yz, xz, xy }           (tensor components,
//   NOT engineering shear: eta[5] = eta_xy, not 2 eta_xy).  NOTE: LAMMPS
//   per-atom stress and OVITO's "Strain Tensor" property use the order
//   xx yy zz xy xz yz; a caller writing LAMMPS-style output must permute.
//
//   von Mises shear strain (Shimizu et al. 2007)
//     eta_M = sqrt( eta_xy^2 + eta_xz^2 + eta_yz^2
//                   + [ (eta_xx-eta_yy)^2 + (eta_xx-eta_zz)^2
//                       + (eta_yy-eta_zz)^2 ] / 6 )
//   volumetric strain  eta_v = tr(eta) / 3
//
//   Polar decomposition F = R U, R a proper rotation (det R = +1), U
//   symmetric; if det F > 0, U is positive definite (the right stretch).
//   Rotation angle  theta = acos( clamp((tr R - 1)/2, -1, 1) ) in radians,
//   theta in [0, pi].  Numerically it is evaluated as
//     theta = atan2( |a|, (tr R - 1)/2 ),  a = 1/2 (R_zy-R_yz, R_xz-R_zx,
//                                                   R_yx-R_xy),  |a| = sin theta
//   which is mathematically identical but accurate to ~1e-16 absolute for
//   every angle, whereas acos() loses half the digits near 0 and pi (an
//   angle of 1e-7 rad would come out with ~1e-9 absolute error).
//
//   Relation to core LAMMPS `fix nonaffine/displacement` (EXTRA-FIX): it uses
//   CURRENT-configuration neighbours, reports sqrt(D2min / N) by default and
//   the strain E = F^T F - I without the 1/2, i.e. E = 2 eta.
//
// ---------------------------------------------------------------------------
// Single pass over neighbours (class Accumulator, the recommended API)
//
//   Writing F = I + G (G = displacement gradient) and u_j = d_j - d0_j:
//     B = sum_j u_j d0_j^T = W - V,   G = B V^-1,
//     D2min = sum_j |u_j - G d0_j|^2
//           = S - 2 tr(G B^T) + tr(G V G^T),      S = sum_j |u_j|^2.
//   So the 9 + 9 + 1 sums (V, B, S) are all that is needed: no second pass.
//
//   Numerical caveat.  The expansion subtracts numbers of size ~S to produce
//   D2min <= S, so its absolute rounding error is a few eps * S (eps = 2.2e-16)
//   (then clamped at 0).  Two choices keep this small:
//   (a) sums of the DISPLACEMENTS u (not of d): S = sum |u|^2 vanishes with
//       the deformation, so for small strains the error is eps * strain^2 *
//       sum |d0|^2 instead of eps * sum |d|^2.  In the worst case (large
//       rotations, |u| ~ |d|) it is eps * sum |d|^2 ~ 1e-14 A^2 for a shell
//       of 12 neighbours at 2.5 A: far below any physical D2min and well
//       inside the 1e-10 required for D2min of an affine deformation.
//   (b) the full quadratic form  S - 2 tr(G B^T) + tr(G V G^T)  rather than
//       its value at the exact minimum, S - tr(G B^T): the full form is
//       stationary in G, so the rounding error delta G of the 3x3 solve
//       (~ eps * cond(V)) enters only to second order, tr(dG V dG^T) >= 0,
//       whereas the short form is first-order sensitive to it.
//   nonaffine_two_pass() evaluates sum_j |u_j - G d0_j|^2 directly from
//   arrays; its absolute error is ~ eps^2 * sum |d|^2, i.e. it resolves
//   non-affine displacements down to ~eps * |d| instead of ~sqrt(eps) * |d|
//   (~1e-8 |d|).  Use it only when D2min values below ~1e-12 A^2 matter
//   (testing, near-affine analysis); both agree to ~1e-14 A^2 otherwise.
//
//   Validity.  Invalid (valid == false, every value 0, never NaN/inf) when
//     * fewer than 3 neighbours, or
//     * V is singular relative to its own size:
//         |det V| <= tol * (tr V / 3)^3,   tol = kSingularTol = 1e-12 default.
//       det V / (tr V / 3)^3 = l1 l2 l3 / mean(l)^3 lies in [0, 1] (AM-GM on
//       the eigenvalues l of V; 1 for an isotropic shell) and is independent
//       of the length unit and of the number of neighbours.  It is ~1e-16
//       for exactly coplanar or collinear neighbours (rounding), and 1e-12
//       corresponds to an rms out-of-plane extent ~1e-6 of the in-plane size
//       if two eigenvalues are ~mean.  Pass a larger tol for stricter tests.
//     * any input or result is not finite (NaN / inf coordinates).
//
//   Inverted elements.  If J = det F <= kInvertedJ = 1e-12 (the neighbour
//   cloud is mirrored or collapsed; J is the dimensionless local volume
//   ratio, so the threshold is absolute), the fields D2min, F, eta, eta_M,
//   eta_v are still well defined and valid, and `inverted` is set.  The
//   rotation is then that of the closest proper rotation to F (Kabsch:
//   F = P S Q^T by SVD, R = P diag(1,1,det(P Q^T)) Q^T), so that U = R^T F
//   is symmetric but has a non-positive eigenvalue.  This R is unique only
//   if the two largest singular values of F differ from the smallest (for a
//   pure mirror, F = diag(1,1,-1), every rotation about an in-plane axis is
//   equally close and the reported angle is one arbitrary, finite choice).
// ---------------------------------------------------------------------------

#ifndef AMORPH_NONAFFINE_KERNEL_H
#define AMORPH_NONAFFINE_KERNEL_H

#include "amorph_inline.h"

namespace AMORPH {
namespace nonaffine {

  // Default relative singularity threshold for V (see above).
  constexpr double kSingularTol = 1.0e-12;

  // Volume-ratio threshold: Result::inverted = (J = det F <= kInvertedJ).
  constexpr double kInvertedJ = 1.0e-12;

  // Voigt indices of eta[] (tensor components, not engineering shear).
  enum VoigtIndex { XX = 0, YY = 1, ZZ = 2, YZ = 3, XZ = 4, XY = 5 };

  // Per-atom result (POD: trivially copyable, zero it with `Result r{};`).
  // All 3x3 matrices are row-major: M[3*row + col].
  struct Result {
    bool valid;           // false: < 3 neighbours, singular V or non-finite data;
                          //        all values below are then 0
    bool inverted;        // J = det F <= kInvertedJ: inverted or collapsed
                          // (see "Inverted elements"); valid stays true
    int nneigh;           // number of reference neighbours added
    double d2min;         // D2min = sum_j |d_j - F d0_j|^2   (length^2)
    double F[9];          // deformation gradient, row-major
    double eta[6];        // Green-Lagrange strain, Voigt xx yy zz yz xz xy
    double von_mises;     // von Mises shear strain invariant
    double volumetric;    // tr(eta) / 3
    double rotation;      // rotation angle of R (F = R U), radians, [0, pi]
  };

  // ---------------------------------------------------------------------------
  // One-pass accumulator for one central atom (recommended API).
  //
  //   Accumulator acc;                 // zero-initialised; or acc.reset()
  //   for (each reference neighbour j) acc.add(d0_j, d_j);
  //   Result r = acc.finish();
  //
  // No allocation; 19 doubles + 1 int of state.  V (the reference part) could
  // be cached per atom by the caller since it does not change between
  // evaluations; finish() recomputes its inverse (a few dozen flops).
  struct Accumulator {
    double V[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};    // sum d0 d0^T (symmetric)
    double B[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};    // sum u d0^T, u = d - d0
    double S = 0.0;                               // sum |u|^2
    int n = 0;                                    // neighbours added

    AMORPH_INLINE void reset();

    // Add one neighbour: reference bond d0 = x0_j - x0_i, current bond
    // d = x_j - x_i.
    AMORPH_INLINE void add(const double d0[3], const double d[3]);

    // Same, but given the bond's relative displacement u = d - d0 directly
    // (e.g. u = (x_j - x0_j) - (x_i - x0_i) from unwrapped per-atom
    // displacements, which avoids rounding of d - d0 and any current-box
    // minimum-image step).
    AMORPH_INLINE void add_displacement(const double d0[3], const double u[3]);

    // Evaluate everything (F, D2min, eta, invariants, rotation).
    // tol: relative singularity threshold for V (see header comment).
    AMORPH_INLINE Result finish(double tol = kSingularTol) const;
  };

  // Two-pass variant from arrays of n bond vectors (d0, d: n*3 doubles,
  // d0[3*j+k]).  Same Result as Accumulator::finish(), except that D2min is
  // evaluated directly as sum_j |d_j - F d0_j|^2 (more accurate for nearly
  // affine data, see header comment).  No allocation.
  AMORPH_INLINE Result nonaffine_two_pass(const double *d0, const double *d, int n,
                                          double tol = kSingularTol);

  // ---------------------------------------------------------------------------
  // 3x3 building blocks (row-major), exposed for reuse and tests.

  AMORPH_INLINE double det3(const double A[9]);

  // Inverse via the adjugate.  Returns false (Ainv zeroed) if
  // |det A| <= tol * (||A||_F^2 / 3)^(3/2)  or det A is not finite.  For a
  // symmetric positive semidefinite A pass the trace form yourself; this
  // generic test uses the Frobenius norm so it is invariant to rotations.
  AMORPH_INLINE bool invert3(const double A[9], double Ainv[9], double tol = kSingularTol);

  // Green-Lagrange strain of F, eta = 1/2 (F^T F - I), Voigt xx yy zz yz xz xy.
  // Evaluated as 1/2 (H + H^T + H^T H) with H = F - I, which avoids the
  // cancellation in F^T F - I for small strains.
  AMORPH_INLINE void green_lagrange(const double F[9], double eta[6]);

  // Same, from the displacement gradient H = F - I (more accurate if H was
  // computed directly, as the accumulator does).
  AMORPH_INLINE void green_lagrange_from_gradient(const double H[9], double eta[6]);

  AMORPH_INLINE double von_mises_strain(const double eta[6]);
  AMORPH_INLINE double volumetric_strain(const double eta[6]);

  // Polar decomposition F = R U.
  //   Regular case, det F > 1e-12 (||F||_F^2 / 3)^(3/2): Higham's scaled
  //   Newton iteration
  //     R_0 = F,  R_{k+1} = 1/2 (g_k R_k + g_k^-1 R_k^-T),
  //     g_k = sqrt(||R_k^-1||_F / ||R_k||_F)   (Frobenius-norm scaling),
  //   quadratically convergent (typically 3-7 iterations for physical F),
  //   R orthogonal to ~1e-16, det R = +1; U = sym(R^T F) symmetric positive
  //   definite.  Returns true.
  //   Otherwise (det F <= 0 or F nearly singular): R = closest proper rotation to F
  //   (Kabsch, through a Jacobi eigen-decomposition of F^T F), U = sym(R^T F)
  //   symmetric with a non-positive eigenvalue when det F <= 0 (for a nearly
  //   singular F with det F > 0 it is positive semidefinite).  Returns
  //   det F > 0.  F == 0 gives R = I.  Never produces NaN: non-finite F gives
  //   R = I and non-finite entries of U are set to 0 (returns false).
  AMORPH_INLINE bool polar_decompose(const double F[9], double R[9], double U[9]);

  // Rotation angle of a rotation matrix, radians in [0, pi]:
  // theta = atan2(|axial(R)|, (tr R - 1)/2) == acos(clamp((tr R-1)/2,-1,1)).
  AMORPH_INLINE double rotation_angle(const double R[9]);

  // Eigen-decomposition of a symmetric 3x3 matrix A (cyclic Jacobi).
  // evals sorted descending; evecs columns (evecs[3*row + k] is component
  // `row` of eigenvector k), orthonormal, right-handed (det = +1).
  AMORPH_INLINE void symmetric_eigen3(const double A[9], double evals[3], double evecs[9]);

  // ---------------------------------------------------------------------------
  // One atom of compute nonaffine/atom (and of its Kokkos variant) from its reference
  // bonds b = b0 .. b1-1: neighbour index bj(b), reference bond vector d0(b, 0..2), current
  // positions x(j, 0..2) (an atom and its neighbours in the same periodic image frame as
  // the bond vectors).  The accessors are anything with these call operators: the plain
  // style passes AMORPH::Rows, Flat and Strided<3> (amorph_inline.h) on its arrays, the Kokkos
  // style its Kokkos::Views.  The sums are those of Accumulator::add_displacement(d0, u) with
  // u = (x_j - x_i) - d0, V accumulated as a symmetric matrix.
  //
  // Writes the output row out(c) (zeroed by the caller) in the column order of the
  // compute: d2min, von Mises strain, volumetric strain, rotation angle, flag (1 valid,
  // 0 invalid: values 0, -1 lost), then F (9, row-major) from col_F and the strain in the
  // LAMMPS / OVITO order xx yy zz xy xz yz from col_strain (columns < 0: absent).  Returns
  // true if the atom has fewer bonds than its reference count `need` (lost neighbours).
  template <class X, class J, class D0, class Out>
  AMORPH_INLINE bool evaluate_bonds(const X &x, int i, const J &bj, const D0 &d0, int b0, int b1,
                                    int need, int col_F, int col_strain, const Out &out)
  {
    const int n = b1 - b0;
    if (n < need) {
      out(4) = -1.0;
      return true;
    }
    const double xi = x(i, 0), yi = x(i, 1), zi = x(i, 2);
    double v00 = 0, v01 = 0, v02 = 0, v11 = 0, v12 = 0, v22 = 0;
    Accumulator acc;
    for (int b = b0; b < b1; ++b) {
      const int j = bj(b);
      const double dx = d0(b, 0), dy = d0(b, 1), dz = d0(b, 2);
      const double u0 = (x(j, 0) - xi) - dx;
      const double u1 = (x(j, 1) - yi) - dy;
      const double u2 = (x(j, 2) - zi) - dz;
      v00 += dx * dx;
      v01 += dx * dy;
      v02 += dx * dz;
      v11 += dy * dy;
      v12 += dy * dz;
      v22 += dz * dz;
      acc.B[0] += u0 * dx;
      acc.B[1] += u0 * dy;
      acc.B[2] += u0 * dz;
      acc.B[3] += u1 * dx;
      acc.B[4] += u1 * dy;
      acc.B[5] += u1 * dz;
      acc.B[6] += u2 * dx;
      acc.B[7] += u2 * dy;
      acc.B[8] += u2 * dz;
      acc.S += u0 * u0 + u1 * u1 + u2 * u2;
    }
    acc.V[0] = v00;
    acc.V[1] = acc.V[3] = v01;
    acc.V[2] = acc.V[6] = v02;
    acc.V[4] = v11;
    acc.V[5] = acc.V[7] = v12;
    acc.V[8] = v22;
    acc.n = n;
    const Result r = acc.finish();
    if (!r.valid) return false;    // flag 0, values 0
    out(0) = r.d2min;
    out(1) = r.von_mises;
    out(2) = r.volumetric;
    out(3) = r.rotation;
    out(4) = 1.0;
    if (col_F >= 0)
      for (int k = 0; k < 9; ++k) out(col_F + k) = r.F[k];
    if (col_strain >= 0) {
      out(col_strain + 0) = r.eta[XX];
      out(col_strain + 1) = r.eta[YY];
      out(col_strain + 2) = r.eta[ZZ];
      out(col_strain + 3) = r.eta[XY];
      out(col_strain + 4) = r.eta[XZ];
      out(col_strain + 5) = r.eta[YZ];
    }
    return false;
  }

}    // namespace nonaffine
}    // namespace AMORPH

#include "nonaffine_kernel_impl.h"

#endif
