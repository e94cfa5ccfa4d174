// AMORPH - LAMMPS plugin package, GPL-2.0
//
// nonaffine_kernel_impl.h -- local deformation gradient, D2min, Green-Lagrange
// strain and rotation of one atom: the definitions of nonaffine_kernel.h (included
// from there only).  Inline and AMORPH_INLINE, so that the Kokkos variant of
// compute nonaffine/atom runs the same code in its device kernels.  Equations and
// conventions are documented in nonaffine_kernel.h (doc/src/Science.rst, section 2).

#ifndef AMORPH_NONAFFINE_KERNEL_IMPL_H
#define AMORPH_NONAFFINE_KERNEL_IMPL_H

#include <cfloat>
#include <cmath>

namespace AMORPH {
namespace nonaffine {

  namespace detail {

    constexpr double kEps = DBL_EPSILON;

    AMORPH_INLINE double sq(double x)
    {
      return x * x;
    }

    AMORPH_INLINE double frob2(const double A[9])
    {
      double s = 0.0;
      for (int k = 0; k < 9; ++k) s += A[k] * A[k];
      return s;
    }

    AMORPH_INLINE void identity(double A[9])
    {
      for (int k = 0; k < 9; ++k) A[k] = 0.0;
      A[0] = A[4] = A[8] = 1.0;
    }

    // C = A B
    AMORPH_INLINE void matmul(const double A[9], const double B[9], double C[9])
    {
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          C[3 * i + j] = A[3 * i] * B[j] + A[3 * i + 1] * B[3 + j] + A[3 * i + 2] * B[6 + j];
    }

    // C = A^T B
    AMORPH_INLINE void matmul_tn(const double A[9], const double B[9], double C[9])
    {
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          C[3 * i + j] = A[i] * B[j] + A[3 + i] * B[3 + j] + A[6 + i] * B[6 + j];
    }

    // adjugate (transpose of the cofactor matrix): A adj(A) = det(A) I
    AMORPH_INLINE void adjugate(const double A[9], double adj[9])
    {
      adj[0] = A[4] * A[8] - A[5] * A[7];
      adj[1] = A[2] * A[7] - A[1] * A[8];
      adj[2] = A[1] * A[5] - A[2] * A[4];
      adj[3] = A[5] * A[6] - A[3] * A[8];
      adj[4] = A[0] * A[8] - A[2] * A[6];
      adj[5] = A[2] * A[3] - A[0] * A[5];
      adj[6] = A[3] * A[7] - A[4] * A[6];
      adj[7] = A[1] * A[6] - A[0] * A[7];
      adj[8] = A[0] * A[4] - A[1] * A[3];
    }

    AMORPH_INLINE void cross(const double a[3], const double b[3], double c[3])
    {
      c[0] = a[1] * b[2] - a[2] * b[1];
      c[1] = a[2] * b[0] - a[0] * b[2];
      c[2] = a[0] * b[1] - a[1] * b[0];
    }

    AMORPH_INLINE double dot(const double a[3], const double b[3])
    {
      return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    // Symmetric part: U <- 1/2 (M + M^T)
    AMORPH_INLINE void symmetrize(const double M[9], double U[9])
    {
      for (int i = 0; i < 3; ++i) {
        U[4 * i] = M[4 * i];
        for (int j = i + 1; j < 3; ++j)
          U[3 * i + j] = U[3 * j + i] = 0.5 * (M[3 * i + j] + M[3 * j + i]);
      }
    }

    AMORPH_INLINE Result invalid_result(int n)
    {
      Result r{};    // all zero / false
      r.valid = false;
      r.nneigh = n;
      return r;
    }

    // Core of finish(): given V, B = sum u d0^T and S = sum |u|^2, compute
    // G = B V^-1 (F = I + G), D2min by the stationary quadratic form, strain
    // and rotation.  If the arrays d0 and d (n*3 doubles each) are given, D2min
    // is instead the direct residual sum over them (two-pass variant).
    AMORPH_INLINE Result evaluate(const double V[9], const double B[9], double S, int n, double tol,
                                  const double *d0, const double *d)
    {
      if (n < 3) return invalid_result(n);

      // Relative singularity test on V (symmetric positive semidefinite):
      //   |det V| <= tol * (tr V / 3)^3  -> invalid.
      const double detV = det3(V);
      const double trV3 = (V[0] + V[4] + V[8]) / 3.0;
      if (!std::isfinite(detV) || !std::isfinite(trV3) || !(trV3 > 0.0) ||
          !(std::fabs(detV) > tol * trV3 * trV3 * trV3))
        return invalid_result(n);

      // V^-1 = adj(V) / det V
      double Vinv[9];
      adjugate(V, Vinv);
      const double idet = 1.0 / detV;
      for (int k = 0; k < 9; ++k) Vinv[k] *= idet;

      // G = B V^-1 (displacement gradient), F = I + G
      double G[9];
      matmul(B, Vinv, G);

      Result r{};
      r.nneigh = n;
      for (int k = 0; k < 9; ++k) r.F[k] = G[k];
      r.F[0] += 1.0;
      r.F[4] += 1.0;
      r.F[8] += 1.0;

      double d2 = 0.0;
      if (d0 && d) {
        // Two-pass: D2min = sum_j |u_j - G d0_j|^2, u_j = d_j - d0_j
        for (int j = 0; j < n; ++j) {
          const double *a = d0 + 3 * j;
          const double *b = d + 3 * j;
          for (int i = 0; i < 3; ++i) {
            const double res =
                (b[i] - a[i]) - (G[3 * i] * a[0] + G[3 * i + 1] * a[1] + G[3 * i + 2] * a[2]);
            d2 += res * res;
          }
        }
      } else {
        // One-pass: D2min = S - 2 tr(G B^T) + tr(G V G^T)   (stationary in G)
        double GB = 0.0, GVG = 0.0;
        for (int i = 0; i < 3; ++i) {
          for (int a = 0; a < 3; ++a) {
            GB += G[3 * i + a] * B[3 * i + a];
            // (G V)_{ia} G_{ia}
            const double GVia = G[3 * i] * V[a] + G[3 * i + 1] * V[3 + a] + G[3 * i + 2] * V[6 + a];
            GVG += GVia * G[3 * i + a];
          }
        }
        d2 = (S - 2.0 * GB) + GVG;
        if (d2 < 0.0) d2 = 0.0;    // rounding (see caveat in the header)
      }
      r.d2min = d2;

      // Strain from the displacement gradient (no cancellation in F^T F - I)
      green_lagrange_from_gradient(G, r.eta);
      r.von_mises = von_mises_strain(r.eta);
      r.volumetric = volumetric_strain(r.eta);

      // Non-finite data (e.g. NaN/inf in d) must not leak out
      double chk = r.d2min + r.von_mises + r.volumetric;
      for (int k = 0; k < 9; ++k) chk += r.F[k];
      if (!std::isfinite(chk)) return invalid_result(n);

      double R[9], U[9];
      polar_decompose(r.F, R, U);
      // J = det F is the (dimensionless) local volume ratio; an absolute
      // threshold makes a collapsed cloud (F ~ rounding noise) count as well.
      r.inverted = !(det3(r.F) > kInvertedJ);
      r.rotation = rotation_angle(R);
      r.valid = true;
      return r;
    }

  }    // namespace detail
  using namespace detail;

  // ---------------------------------------------------------------------------
  // Accumulator

  AMORPH_INLINE void Accumulator::reset()
  {
    for (int k = 0; k < 9; ++k) V[k] = B[k] = 0.0;
    S = 0.0;
    n = 0;
  }

  AMORPH_INLINE void Accumulator::add(const double d0[3], const double d[3])
  {
    const double u[3] = {d[0] - d0[0], d[1] - d0[1], d[2] - d0[2]};
    add_displacement(d0, u);
  }

  AMORPH_INLINE void Accumulator::add_displacement(const double d0[3], const double u[3])
  {
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) {
        V[3 * i + j] += d0[i] * d0[j];
        B[3 * i + j] += u[i] * d0[j];
      }
    }
    S += u[0] * u[0] + u[1] * u[1] + u[2] * u[2];
    ++n;
  }

  AMORPH_INLINE Result Accumulator::finish(double tol) const
  {
    return evaluate(V, B, S, n, tol, nullptr, nullptr);
  }

  AMORPH_INLINE Result nonaffine_two_pass(const double *d0, const double *d, int n, double tol)
  {
    if (n < 3 || !d0 || !d) return invalid_result(n < 0 ? 0 : n);
    Accumulator acc;
    for (int j = 0; j < n; ++j) acc.add(d0 + 3 * j, d + 3 * j);
    return evaluate(acc.V, acc.B, acc.S, acc.n, tol, d0, d);
  }

  // ---------------------------------------------------------------------------
  // 3x3 helpers

  AMORPH_INLINE double det3(const double A[9])
  {
    return A[0] * (A[4] * A[8] - A[5] * A[7]) - A[1] * (A[3] * A[8] - A[5] * A[6]) +
        A[2] * (A[3] * A[7] - A[4] * A[6]);
  }

  AMORPH_INLINE bool invert3(const double A[9], double Ainv[9], double tol)
  {
    const double det = det3(A);
    const double scale = frob2(A) / 3.0;    // (||A||_F^2/3)^(3/2) ~ |det| scale
    if (!std::isfinite(det) || !(std::fabs(det) > tol * scale * std::sqrt(scale))) {
      for (int k = 0; k < 9; ++k) Ainv[k] = 0.0;
      return false;
    }
    adjugate(A, Ainv);
    const double idet = 1.0 / det;
    for (int k = 0; k < 9; ++k) Ainv[k] *= idet;
    return true;
  }

  AMORPH_INLINE void green_lagrange_from_gradient(const double H[9], double eta[6])
  {
    // eta = 1/2 (H + H^T + H^T H)
    double HtH[9];
    matmul_tn(H, H, HtH);
    eta[XX] = H[0] + 0.5 * HtH[0];
    eta[YY] = H[4] + 0.5 * HtH[4];
    eta[ZZ] = H[8] + 0.5 * HtH[8];
    eta[YZ] = 0.5 * (H[5] + H[7] + HtH[5]);
    eta[XZ] = 0.5 * (H[2] + H[6] + HtH[2]);
    eta[XY] = 0.5 * (H[1] + H[3] + HtH[1]);
  }

  AMORPH_INLINE void green_lagrange(const double F[9], double eta[6])
  {
    double H[9];
    for (int k = 0; k < 9; ++k) H[k] = F[k];
    H[0] -= 1.0;
    H[4] -= 1.0;
    H[8] -= 1.0;
    green_lagrange_from_gradient(H, eta);
  }

  AMORPH_INLINE double von_mises_strain(const double eta[6])
  {
    const double shear = sq(eta[XY]) + sq(eta[XZ]) + sq(eta[YZ]);
    const double normal =
        (sq(eta[XX] - eta[YY]) + sq(eta[XX] - eta[ZZ]) + sq(eta[YY] - eta[ZZ])) / 6.0;
    return std::sqrt(shear + normal);
  }

  AMORPH_INLINE double volumetric_strain(const double eta[6])
  {
    return (eta[XX] + eta[YY] + eta[ZZ]) / 3.0;
  }

  AMORPH_INLINE double rotation_angle(const double R[9])
  {
    // axial vector a = 1/2 (R_zy - R_yz, R_xz - R_zx, R_yx - R_xy), |a| = sin(theta)
    const double ax = 0.5 * (R[7] - R[5]);
    const double ay = 0.5 * (R[2] - R[6]);
    const double az = 0.5 * (R[3] - R[1]);
    const double s = std::sqrt(ax * ax + ay * ay + az * az);
    const double c = 0.5 * (R[0] + R[4] + R[8] - 1.0);
    const double theta = std::atan2(s, c);    // in [0, pi] since s >= 0
    return std::isfinite(theta) ? theta : 0.0;
  }

  // ---------------------------------------------------------------------------
  // Cyclic Jacobi eigen-solver for a symmetric 3x3 matrix (Golub & Van Loan
  // 4th ed. Alg. 8.5.2; rotation angle from the stable formula
  // t = sgn(th)/(|th| + sqrt(th^2+1)), th = (a_qq - a_pp)/(2 a_pq)).

  AMORPH_INLINE void symmetric_eigen3(const double Ain[9], double evals[3], double evecs[9])
  {
    double A[9];
    symmetrize(Ain, A);
    double Q[9];
    identity(Q);

    const double norm2 = frob2(A);
    for (int sweep = 0; sweep < 50; ++sweep) {
      const double off = sq(A[1]) + sq(A[2]) + sq(A[5]);
      if (!(off > sq(kEps) * 1e-4 * norm2)) break;    // off-diagonal negligible (or NaN)
      static const int pq[3][2] = {{0, 1}, {0, 2}, {1, 2}};
      for (const auto &e : pq) {
        const int p = e[0], q = e[1];
        const double apq = A[3 * p + q];
        if (apq == 0.0) continue;
        const double th = (A[3 * q + q] - A[3 * p + p]) / (2.0 * apq);
        double t;
        if (std::fabs(th) > 1e150)
          t = 0.5 / th;
        else
          t = (th >= 0.0 ? 1.0 : -1.0) / (std::fabs(th) + std::sqrt(th * th + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0);
        const double s = t * c;
        // A <- J^T A J with J the rotation in the (p,q) plane:
        // columns p,q then rows p,q.
        for (int k = 0; k < 3; ++k) {
          const double akp = A[3 * k + p], akq = A[3 * k + q];
          A[3 * k + p] = c * akp - s * akq;
          A[3 * k + q] = s * akp + c * akq;
        }
        for (int k = 0; k < 3; ++k) {
          const double apk = A[3 * p + k], aqk = A[3 * q + k];
          A[3 * p + k] = c * apk - s * aqk;
          A[3 * q + k] = s * apk + c * aqk;
        }
        A[3 * p + q] = A[3 * q + p] = 0.0;
        // Q <- Q J
        for (int k = 0; k < 3; ++k) {
          const double qkp = Q[3 * k + p], qkq = Q[3 * k + q];
          Q[3 * k + p] = c * qkp - s * qkq;
          Q[3 * k + q] = s * qkp + c * qkq;
        }
      }
    }

    // sort descending (3 elements: insertion sort on indices)
    int idx[3] = {0, 1, 2};
    const double lam[3] = {A[0], A[4], A[8]};
    for (int i = 1; i < 3; ++i)
      for (int j = i; j > 0 && lam[idx[j]] > lam[idx[j - 1]]; --j) {
        const int t = idx[j];
        idx[j] = idx[j - 1];
        idx[j - 1] = t;
      }
    for (int k = 0; k < 3; ++k) {
      evals[k] = lam[idx[k]];
      for (int row = 0; row < 3; ++row) evecs[3 * row + k] = Q[3 * row + idx[k]];
    }
    // right-handed: third column = first x second (exactly orthonormal basis)
    const double v1[3] = {evecs[0], evecs[3], evecs[6]};
    const double v2[3] = {evecs[1], evecs[4], evecs[7]};
    double v3[3];
    cross(v1, v2, v3);
    evecs[2] = v3[0];
    evecs[5] = v3[1];
    evecs[8] = v3[2];
  }

  // ---------------------------------------------------------------------------
  // Polar decomposition

  namespace detail {

    // Closest proper rotation to F (Kabsch) from the eigen-decomposition of
    // C = F^T F = Q diag(s^2) Q^T:  p_k = F q_k / |F q_k| for the two largest
    // singular values, p_3 = p_1 x p_2, R = sum_k p_k q_k^T.  For det F > 0 this
    // is the polar factor; for det F < 0 it flips the smallest singular
    // direction (R = P diag(1,1,-1) Q^T with F = P S Q^T).  Robust for
    // singular F (rank 2, 1 or 0).
    AMORPH_INLINE void closest_rotation(const double F[9], double R[9])
    {
      double C[9], lam[3], Q[9];
      matmul_tn(F, F, C);
      symmetric_eigen3(C, lam, Q);
      const double q1[3] = {Q[0], Q[3], Q[6]};
      const double q2[3] = {Q[1], Q[4], Q[7]};
      const double q3[3] = {Q[2], Q[5], Q[8]};

      double p1[3], p2[3], p3[3];
      for (int i = 0; i < 3; ++i) {
        p1[i] = F[3 * i] * q1[0] + F[3 * i + 1] * q1[1] + F[3 * i + 2] * q1[2];
        p2[i] = F[3 * i] * q2[0] + F[3 * i + 1] * q2[1] + F[3 * i + 2] * q2[2];
      }
      const double n1 = std::sqrt(dot(p1, p1));
      const double fn = std::sqrt(frob2(F));
      if (!(n1 > 1e-300) || !(n1 > kEps * fn)) {    // F == 0 (or rounding-level)
        identity(R);
        return;
      }
      for (double &x : p1) x /= n1;
      // Gram-Schmidt p2 against p1
      const double c12 = dot(p1, p2);
      for (int i = 0; i < 3; ++i) p2[i] -= c12 * p1[i];
      double n2 = std::sqrt(dot(p2, p2));
      if (!(n2 > 1e3 * kEps * n1)) {
        // rank 1: any unit vector perpendicular to p1
        int m = 0;    // coordinate axis least aligned with p1
        if (std::fabs(p1[1]) < std::fabs(p1[m])) m = 1;
        if (std::fabs(p1[2]) < std::fabs(p1[m])) m = 2;
        double e[3] = {0.0, 0.0, 0.0};
        e[m] = 1.0;
        cross(p1, e, p2);
        n2 = std::sqrt(dot(p2, p2));
      }
      for (double &x : p2) x /= n2;
      cross(p1, p2, p3);
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) R[3 * i + j] = p1[i] * q1[j] + p2[i] * q2[j] + p3[i] * q3[j];
    }

  }    // namespace detail

  AMORPH_INLINE bool polar_decompose(const double F[9], double R[9], double U[9])
  {
    double RtF[9];
    const double detF = det3(F);
    const double scale = frob2(F) / 3.0;

    bool newton_ok = false;
    if (std::isfinite(detF) && detF > 1e-12 * scale * std::sqrt(scale)) {
      // Higham's scaled Newton iteration; det R_k > 0 is preserved.
      double X[9], adj[9], Xn[9];
      for (int k = 0; k < 9; ++k) X[k] = F[k];
      double prev = 1.0;    // squared size of the previous step
      for (int it = 0; it < 100; ++it) {
        adjugate(X, adj);    // X^-1 = adj / det ; X^-T = adj^T / det
        const double det = X[0] * adj[0] + X[1] * adj[3] + X[2] * adj[6];
        if (!(det > 0.0) || !std::isfinite(det)) break;
        // Frobenius scaling g = sqrt(||X^-1|| / ||X||) speeds up the first steps from
        // far away; close to convergence g -> 1 (to second order in the step), so it is
        // dropped there: plain Newton converges quadratically on its own
        double g = 1.0;
        if (prev > 1e-6) {
          const double nx = std::sqrt(frob2(X));
          const double ninv = std::sqrt(frob2(adj)) / det;
          g = std::sqrt(ninv / nx);
        }
        const double a = 0.5 * g, b = 0.5 / (g * det);
        double diff = 0.0;
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 3; ++j) {
            Xn[3 * i + j] = a * X[3 * i + j] + b * adj[3 * j + i];
            diff += sq(Xn[3 * i + j] - X[3 * i + j]);
          }
        for (int k = 0; k < 9; ++k) X[k] = Xn[k];
        prev = diff;
        // Quadratic convergence: the error of the new iterate is ~ 1/2 of the
        // squared step, so a step < 1e-8 (||X||_F ~ sqrt 3) leaves ~1e-16.
        if (diff < 1e-16) {
          newton_ok = true;
          break;
        }
      }
      if (newton_ok) {
        for (int k = 0; k < 9; ++k) newton_ok = newton_ok && std::isfinite(X[k]);
        if (newton_ok)
          for (int k = 0; k < 9; ++k) R[k] = X[k];
      }
    }

    if (!newton_ok) {
      bool finite = std::isfinite(detF) && std::isfinite(scale);
      if (finite)
        closest_rotation(F, R);
      else
        identity(R);
    }

    // U = sym(R^T F)
    matmul_tn(R, F, RtF);
    symmetrize(RtF, U);
    for (int k = 0; k < 9; ++k)
      if (!std::isfinite(U[k])) U[k] = 0.0;
    return std::isfinite(detF) && detF > 0.0;
  }

}    // namespace nonaffine
}    // namespace AMORPH

#endif
