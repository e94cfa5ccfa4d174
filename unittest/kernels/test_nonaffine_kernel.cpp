// AMORPH - LAMMPS plugin package, GPL-2.0
//
// test_nonaffine_kernel.cpp -- GoogleTest unit tests of the non-affine
// displacement / local strain kernel (src/kernels/nonaffine_kernel.*).
//
// Reference values are derived independently of the kernel: closed forms
// worked out in the comments, matrices built from Rodrigues' formula, and a
// brute-force least-squares solve (normal equations of the 9 unknowns F_ab,
// Gaussian elimination with partial pivoting) that does not use the kernel's
// V / W formulation.

#include "nonaffine_kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

using namespace AMORPH::nonaffine;

namespace {

constexpr double PI = 3.14159265358979323846;

// ---------------------------------------------------------------------------
// Independent small linear-algebra helpers (row-major 3x3)

struct M3 {
  double a[9];
  double &operator()(int i, int j) { return a[3 * i + j]; }
  double operator()(int i, int j) const { return a[3 * i + j]; }
};

M3 eye()
{
  M3 m{};
  m(0, 0) = m(1, 1) = m(2, 2) = 1.0;
  return m;
}

M3 from(const double *p)
{
  M3 m{};
  for (int k = 0; k < 9; ++k) m.a[k] = p[k];
  return m;
}

M3 mul(const M3 &A, const M3 &B)
{
  M3 C{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) C(i, j) += A(i, k) * B(k, j);
  return C;
}

M3 tr(const M3 &A)
{
  M3 T{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) T(i, j) = A(j, i);
  return T;
}

M3 diag(double x, double y, double z)
{
  M3 m{};
  m(0, 0) = x;
  m(1, 1) = y;
  m(2, 2) = z;
  return m;
}

double det(const M3 &A)
{
  // Laplace expansion along the second row (different from the kernel)
  return -A(1, 0) * (A(0, 1) * A(2, 2) - A(0, 2) * A(2, 1)) +
      A(1, 1) * (A(0, 0) * A(2, 2) - A(0, 2) * A(2, 0)) -
      A(1, 2) * (A(0, 0) * A(2, 1) - A(0, 1) * A(2, 0));
}

double maxdiff(const M3 &A, const M3 &B)
{
  double m = 0.0;
  for (int k = 0; k < 9; ++k) m = std::max(m, std::fabs(A.a[k] - B.a[k]));
  return m;
}

// Rodrigues: rotation by angle t about unit axis n
M3 rotation(const double n_in[3], double t)
{
  const double nn = std::sqrt(n_in[0] * n_in[0] + n_in[1] * n_in[1] + n_in[2] * n_in[2]);
  const double n[3] = {n_in[0] / nn, n_in[1] / nn, n_in[2] / nn};
  const double c = std::cos(t), s = std::sin(t);
  M3 K{};
  K(0, 1) = -n[2];
  K(0, 2) = n[1];
  K(1, 0) = n[2];
  K(1, 2) = -n[0];
  K(2, 0) = -n[1];
  K(2, 1) = n[0];
  const M3 K2 = mul(K, K);
  M3 R = eye();
  for (int k = 0; k < 9; ++k) R.a[k] += s * K.a[k] + (1.0 - c) * K2.a[k];
  return R;
}

// Symmetric positive definite test via Cholesky (Sylvester-free)
bool is_spd(const M3 &A)
{
  double L[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j <= i; ++j) {
      double s = A(i, j);
      for (int k = 0; k < j; ++k) s -= L[i][k] * L[j][k];
      if (i == j) {
        if (!(s > 0.0)) return false;
        L[i][i] = std::sqrt(s);
      } else
        L[i][j] = s / L[j][j];
    }
  return true;
}

// Green-Lagrange strain by the textbook formula 1/2 (F^T F - I), Voigt
// xx yy zz yz xz xy
void gl_reference(const M3 &F, double e[6])
{
  M3 C = mul(tr(F), F);
  e[0] = 0.5 * (C(0, 0) - 1.0);
  e[1] = 0.5 * (C(1, 1) - 1.0);
  e[2] = 0.5 * (C(2, 2) - 1.0);
  e[3] = 0.5 * C(1, 2);
  e[4] = 0.5 * C(0, 2);
  e[5] = 0.5 * C(0, 1);
}

std::mt19937_64 &rng()
{
  static std::mt19937_64 g(20240521ULL);
  return g;
}

double uni(double lo, double hi)
{
  return std::uniform_real_distribution<double>(lo, hi)(rng());
}

M3 random_rotation()
{
  const double axis[3] = {uni(-1, 1), uni(-1, 1), uni(-1, 1)};
  return rotation(axis, uni(0.0, PI));
}

// Random neighbour cloud: n bond vectors with lengths in [2.2, 3.4] A.
// Like a physical neighbour shell it is kept reasonably isotropic: clouds
// with det V / (tr V / 3)^3 < 0.05 (cond(V) >~ 100, only possible for very
// small n) are redrawn, since the recovered F is only accurate to
// ~eps * cond(V) and the tests demand 1e-12.
std::vector<double> random_cloud(int n)
{
  std::vector<double> d0(3 * n);
  std::normal_distribution<double> gauss(0.0, 1.0);
  for (;;) {
    M3 V{};
    for (int j = 0; j < n; ++j) {
      double v[3] = {gauss(rng()), gauss(rng()), gauss(rng())};
      const double len = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
      const double r = uni(2.2, 3.4);
      for (int k = 0; k < 3; ++k) d0[3 * j + k] = v[k] / len * r;
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) V(a, b) += d0[3 * j + a] * d0[3 * j + b];
    }
    const double t = (V(0, 0) + V(1, 1) + V(2, 2)) / 3.0;
    if (n < 3 || det(V) > 0.05 * t * t * t) return d0;
  }
}

std::vector<double> deform(const M3 &F, const std::vector<double> &d0)
{
  std::vector<double> d(d0.size());
  for (size_t j = 0; j < d0.size() / 3; ++j)
    for (int i = 0; i < 3; ++i)
      d[3 * j + i] = F(i, 0) * d0[3 * j] + F(i, 1) * d0[3 * j + 1] + F(i, 2) * d0[3 * j + 2];
  return d;
}

Result run_accumulator(const std::vector<double> &d0, const std::vector<double> &d)
{
  Accumulator acc;
  for (size_t j = 0; j < d0.size() / 3; ++j) acc.add(&d0[3 * j], &d[3 * j]);
  return acc.finish();
}

void expect_all_finite(const Result &r)
{
  EXPECT_TRUE(std::isfinite(r.d2min));
  EXPECT_TRUE(std::isfinite(r.von_mises));
  EXPECT_TRUE(std::isfinite(r.volumetric));
  EXPECT_TRUE(std::isfinite(r.rotation));
  for (double x : r.F) EXPECT_TRUE(std::isfinite(x));
  for (double x : r.eta) EXPECT_TRUE(std::isfinite(x));
}

void expect_invalid(const Result &r, int n)
{
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.nneigh, n);
  expect_all_finite(r);
  EXPECT_EQ(r.d2min, 0.0);
  EXPECT_EQ(r.von_mises, 0.0);
  EXPECT_EQ(r.volumetric, 0.0);
  EXPECT_EQ(r.rotation, 0.0);
  for (double x : r.F) EXPECT_EQ(x, 0.0);
  for (double x : r.eta) EXPECT_EQ(x, 0.0);
}

// Brute-force least squares for F: minimise sum_{j,a} (d_ja - sum_b F_ab
// d0_jb)^2 over the 9 unknowns f = (F_00, F_01, ..., F_22).  Design matrix
// row (j,a) has d0_jb in column 3a+b; normal equations M^T M f = M^T y solved
// by Gaussian elimination with partial pivoting.  D2min is then the direct
// residual sum.
void brute_force(const std::vector<double> &d0, const std::vector<double> &d, M3 &F, double &d2min)
{
  const int n = static_cast<int>(d0.size() / 3);
  double A[9][10] = {};    // augmented [M^T M | M^T y]
  for (int j = 0; j < n; ++j)
    for (int a = 0; a < 3; ++a) {
      double row[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
      for (int b = 0; b < 3; ++b) row[3 * a + b] = d0[3 * j + b];
      const double y = d[3 * j + a];
      for (int p = 0; p < 9; ++p) {
        for (int q = 0; q < 9; ++q) A[p][q] += row[p] * row[q];
        A[p][9] += row[p] * y;
      }
    }
  for (int c = 0; c < 9; ++c) {
    int piv = c;
    for (int r = c + 1; r < 9; ++r)
      if (std::fabs(A[r][c]) > std::fabs(A[piv][c])) piv = r;
    for (int q = 0; q < 10; ++q) std::swap(A[c][q], A[piv][q]);
    for (int r = c + 1; r < 9; ++r) {
      const double m = A[r][c] / A[c][c];
      for (int q = c; q < 10; ++q) A[r][q] -= m * A[c][q];
    }
  }
  double f[9];
  for (int c = 8; c >= 0; --c) {
    double s = A[c][9];
    for (int q = c + 1; q < 9; ++q) s -= A[c][q] * f[q];
    f[c] = s / A[c][c];
  }
  for (int k = 0; k < 9; ++k) F.a[k] = f[k];
  d2min = 0.0;
  for (int j = 0; j < n; ++j)
    for (int a = 0; a < 3; ++a) {
      double pred = 0.0;
      for (int b = 0; b < 3; ++b) pred += F(a, b) * d0[3 * j + b];
      d2min += (d[3 * j + a] - pred) * (d[3 * j + a] - pred);
    }
}

// First shells: simple cubic (6 at +-a e_k) and fcc (12 at (a/2)(+-1,+-1,0)
// and permutations)
std::vector<double> sc_shell(double a)
{
  std::vector<double> v;
  for (int k = 0; k < 3; ++k)
    for (int s = -1; s <= 1; s += 2) {
      double p[3] = {0, 0, 0};
      p[k] = s * a;
      v.insert(v.end(), p, p + 3);
    }
  return v;
}

std::vector<double> fcc_shell(double a)
{
  std::vector<double> v;
  const double h = 0.5 * a;
  for (int k = 0; k < 3; ++k)    // k: the zero component
    for (int s1 = -1; s1 <= 1; s1 += 2)
      for (int s2 = -1; s2 <= 1; s2 += 2) {
        double p[3];
        p[k] = 0.0;
        p[(k + 1) % 3] = s1 * h;
        p[(k + 2) % 3] = s2 * h;
        v.insert(v.end(), p, p + 3);
      }
  return v;
}

}    // namespace

// ===========================================================================
// 3x3 building blocks

TEST(NonaffineLinalg, SymmetricEigenRandom)
{
  for (int trial = 0; trial < 200; ++trial) {
    M3 A{};
    for (int i = 0; i < 3; ++i)
      for (int j = i; j < 3; ++j) A(i, j) = A(j, i) = uni(-2, 2);
    double lam[3], Q[9];
    symmetric_eigen3(A.a, lam, Q);
    EXPECT_GE(lam[0], lam[1]);
    EXPECT_GE(lam[1], lam[2]);
    const M3 Qm = from(Q);
    EXPECT_LT(maxdiff(mul(tr(Qm), Qm), eye()), 1e-14);
    EXPECT_NEAR(det(Qm), 1.0, 1e-14);
    // A = Q diag(lam) Q^T
    EXPECT_LT(maxdiff(mul(mul(Qm, diag(lam[0], lam[1], lam[2])), tr(Qm)), A), 1e-13);
  }
  // degenerate spectra
  double lam[3], Q[9];
  M3 I3 = eye();
  symmetric_eigen3(I3.a, lam, Q);
  for (double l : lam) EXPECT_DOUBLE_EQ(l, 1.0);
  const M3 Rr = random_rotation();
  const M3 A = mul(mul(Rr, diag(2.0, 2.0, -1.0)), tr(Rr));
  symmetric_eigen3(A.a, lam, Q);
  EXPECT_NEAR(lam[0], 2.0, 1e-14);
  EXPECT_NEAR(lam[1], 2.0, 1e-14);
  EXPECT_NEAR(lam[2], -1.0, 1e-14);
}

TEST(NonaffineLinalg, Invert3)
{
  const M3 A = {{2.0, 0.3, -0.1, 0.2, 1.5, 0.4, -0.3, 0.1, 1.2}};
  double Ai[9];
  ASSERT_TRUE(invert3(A.a, Ai));
  EXPECT_LT(maxdiff(mul(A, from(Ai)), eye()), 1e-15);
  const M3 S = {{1, 2, 3, 2, 4, 6, 0, 1, 1}};    // rank 2
  EXPECT_FALSE(invert3(S.a, Ai));
  for (double x : Ai) EXPECT_EQ(x, 0.0);
}

// ===========================================================================
// Polar decomposition alone

TEST(NonaffinePolar, RandomPositiveDeterminant)
{
  int tested = 0;
  while (tested < 500) {
    M3 F{};
    // alternate near-identity (physical) and fully random matrices
    if (tested % 2 == 0) {
      F = eye();
      for (double &x : F.a) x += uni(-0.4, 0.4);
    } else {
      for (double &x : F.a) x = uni(-1.0, 1.0);
    }
    double dF = det(F);
    if (dF < 0.0) {
      for (double &x : F.a) x = -x;
      dF = -dF;
    }
    if (dF < 1e-3) continue;    // keep cond(F) moderate
    ++tested;
    double R[9], U[9];
    ASSERT_TRUE(polar_decompose(F.a, R, U));
    const M3 Rm = from(R), Um = from(U);
    EXPECT_LT(maxdiff(mul(tr(Rm), Rm), eye()), 1e-12);
    EXPECT_NEAR(det(Rm), 1.0, 1e-12);
    EXPECT_LT(maxdiff(Um, tr(Um)), 1e-15);
    EXPECT_TRUE(is_spd(Um));
    EXPECT_LT(maxdiff(mul(Rm, Um), F), 1e-12);
  }
}

TEST(NonaffinePolar, KnownFactorsRecovered)
{
  // polar decomposition is unique for det F > 0: F = R0 U0 -> (R0, U0)
  for (int trial = 0; trial < 100; ++trial) {
    const M3 R0 = random_rotation();
    const M3 Q = random_rotation();
    const M3 U0 = mul(mul(Q, diag(uni(0.3, 3.0), uni(0.3, 3.0), uni(0.3, 3.0))), tr(Q));
    const M3 F = mul(R0, U0);
    double R[9], U[9];
    ASSERT_TRUE(polar_decompose(F.a, R, U));
    EXPECT_LT(maxdiff(from(R), R0), 1e-12);
    EXPECT_LT(maxdiff(from(U), U0), 1e-12);
  }
}

TEST(NonaffinePolar, PureRotationAngle)
{
  const double angles[] = {0.0,    1e-12, 1e-8, 1e-6,      1e-3,      0.1,       0.5, 1.0,
                           PI / 2, 2.0,   3.0,  PI - 1e-3, PI - 1e-6, PI - 1e-8, PI};
  const double axes[][3] = {{0, 0, 1}, {1, 0, 0}, {1, 1, 1}, {0.3, -0.7, 0.2}};
  for (const auto &ax : axes)
    for (double a : angles) {
      const M3 R0 = rotation(ax, a);
      // angle straight from the matrix
      EXPECT_NEAR(rotation_angle(R0.a), a, 1e-14) << "a=" << a;
      // and after the polar decomposition (R = F, U = I)
      double R[9], U[9];
      ASSERT_TRUE(polar_decompose(R0.a, R, U));
      EXPECT_LT(maxdiff(from(R), R0), 1e-14);
      EXPECT_LT(maxdiff(from(U), eye()), 1e-14);
      EXPECT_NEAR(rotation_angle(R), a, 1e-14) << "a=" << a;
      // agrees with the textbook acos() form (which is only accurate to
      // ~sqrt(eps) near 0 and pi)
      const double c = std::max(-1.0, std::min(1.0, 0.5 * (R[0] + R[4] + R[8] - 1.0)));
      EXPECT_NEAR(std::acos(c), a, 2e-8);
    }
  // negative angle about an axis = positive angle about the reversed axis
  const double z[3] = {0, 0, 1};
  EXPECT_NEAR(rotation_angle(rotation(z, -0.4).a), 0.4, 1e-15);
}

TEST(NonaffinePolar, PureStretchGivesIdentityRotation)
{
  const M3 D = diag(1.2, 0.8, 1.05);
  double R[9], U[9];
  ASSERT_TRUE(polar_decompose(D.a, R, U));
  EXPECT_LT(maxdiff(from(R), eye()), 1e-15);
  EXPECT_LT(maxdiff(from(U), D), 1e-15);
  EXPECT_NEAR(rotation_angle(R), 0.0, 1e-15);
  // symmetric positive definite stretch along rotated axes
  const M3 Q = random_rotation();
  const M3 S = mul(mul(Q, diag(1.5, 0.6, 0.9)), tr(Q));
  ASSERT_TRUE(polar_decompose(S.a, R, U));
  EXPECT_LT(maxdiff(from(R), eye()), 1e-14);
  EXPECT_LT(maxdiff(from(U), S), 1e-14);
  EXPECT_NEAR(rotation_angle(R), 0.0, 1e-14);
}

TEST(NonaffinePolar, InvertedIsClosestProperRotation)
{
  // F = R0 diag(2, 1.5, -0.5) R1^T, det F < 0.  SVD: F = P S Q^T with
  // P = R0 diag(1,1,-1), S = diag(2,1.5,0.5), Q = R1.  Closest proper
  // rotation (Kabsch) = P diag(1,1,det(P Q^T)) Q^T = R0 R1^T, and
  // U = R^T F = R1 diag(2,1.5,-0.5) R1^T (symmetric, indefinite).
  for (int trial = 0; trial < 50; ++trial) {
    const M3 R0 = random_rotation(), R1 = random_rotation();
    const M3 F = mul(mul(R0, diag(2.0, 1.5, -0.5)), tr(R1));
    double R[9], U[9];
    EXPECT_FALSE(polar_decompose(F.a, R, U));
    EXPECT_LT(maxdiff(from(R), mul(R0, tr(R1))), 1e-12);
    EXPECT_LT(maxdiff(from(U), mul(mul(R1, diag(2.0, 1.5, -0.5)), tr(R1))), 1e-12);
    EXPECT_LT(maxdiff(mul(from(R), from(U)), F), 1e-12);
  }
  // singular F: rank 2, rank 1, zero -> finite, R proper orthogonal, RU = F
  const M3 P = random_rotation(), Q = random_rotation();
  const M3 cases[] = {mul(mul(P, diag(2.0, 1.0, 0.0)), tr(Q)),
                      mul(mul(P, diag(1.3, 0.0, 0.0)), tr(Q)), diag(0.0, 0.0, 0.0),
                      diag(1.0, 1.0, -1.0)};
  for (const M3 &F : cases) {
    double R[9], U[9];
    // (the return value det F > 0 is rounding-dependent for the rotated
    // singular cases, so it is not checked)
    polar_decompose(F.a, R, U);
    for (int k = 0; k < 9; ++k) {
      EXPECT_TRUE(std::isfinite(R[k]));
      EXPECT_TRUE(std::isfinite(U[k]));
    }
    const M3 Rm = from(R);
    EXPECT_LT(maxdiff(mul(tr(Rm), Rm), eye()), 1e-12);
    EXPECT_NEAR(det(Rm), 1.0, 1e-12);
    EXPECT_LT(maxdiff(mul(Rm, from(U)), F), 1e-12);
    EXPECT_TRUE(std::isfinite(rotation_angle(R)));
  }
  // NaN input: no NaN out
  double Fn[9] = {NAN, 0, 0, 0, 1, 0, 0, 0, 1}, R[9], U[9];
  EXPECT_FALSE(polar_decompose(Fn, R, U));
  for (int k = 0; k < 9; ++k) EXPECT_TRUE(std::isfinite(R[k]) && std::isfinite(U[k]));
}

// ===========================================================================
// Strain measures

TEST(NonaffineStrain, SimpleShearClosedForm)
{
  // Simple shear x' = x + g y:  F = [[1,g,0],[0,1,0],[0,0,1]]
  //   F^T F = [[1, g, 0], [g, 1+g^2, 0], [0, 0, 1]]
  //   eta_xx = 0, eta_yy = g^2/2, eta_zz = 0, eta_xy = g/2, eta_xz = eta_yz = 0
  //   von Mises = sqrt( g^2/4 + [(g^2/2)^2 + 0 + (g^2/2)^2]/6 )
  //             = sqrt( g^2/4 + g^4/12 )
  //   volumetric = (g^2/2)/3 = g^2/6
  for (double g : {1e-6, 0.01, 0.1, 0.5, 1.0}) {
    const M3 F = {{1, g, 0, 0, 1, 0, 0, 0, 1}};
    double e[6];
    green_lagrange(F.a, e);
    EXPECT_NEAR(e[XX], 0.0, 1e-16);
    EXPECT_NEAR(e[YY], 0.5 * g * g, 1e-16);
    EXPECT_NEAR(e[ZZ], 0.0, 1e-16);
    EXPECT_NEAR(e[YZ], 0.0, 1e-16);
    EXPECT_NEAR(e[XZ], 0.0, 1e-16);
    EXPECT_NEAR(e[XY], 0.5 * g, 1e-16);
    EXPECT_NEAR(von_mises_strain(e), std::sqrt(g * g / 4 + g * g * g * g / 12), 1e-15);
    EXPECT_NEAR(volumetric_strain(e), g * g / 6, 1e-16);
  }
}

TEST(NonaffineStrain, UniaxialAndHydrostatic)
{
  // uniaxial stretch F = diag(l,1,1): eta_xx = (l^2-1)/2 = e,
  //   von Mises = sqrt((e^2 + e^2)/6) = e/sqrt(3), volumetric = e/3
  const double l = 1.1, e = 0.5 * (l * l - 1.0);
  M3 F = diag(l, 1, 1);
  double eta[6];
  green_lagrange(F.a, eta);
  EXPECT_NEAR(eta[XX], e, 1e-15);
  EXPECT_NEAR(von_mises_strain(eta), e / std::sqrt(3.0), 1e-15);
  EXPECT_NEAR(volumetric_strain(eta), e / 3.0, 1e-15);
  // hydrostatic F = l I: no shear, volumetric = (l^2-1)/2
  F = diag(l, l, l);
  green_lagrange(F.a, eta);
  EXPECT_NEAR(von_mises_strain(eta), 0.0, 1e-15);
  EXPECT_NEAR(volumetric_strain(eta), e, 1e-15);
  // small-strain accuracy (no cancellation in F^T F - I):
  // H = F - I with H_xx = h: eta_xx = h + h^2/2.  h = 2^-30 makes 1 + h
  // exactly representable, so green_lagrange(F) must be exact as well.
  const double h = std::ldexp(1.0, -30);
  F = diag(1.0 + h, 1, 1);
  green_lagrange(F.a, eta);
  EXPECT_EQ(eta[XX], h + 0.5 * h * h);
  const M3 H = diag(1e-9, 0, 0);
  green_lagrange_from_gradient(H.a, eta);
  EXPECT_NEAR(eta[XX], 1e-9 + 5e-19, 1e-30);
  // whereas the textbook 1/2 (F^T F - I) loses ~7 digits here
  double eref[6];
  gl_reference(diag(1.0 + 1e-9, 1, 1), eref);
  EXPECT_NEAR(eref[XX], 1e-9, 1e-15);
}

// ===========================================================================
// Homogeneous affine deformation of a random neighbour cloud

TEST(NonaffineKernel, AffineDeformationsRecovered)
{
  const double axis[3] = {0.2, -0.5, 0.8};
  const double gamma = 0.1;
  struct Case {
    const char *name;
    M3 F;
    double rotation;    // expected angle, < 0: compare with polar of F
  };
  const Case cases[] = {
      {"identity", eye(), 0.0},
      {"simple_shear", {{1, gamma, 0, 0, 1, 0, 0, 0, 1}}, std::atan(0.5 * gamma)},
      {"triaxial", diag(1.1, 0.95, 1.02), 0.0},
      {"rotation_only", rotation(axis, 0.7), 0.7},
      {"large_rotation", rotation(axis, 2.9), 2.9},
      {"rotation_stretch", mul(rotation(axis, 0.3), diag(1.08, 0.9, 1.0)), 0.3},
      {"triclinic", {{1.05, 0.1, -0.07, 0.02, 0.97, 0.12, -0.05, 0.03, 1.1}}, -1.0},
  };
  for (int n : {4, 12, 40}) {
    const std::vector<double> d0 = random_cloud(n);
    for (const Case &c : cases) {
      SCOPED_TRACE(std::string(c.name) + " n=" + std::to_string(n));
      const std::vector<double> d = deform(c.F, d0);
      const Result r1 = run_accumulator(d0, d);
      const Result r2 = nonaffine_two_pass(d0.data(), d.data(), n);
      // add_displacement with u = d - d0 computed here
      Accumulator acc;
      for (int j = 0; j < n; ++j) {
        const double u[3] = {d[3 * j] - d0[3 * j], d[3 * j + 1] - d0[3 * j + 1],
                             d[3 * j + 2] - d0[3 * j + 2]};
        acc.add_displacement(&d0[3 * j], u);
      }
      const Result r3 = acc.finish();
      double eref[6];
      gl_reference(c.F, eref);
      double Rp[9], Up[9];
      polar_decompose(c.F.a, Rp, Up);
      const double rot = c.rotation >= 0.0 ? c.rotation : rotation_angle(Rp);
      for (const Result *r : {&r1, &r2, &r3}) {
        ASSERT_TRUE(r->valid);
        EXPECT_FALSE(r->inverted);
        EXPECT_EQ(r->nneigh, n);
        EXPECT_LT(r->d2min, 1e-10);
        EXPECT_GE(r->d2min, 0.0);
        EXPECT_LT(maxdiff(from(r->F), c.F), 1e-12);
        for (int k = 0; k < 6; ++k) EXPECT_NEAR(r->eta[k], eref[k], 1e-12) << "k=" << k;
        EXPECT_NEAR(r->rotation, rot, 1e-12);
      }
      // the one-pass expansion is in fact far better than the requirement:
      // its rounding error is a few eps * S, S = sum |d - d0|^2
      double S = 0.0;
      for (size_t k = 0; k < d.size(); ++k) S += (d[k] - d0[k]) * (d[k] - d0[k]);
      EXPECT_LE(r1.d2min, 10 * 2.2e-16 * S);
      EXPECT_LT(r2.d2min, 1e-20);    // two-pass: ~eps^2 * S * cond(V)
    }
  }
  // closed-form invariants of simple shear through the full kernel
  const std::vector<double> d0 = random_cloud(14);
  const M3 Fs = {{1, gamma, 0, 0, 1, 0, 0, 0, 1}};
  const Result r = run_accumulator(d0, deform(Fs, d0));
  EXPECT_NEAR(r.eta[XY], gamma / 2, 1e-12);
  EXPECT_NEAR(r.eta[YY], gamma * gamma / 2, 1e-12);
  EXPECT_NEAR(r.von_mises, std::sqrt(gamma * gamma / 4 + std::pow(gamma, 4) / 12), 1e-12);
  EXPECT_NEAR(r.volumetric, gamma * gamma / 6, 1e-12);
  // rotation of simple shear: tan(theta) = gamma/2 (2-D polar decomposition)
  EXPECT_NEAR(r.rotation, std::atan(gamma / 2), 1e-12);
}

TEST(NonaffineKernel, TranslationAndUnitInvariance)
{
  // the singularity test is relative: very small / very large length units
  // still give valid, identical strains
  const std::vector<double> d0 = random_cloud(12);
  const M3 F = {{1.05, 0.1, -0.07, 0.02, 0.97, 0.12, -0.05, 0.03, 1.1}};
  const Result ref = run_accumulator(d0, deform(F, d0));
  for (double scale : {1e-6, 1e-3, 1e3, 1e6}) {
    std::vector<double> s0(d0);
    for (double &x : s0) x *= scale;
    const Result r = run_accumulator(s0, deform(F, s0));
    ASSERT_TRUE(r.valid) << scale;
    for (int k = 0; k < 6; ++k) EXPECT_NEAR(r.eta[k], ref.eta[k], 1e-12);
    EXPECT_NEAR(r.rotation, ref.rotation, 1e-12);
    EXPECT_LT(r.d2min, 1e-13 * scale * scale);
  }
}

// ===========================================================================
// One displaced neighbour in a symmetric first shell
//
// Derivation.  Shell of N bond vectors d0_j of equal length r with
// V = sum_j d0_j d0_j^T = c I, c = N r^2 / 3 by cubic symmetry (sc, N = 6,
// r = a: V_xx = 2 a^2; fcc, N = 12, r = a/sqrt2: 8 vectors have x = +-a/2,
// V_xx = 8 a^2/4 = 2 a^2 = 12 (a^2/2)/3; off-diagonals cancel in pairs).
// Displace neighbour k by u: d_j = d0_j + u delta_jk.  Then
//   W = V + u d0_k^T,   F = W V^-1 = I + u d0_k^T / c     (F != I !)
//   residual r_j = d_j - F d0_j = u delta_jk - u (d0_k . d0_j)/c
//   D2min = |u|^2 [ (1 - s)^2 + sum_{j != k} (d0_k . d0_j)^2 / c^2 ],
//   s = |d0_k|^2 / c.  With sum_j (d0_k . d0_j)^2 = d0_k^T V d0_k = c |d0_k|^2,
//   sum_{j != k} (...)^2 / c^2 = s - s^2, so
//   D2min = |u|^2 [1 - 2s + s^2 + s - s^2] = |u|^2 (1 - s) = |u|^2 (1 - 3/N)
// (s = 3/N), independent of the direction of u: sc -> |u|^2/2,
// fcc -> 3|u|^2/4.  (In general D2min = |u|^2 (1 - d0_k^T V^-1 d0_k), one
// minus the leverage of neighbour k.)

TEST(NonaffineKernel, OneDisplacedNeighbourSymmetricShell)
{
  struct Shell {
    const char *name;
    std::vector<double> d0;
  };
  const Shell shells[] = {{"sc", sc_shell(2.7)}, {"fcc", fcc_shell(3.6)}};
  const double us[][3] = {{0.1, 0.0, 0.0}, {0.03, -0.05, 0.02}, {1e-4, 2e-4, -3e-4}};
  for (const Shell &sh : shells) {
    const int N = static_cast<int>(sh.d0.size() / 3);
    double c = 0.0;
    for (double x : sh.d0) c += x * x;
    c /= 3.0;
    for (int k = 0; k < N; ++k)
      for (const auto &u : us) {
        SCOPED_TRACE(std::string(sh.name) + " k=" + std::to_string(k));
        std::vector<double> d(sh.d0);
        for (int i = 0; i < 3; ++i) d[3 * k + i] += u[i];
        const double u2 = u[0] * u[0] + u[1] * u[1] + u[2] * u[2];
        const double expected = u2 * (1.0 - 3.0 / N);
        const Result r1 = run_accumulator(sh.d0, d);
        const Result r2 = nonaffine_two_pass(sh.d0.data(), d.data(), N);
        ASSERT_TRUE(r1.valid);
        ASSERT_TRUE(r2.valid);
        EXPECT_NEAR(r1.d2min, expected, 1e-12 * expected + 1e-16);
        EXPECT_NEAR(r2.d2min, expected, 1e-12 * expected + 1e-16);
        // F = I + u d0_k^T / c
        M3 Fexp = eye();
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 3; ++j) Fexp(i, j) += u[i] * sh.d0[3 * k + j] / c;
        EXPECT_LT(maxdiff(from(r1.F), Fexp), 1e-14);
      }
    // sc: 1/2, fcc: 3/4 of |u|^2 (stated explicitly)
    std::vector<double> d(sh.d0);
    d[0] += 0.2;
    const Result r = run_accumulator(sh.d0, d);
    EXPECT_NEAR(r.d2min, (N == 6 ? 0.5 : 0.75) * 0.04, 1e-15);
  }
}

TEST(NonaffineKernel, MatchesBruteForceLeastSquares)
{
  // random cloud, random affine deformation plus random non-affine noise
  for (int trial = 0; trial < 50; ++trial) {
    const int n = 5 + trial % 30;
    const std::vector<double> d0 = random_cloud(n);
    M3 F = eye();
    for (double &x : F.a) x += uni(-0.15, 0.15);
    std::vector<double> d = deform(F, d0);
    const double amp = trial % 2 ? 0.2 : 1e-3;
    for (double &x : d) x += uni(-amp, amp);
    M3 Fbf;
    double d2bf;
    brute_force(d0, d, Fbf, d2bf);
    const Result r1 = run_accumulator(d0, d);
    const Result r2 = nonaffine_two_pass(d0.data(), d.data(), n);
    ASSERT_TRUE(r1.valid);
    EXPECT_LT(maxdiff(from(r1.F), Fbf), 1e-12);
    EXPECT_LT(maxdiff(from(r2.F), Fbf), 1e-12);
    EXPECT_NEAR(r1.d2min, d2bf, 1e-10 * d2bf + 1e-14);
    EXPECT_NEAR(r2.d2min, d2bf, 1e-10 * d2bf + 1e-14);
    double eref[6];
    gl_reference(Fbf, eref);
    for (int k = 0; k < 6; ++k) EXPECT_NEAR(r1.eta[k], eref[k], 1e-12);
  }
}

// evaluate_bonds(): the per-atom row of compute nonaffine/atom from positions and a bond
// list, against the brute-force solve, with the central atom and the neighbours at
// arbitrary rows of a double** position array and in shuffled bond order
TEST(NonaffineKernel, EvaluateBondsRowMatchesBruteForce)
{
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 6 + trial % 10;
    const std::vector<double> d0 = random_cloud(n);
    M3 F = eye();
    for (double &x : F.a) x += uni(-0.1, 0.1);
    std::vector<double> d = deform(F, d0);
    for (double &x : d) x += uni(-0.05, 0.05);
    M3 Fbf;
    double d2bf;
    brute_force(d0, d, Fbf, d2bf);
    double eref[6];
    gl_reference(Fbf, eref);

    // positions: atom i = row 3 at xi, neighbour k at row 4 + 2 k (odd rows unused)
    const int nrow = 4 + 2 * n;
    std::vector<double> storage(3 * nrow, 1e300);
    std::vector<double *> rows(nrow);
    for (int r = 0; r < nrow; ++r) rows[r] = &storage[3 * r];
    const double xi[3] = {10.5, -3.25, 7.0};
    for (int c = 0; c < 3; ++c) rows[3][c] = xi[c];
    std::vector<int> bj;
    std::vector<double> bd0;
    for (int k = n - 1; k >= 0; --k) {    // reversed order
      bj.push_back(4 + 2 * k);
      for (int c = 0; c < 3; ++c) {
        rows[4 + 2 * k][c] = xi[c] + d[3 * k + c];
        bd0.push_back(d0[3 * k + c]);
      }
    }
    for (const int withF : {0, 1}) {
      const int colF = withF ? 5 : -1, colS = withF ? 14 : 5;
      double out[20] = {0.0};
      const bool lost =
          evaluate_bonds(AMORPH::Rows{rows.data()}, 3, AMORPH::Flat{bj.data()},
                         AMORPH::Strided<3>{bd0.data()}, 0, n, n, colF, colS, AMORPH::Row{out});
      ASSERT_FALSE(lost);
      EXPECT_NEAR(out[0], d2bf, 1e-9 * d2bf + 1e-12);
      // von Mises and volumetric strain written out from the reference strain
      const double vm = std::sqrt(eref[XY] * eref[XY] + eref[XZ] * eref[XZ] + eref[YZ] * eref[YZ] +
                                  ((eref[XX] - eref[YY]) * (eref[XX] - eref[YY]) +
                                   (eref[XX] - eref[ZZ]) * (eref[XX] - eref[ZZ]) +
                                   (eref[YY] - eref[ZZ]) * (eref[YY] - eref[ZZ])) /
                                      6.0);
      EXPECT_NEAR(out[1], vm, 1e-11);
      EXPECT_NEAR(out[2], (eref[XX] + eref[YY] + eref[ZZ]) / 3.0, 1e-12);
      EXPECT_GE(out[3], 0.0);
      EXPECT_EQ(out[4], 1.0);
      if (withF) {
        for (int k = 0; k < 9; ++k) EXPECT_NEAR(out[colF + k], Fbf.a[k], 1e-12);
      }
      // LAMMPS order xx yy zz xy xz yz
      const int order[6] = {XX, YY, ZZ, XY, XZ, YZ};
      for (int k = 0; k < 6; ++k) EXPECT_NEAR(out[colS + k], eref[order[k]], 1e-12);
    }
    // fewer bonds than the reference count: lost, flag -1, nothing else written
    double out[11] = {0.0};
    EXPECT_TRUE(evaluate_bonds(AMORPH::Rows{rows.data()}, 3, AMORPH::Flat{bj.data()},
                               AMORPH::Strided<3>{bd0.data()}, 0, n, n + 1, -1, 5,
                               AMORPH::Row{out}));
    EXPECT_EQ(out[4], -1.0);
    for (int c = 0; c < 11; ++c) {
      if (c != 4) { EXPECT_EQ(out[c], 0.0); }
    }
    // two bonds: invalid, the row stays 0
    double out2[5] = {0.0};
    EXPECT_FALSE(evaluate_bonds(AMORPH::Rows{rows.data()}, 3, AMORPH::Flat{bj.data()},
                                AMORPH::Strided<3>{bd0.data()}, 0, 2, 2, -1, -1,
                                AMORPH::Row{out2}));
    for (const double v : out2) EXPECT_EQ(v, 0.0);
  }
}

TEST(NonaffineKernel, OnePassVersusTwoPassNearAffine)
{
  // Tiny non-affine noise on top of a large rotation: the one-pass error is
  // a few eps * sum |u|^2 (absolute), the two-pass error ~eps^2 relative.
  const std::vector<double> d0 = random_cloud(12);
  const double axis[3] = {1, 2, 3};
  std::vector<double> d = deform(mul(rotation(axis, 2.0), diag(1.02, 1, 0.99)), d0);
  for (double &x : d) x += uni(-1e-6, 1e-6);
  M3 Fbf;
  double d2bf;
  brute_force(d0, d, Fbf, d2bf);
  const Result r1 = run_accumulator(d0, d);
  const Result r2 = nonaffine_two_pass(d0.data(), d.data(), 12);
  EXPECT_NEAR(r2.d2min, d2bf, 1e-9 * d2bf);
  double S = 0.0;    // ~270 A^2 here; d2bf ~ 1e-11 A^2
  for (size_t k = 0; k < d.size(); ++k) S += (d[k] - d0[k]) * (d[k] - d0[k]);
  EXPECT_NEAR(r1.d2min, d2bf, 10 * 2.2e-16 * S);    // absolute, ~1e-13
}

// ===========================================================================
// Invalid and degenerate input

TEST(NonaffineKernel, FewerThanThreeNeighboursInvalid)
{
  const std::vector<double> d0 = random_cloud(3);
  const std::vector<double> d = deform(diag(1.1, 1, 1), d0);
  for (int n = 0; n < 3; ++n) {
    Accumulator acc;
    for (int j = 0; j < n; ++j) acc.add(&d0[3 * j], &d[3 * j]);
    expect_invalid(acc.finish(), n);
    expect_invalid(nonaffine_two_pass(d0.data(), d.data(), n), n);
  }
  // exactly 3 non-coplanar neighbours: valid, exact fit (D2min = 0)
  const Result r = run_accumulator(d0, d);
  EXPECT_TRUE(r.valid);
  EXPECT_LT(r.d2min, 1e-12);
  // reset() empties the accumulator
  Accumulator acc;
  for (int j = 0; j < 3; ++j) acc.add(&d0[3 * j], &d[3 * j]);
  acc.reset();
  expect_invalid(acc.finish(), 0);
}

TEST(NonaffineKernel, CoplanarAndCollinearInvalid)
{
  // coplanar in z = 0
  std::vector<double> plane;
  for (int j = 0; j < 8; ++j) {
    const double t = 2 * PI * j / 8;
    const double p[3] = {2.5 * std::cos(t), 2.5 * std::sin(t), 0.0};
    plane.insert(plane.end(), p, p + 3);
  }
  std::vector<double> d = deform(diag(1.05, 1, 1), plane);
  expect_invalid(run_accumulator(plane, d), 8);
  expect_invalid(nonaffine_two_pass(plane.data(), d.data(), 8), 8);
  // the same plane rotated arbitrarily: det V is rounding noise, not 0
  const std::vector<double> tilted = deform(random_rotation(), plane);
  d = deform(diag(1.05, 1, 1), tilted);
  expect_invalid(run_accumulator(tilted, d), 8);
  // collinear
  std::vector<double> line;
  for (int j = 1; j <= 5; ++j) {
    const double p[3] = {0.5 * j, 1.0 * j, -0.3 * j};
    line.insert(line.end(), p, p + 3);
  }
  expect_invalid(run_accumulator(line, line), 5);
  // slightly out of plane (1e-3 relative) is still valid
  std::vector<double> warped(plane);
  warped[2] = 2e-3;
  warped[5] = -2e-3;
  EXPECT_TRUE(run_accumulator(warped, warped).valid);
  // a stricter user tolerance rejects it
  Accumulator acc;
  for (int j = 0; j < 8; ++j) acc.add(&warped[3 * j], &warped[3 * j]);
  EXPECT_FALSE(acc.finish(1e-3).valid);
}

TEST(NonaffineKernel, NonFiniteInputInvalid)
{
  std::vector<double> d0 = random_cloud(10);
  std::vector<double> d = d0;
  d[4] = NAN;
  expect_invalid(run_accumulator(d0, d), 10);
  expect_invalid(nonaffine_two_pass(d0.data(), d.data(), 10), 10);
  d = d0;
  d[7] = INFINITY;
  expect_invalid(run_accumulator(d0, d), 10);
  d0[0] = NAN;
  expect_invalid(run_accumulator(d0, d0), 10);
}

TEST(NonaffineKernel, InvertedElementFlagged)
{
  const std::vector<double> d0 = random_cloud(12);
  // mirror z -> -z: det F = -1
  const Result r = run_accumulator(d0, deform(diag(1, 1, -1), d0));
  ASSERT_TRUE(r.valid);
  EXPECT_TRUE(r.inverted);
  expect_all_finite(r);
  EXPECT_LT(r.d2min, 1e-12);
  EXPECT_NEAR(r.F[8], -1.0, 1e-12);
  // eta = 1/2 (F^T F - I) = 0 for a reflection
  for (double e : r.eta) EXPECT_NEAR(e, 0.0, 1e-12);
  // (the closest proper rotation to a pure mirror is not unique: every
  // rotation about an in-plane axis is equally close; only finiteness is
  // required).  Non-degenerate case: F = R0 diag(1.2, 1, -0.8) has SVD
  // P = R0 diag(1,1,-1), Q = I, so R = R0 (Kabsch) and theta = angle of R0.
  const double ax[3] = {0.4, -0.1, 0.9};
  const Result rm = run_accumulator(d0, deform(mul(rotation(ax, 1.1), diag(1.2, 1, -0.8)), d0));
  ASSERT_TRUE(rm.valid);
  EXPECT_TRUE(rm.inverted);
  EXPECT_NEAR(rm.rotation, 1.1, 1e-12);
  // rotation by pi about z is NOT inverted (det = +1)
  const double z[3] = {0, 0, 1};
  const Result rz = run_accumulator(d0, deform(rotation(z, PI), d0));
  EXPECT_FALSE(rz.inverted);
  EXPECT_NEAR(rz.rotation, PI, 1e-12);
  // collapsed current configuration (all d = 0): F = 0 (up to rounding,
  // det F ~ +-1e-50), finite, flagged
  const std::vector<double> zero(d0.size(), 0.0);
  const Result rc = run_accumulator(d0, zero);
  ASSERT_TRUE(rc.valid);
  EXPECT_TRUE(rc.inverted);
  expect_all_finite(rc);
  EXPECT_LT(maxdiff(from(rc.F), diag(0, 0, 0)), 1e-13);
  EXPECT_NEAR(rc.volumetric, -0.5, 1e-15);
}

TEST(NonaffineKernel, ResultIsPod)
{
  EXPECT_TRUE(std::is_trivially_copyable<Result>::value);
  EXPECT_TRUE(std::is_standard_layout<Result>::value);
  EXPECT_TRUE(std::is_trivial<Result>::value);
}
