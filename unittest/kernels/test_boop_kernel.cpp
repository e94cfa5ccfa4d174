/* ----------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
   https://www.gnu.org/licenses/old-licenses/gpl-2.0.html

   Unit tests of the bond-orientational order kernel (src/kernels/boop_kernel.*).
   Reference values are derived independently of the kernel: closed-form
   Y_lm, std::sph_legendre (C++17), Gauss-Legendre quadrature, closed-form
   and factorial-Racah 3j symbols computed here, and the perfect-crystal
   values listed in doc/src/Science.rst, section 3.6.
------------------------------------------------------------------------- */

#include "boop_kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

using namespace AMORPH::boop;
using cplx = std::complex<double>;
using Vec3 = std::array<double, 3>;

namespace {

const double PI = std::acos(-1.0);

/* ---------------------------------------------------------------------- */
// helpers

std::vector<Vec3> random_directions(int n, unsigned seed, bool normalised = false)
{
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  std::uniform_real_distribution<double> len(0.5, 3.0);
  std::vector<Vec3> v;
  while (static_cast<int>(v.size()) < n) {
    Vec3 d{g(rng), g(rng), g(rng)};
    double r = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    if (r < 1e-3) continue;
    const double s = normalised ? 1.0 / r : len(rng) / r;
    v.push_back({d[0] * s, d[1] * s, d[2] * s});
  }
  return v;
}

void angles(const Vec3 &d, double &theta, double &phi)
{
  const double r = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  theta = std::acos(d[2] / r);
  phi = std::atan2(d[1], d[0]);
}

// Independent reference: Y_l^m via std::sph_legendre, which includes the
// Condon-Shortley phase: sph_legendre(l,m,theta) = Y_l^m(theta,0) for m >= 0.
// Negative m by definition of the convention, Y_l^{-m} = (-1)^m conj(Y_l^m).
cplx yref(int l, int m, double theta, double phi)
{
  const int am = std::abs(m);
  const double p = std::sph_legendre(static_cast<unsigned>(l), static_cast<unsigned>(am), theta);
  cplx y = std::polar(p, am * phi);
  if (m < 0) y = ((am & 1) ? -1.0 : 1.0) * std::conj(y);
  return y;
}

// all degrees 0..L
std::vector<int> degrees_upto(int L)
{
  std::vector<int> d;
  for (int l = 0; l <= L; ++l) d.push_back(l);
  return d;
}

// Test-local Racah formula with long double factorials (independent of the
// kernel's integer/binomial evaluation); adequate for l <= 10.
long double fact(int n)
{
  long double f = 1.0L;
  for (int i = 2; i <= n; ++i) f *= i;
  return f;
}

double racah3j(int j1, int j2, int j3, int m1, int m2, int m3)
{
  if (m1 + m2 + m3 != 0) return 0.0;
  if (std::abs(m1) > j1 || std::abs(m2) > j2 || std::abs(m3) > j3) return 0.0;
  if (j3 < std::abs(j1 - j2) || j3 > j1 + j2) return 0.0;
  const long double delta =
      fact(j1 + j2 - j3) * fact(j1 - j2 + j3) * fact(-j1 + j2 + j3) / fact(j1 + j2 + j3 + 1);
  const long double pre = std::sqrt(delta * fact(j1 + m1) * fact(j1 - m1) * fact(j2 + m2) *
                                    fact(j2 - m2) * fact(j3 + m3) * fact(j3 - m3));
  long double s = 0.0L;
  for (int k = 0; k <= j1 + j2 + j3; ++k) {
    const int d1 = j3 - j2 + k + m1, d2 = j3 - j1 + k - m2, d3 = j1 + j2 - j3 - k, d4 = j1 - k - m1,
              d5 = j2 - k + m2;
    if (d1 < 0 || d2 < 0 || d3 < 0 || d4 < 0 || d5 < 0) continue;
    const long double t = 1.0L / (fact(k) * fact(d1) * fact(d2) * fact(d3) * fact(d4) * fact(d5));
    s += (k & 1) ? -t : t;
  }
  const int ph = j1 - j2 - m3;
  return static_cast<double>(((ph % 2 != 0) ? -1.0L : 1.0L) * pre * s);
}

// Closed form (l l l; 0 0 0) for even 3l = 2g (Edmonds eq. 3.7.17):
// (j1 j2 j3;0 0 0) = (-1)^g sqrt[(2g-2j1)!(2g-2j2)!(2g-2j3)!/(2g+1)!] g!/((g-j1)!(g-j2)!(g-j3)!)
double threej_lll_000(int l)
{
  if ((3 * l) % 2) return 0.0;
  const int g = 3 * l / 2;
  const long double v = std::sqrt(std::pow(fact(2 * g - 2 * l), 3) / fact(2 * g + 1)) * fact(g) /
      std::pow(fact(g - l), 3);
  return static_cast<double>((g & 1) ? -v : v);
}

// q_lm (full layout, one degree) by brute force with std::sph_legendre
std::vector<cplx> qlm_ref(int l, const std::vector<Vec3> &bonds)
{
  std::vector<cplx> q(2 * l + 1, 0.0);
  for (const Vec3 &b : bonds) {
    double th, ph;
    angles(b, th, ph);
    for (int m = -l; m <= l; ++m) q[m + l] += yref(l, m, th, ph);
  }
  for (cplx &z : q) z /= static_cast<double>(bonds.size());
  return q;
}

// brute-force q_l and w_hat_l from a full q_lm vector (naive double sum)
double ql_ref(int l, const std::vector<cplx> &q)
{
  double s = 0.0;
  for (const cplx &z : q) s += std::norm(z);
  return std::sqrt(4.0 * PI / (2 * l + 1) * s);
}

double wl_ref(int l, const std::vector<cplx> &q)
{
  cplx w = 0.0;
  for (int m1 = -l; m1 <= l; ++m1)
    for (int m2 = -l; m2 <= l; ++m2) {
      const int m3 = -m1 - m2;
      if (std::abs(m3) > l) continue;
      w += racah3j(l, l, l, m1, m2, m3) * q[m1 + l] * q[m2 + l] * q[m3 + l];
    }
  return w.real();
}

double wlhat_ref(int l, const std::vector<cplx> &q)
{
  double s = 0.0;
  for (const cplx &z : q) s += std::norm(z);
  return wl_ref(l, q) / std::pow(s, 1.5);
}

// kernel q_lm of a bond set, averaged (weights 1/N), full layout
std::vector<cplx> kernel_qlm(const SphericalHarmonics &sh, const std::vector<Vec3> &bonds)
{
  std::vector<cplx> q(sh.full_size(), 0.0);
  const double w = 1.0 / static_cast<double>(bonds.size());
  for (const Vec3 &b : bonds) sh.accumulate(b[0], b[1], b[2], w, q.data());
  return q;
}

struct HalfQ {
  std::vector<double> re, im;
};

HalfQ kernel_qlm_half(const SphericalHarmonics &sh, const std::vector<Vec3> &bonds)
{
  HalfQ q{std::vector<double>(sh.half_size(), 0.0), std::vector<double>(sh.half_size(), 0.0)};
  const double w = 1.0 / static_cast<double>(bonds.size());
  for (const Vec3 &b : bonds) sh.accumulate_half(b[0], b[1], b[2], w, q.re.data(), q.im.data());
  return q;
}

/* ---------------------------------------------------------------------- */
// perfect-crystal first shells (directions only matter)

std::vector<Vec3> fcc12()
{
  std::vector<Vec3> v;
  for (int s1 : {-1, 1})
    for (int s2 : {-1, 1}) {
      v.push_back({double(s1), double(s2), 0.0});
      v.push_back({double(s1), 0.0, double(s2)});
      v.push_back({0.0, double(s1), double(s2)});
    }
  return v;
}

// ideal hcp (c/a = sqrt(8/3)), a = 1: 6 in-plane neighbours and 3 above + 3
// below at the SAME in-plane positions (ABA stacking; fcc would have the
// lower triangle rotated by 60 degrees).
std::vector<Vec3> hcp12()
{
  std::vector<Vec3> v;
  for (int k = 0; k < 6; ++k) v.push_back({std::cos(k * PI / 3), std::sin(k * PI / 3), 0.0});
  const double rho = 1.0 / std::sqrt(3.0), h = std::sqrt(2.0 / 3.0);    // half of c
  for (int s : {-1, 1})
    for (int k = 0; k < 3; ++k) {
      const double a = PI / 6 + 2 * PI * k / 3;
      v.push_back({rho * std::cos(a), rho * std::sin(a), s * h});
    }
  return v;
}

std::vector<Vec3> bcc8()
{
  std::vector<Vec3> v;
  for (int a : {-1, 1})
    for (int b : {-1, 1})
      for (int c : {-1, 1}) v.push_back({0.5 * a, 0.5 * b, 0.5 * c});
  return v;
}

std::vector<Vec3> bcc14()
{
  std::vector<Vec3> v = bcc8();
  for (int s : {-1, 1}) {
    v.push_back({double(s), 0.0, 0.0});
    v.push_back({0.0, double(s), 0.0});
    v.push_back({0.0, 0.0, double(s)});
  }
  return v;
}

std::vector<Vec3> icosahedron12()
{
  const double g = 0.5 * (1.0 + std::sqrt(5.0));
  std::vector<Vec3> v;
  for (int s1 : {-1, 1})
    for (int s2 : {-1, 1}) {
      v.push_back({0.0, double(s1), s2 * g});
      v.push_back({double(s1), s2 * g, 0.0});
      v.push_back({s2 * g, 0.0, double(s1)});
    }
  return v;
}

// rotation matrix from a random unit quaternion
std::array<Vec3, 3> random_rotation(unsigned seed)
{
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  double q[4] = {g(rng), g(rng), g(rng), g(rng)};
  const double n = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  for (double &x : q) x /= n;
  const double w = q[0], x = q[1], y = q[2], z = q[3];
  return {Vec3{1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)},
          Vec3{2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)},
          Vec3{2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)}};
}

std::vector<Vec3> rotate(const std::array<Vec3, 3> &R, const std::vector<Vec3> &v)
{
  std::vector<Vec3> out;
  for (const Vec3 &d : v)
    out.push_back({R[0][0] * d[0] + R[0][1] * d[1] + R[0][2] * d[2],
                   R[1][0] * d[0] + R[1][1] * d[1] + R[1][2] * d[2],
                   R[2][0] * d[0] + R[2][1] * d[1] + R[2][2] * d[2]});
  return out;
}

// Gauss-Legendre nodes/weights on [-1,1] (Newton on P_N)
void gauss_legendre(int n, std::vector<double> &x, std::vector<double> &w)
{
  x.assign(n, 0.0);
  w.assign(n, 0.0);
  for (int i = 0; i < n; ++i) {
    double z = std::cos(PI * (i + 0.75) / (n + 0.5)), dp = 0.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = z;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (z * p1 - p0) / (z * z - 1.0);
      const double dz = p1 / dp;
      z -= dz;
      if (std::fabs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2.0 / ((1.0 - z * z) * dp * dp);
  }
}

}    // namespace

/* ======================================================================
   Spherical harmonics
====================================================================== */

TEST(BoopYlm, ClosedFormsSmallL)
{
  SphericalHarmonics sh({0, 1, 2, 3, 4});
  std::vector<cplx> y(sh.full_size());
  auto Y = [&](int l, int m) {
    return y[sh.full_offset(sh.slot(l)) + m + l];
  };
  for (const Vec3 &d : random_directions(200, 11)) {
    ASSERT_TRUE(sh.evaluate(d[0], d[1], d[2], y.data()));
    double th, ph;
    angles(d, th, ph);
    const double c = std::cos(th), s = std::sin(th);
    const cplx e1 = std::polar(1.0, ph), e2 = std::polar(1.0, 2 * ph), e3 = std::polar(1.0, 3 * ph),
               e4 = std::polar(1.0, 4 * ph);
    const cplx ex[] = {
        1.0 / (2.0 * std::sqrt(PI)) + cplx(0.0),                                           // Y00
        std::sqrt(3.0 / (4 * PI)) * c + cplx(0.0),                                         // Y10
        -std::sqrt(3.0 / (8 * PI)) * s * e1,                                               // Y11
        std::sqrt(3.0 / (8 * PI)) * s * std::conj(e1),                                     // Y1-1
        std::sqrt(5.0 / (16 * PI)) * (3 * c * c - 1) + cplx(0.0),                          // Y20
        -std::sqrt(15.0 / (8 * PI)) * s * c * e1,                                          // Y21
        std::sqrt(15.0 / (32 * PI)) * s * s * e2,                                          // Y22
        std::sqrt(15.0 / (32 * PI)) * s * s * std::conj(e2),                               // Y2-2
        std::sqrt(7.0 / (16 * PI)) * (5 * c * c * c - 3 * c) + cplx(0.0),                  // Y30
        -std::sqrt(35.0 / (64 * PI)) * s * s * s * e3,                                     // Y33
        3.0 / 16.0 * std::sqrt(35.0 / (2 * PI)) * s * s * s * s * e4,                      // Y44
        3.0 / 16.0 / std::sqrt(PI) * (35 * c * c * c * c - 30 * c * c + 3) + cplx(0.0),    // Y40
    };
    const cplx got[] = {Y(0, 0), Y(1, 0),  Y(1, 1), Y(1, -1), Y(2, 0), Y(2, 1),
                        Y(2, 2), Y(2, -2), Y(3, 0), Y(3, 3),  Y(4, 4), Y(4, 0)};
    for (int i = 0; i < 12; ++i) {
      EXPECT_NEAR(got[i].real(), ex[i].real(), 1e-12) << "case " << i;
      EXPECT_NEAR(got[i].imag(), ex[i].imag(), 1e-12) << "case " << i;
    }
  }
}

TEST(BoopYlm, MatchesStdSphLegendreAllL)
{
  SphericalHarmonics sh(degrees_upto(LMAX));
  std::vector<cplx> y(sh.full_size());
  for (const Vec3 &d : random_directions(100, 12)) {
    ASSERT_TRUE(sh.evaluate(d[0], d[1], d[2], y.data()));
    double th, ph;
    angles(d, th, ph);
    for (int l = 0; l <= LMAX; ++l)
      for (int m = -l; m <= l; ++m) {
        const cplx ref = yref(l, m, th, ph), got = y[sh.full_offset(l) + m + l];
        ASSERT_NEAR(got.real(), ref.real(), 1e-12) << "l=" << l << " m=" << m;
        ASSERT_NEAR(got.imag(), ref.imag(), 1e-12) << "l=" << l << " m=" << m;
      }
  }
}

TEST(BoopYlm, OrthonormalityQuadrature)
{
  // Gauss-Legendre (exact for polynomials in cos(theta) of degree < 2N) x
  // uniform phi (exact for e^{ik phi}, |k| < M): exact for l, l' <= 8.
  const int L = 8, N = 24, M = 40;
  SphericalHarmonics sh(degrees_upto(L));
  std::vector<double> x, w;
  gauss_legendre(N, x, w);
  const int nf = sh.full_size();
  std::vector<cplx> gram(nf * nf, 0.0), y(nf);
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < M; ++j) {
      const double ph = 2 * PI * j / M, s = std::sqrt(1.0 - x[i] * x[i]);
      sh.evaluate(s * std::cos(ph), s * std::sin(ph), x[i], y.data());
      const double dw = w[i] * 2 * PI / M;
      for (int a = 0; a < nf; ++a)
        for (int b = 0; b < nf; ++b) gram[a * nf + b] += dw * y[a] * std::conj(y[b]);
    }
  double maxerr = 0.0;
  for (int a = 0; a < nf; ++a)
    for (int b = 0; b < nf; ++b)
      maxerr = std::max(maxerr, std::abs(gram[a * nf + b] - (a == b ? 1.0 : 0.0)));
  EXPECT_LT(maxerr, 1e-10);
}

TEST(BoopYlm, NegativeMSymmetryAndHalfLayout)
{
  const std::vector<int> degs = {6, 4, 12, 0, 3};    // unsorted on purpose
  SphericalHarmonics sh(degs);
  EXPECT_EQ(sh.lmax(), 12);
  EXPECT_EQ(sh.half_size(), 7 + 5 + 13 + 1 + 4);
  EXPECT_EQ(sh.full_size(), 13 + 9 + 25 + 1 + 7);
  EXPECT_EQ(sh.half_offset(2), 12);
  EXPECT_EQ(sh.full_offset(2), 22);
  EXPECT_EQ(sh.slot(12), 2);
  EXPECT_EQ(sh.slot(5), -1);

  const auto bonds = random_directions(17, 13);
  std::vector<cplx> full(sh.full_size(), 0.0), exp(sh.full_size());
  std::vector<double> re(sh.half_size(), 0.0), im(sh.half_size(), 0.0);
  for (size_t i = 0; i < bonds.size(); ++i) {
    const double wt = 0.3 + 0.1 * i;    // arbitrary real weights
    sh.accumulate(bonds[i][0], bonds[i][1], bonds[i][2], wt, full.data());
    sh.accumulate_half(bonds[i][0], bonds[i][1], bonds[i][2], wt, re.data(), im.data());
  }
  sh.half_to_full(re.data(), im.data(), exp.data());
  for (int k = 0; k < sh.ndegrees(); ++k) {
    const int l = sh.degree(k);
    const cplx *q = full.data() + sh.full_offset(k) + l;
    for (int m = 0; m <= l; ++m) {
      const cplx sym = ((m & 1) ? -1.0 : 1.0) * std::conj(q[m]);
      EXPECT_NEAR(q[-m].real(), sym.real(), 1e-14);
      EXPECT_NEAR(q[-m].imag(), sym.imag(), 1e-14);
    }
  }
  for (int i = 0; i < sh.full_size(); ++i) EXPECT_NEAR(std::abs(full[i] - exp[i]), 0.0, 1e-14);

  // single-bond values against std::sph_legendre for negative m too
  std::vector<cplx> y(sh.full_size());
  sh.evaluate(bonds[0][0], bonds[0][1], bonds[0][2], y.data());
  double th, ph;
  angles(bonds[0], th, ph);
  for (int k = 0; k < sh.ndegrees(); ++k) {
    const int l = sh.degree(k);
    for (int m = -l; m <= l; ++m)
      EXPECT_NEAR(std::abs(y[sh.full_offset(k) + m + l] - yref(l, m, th, ph)), 0.0, 1e-12);
  }
}

TEST(BoopYlm, WeightAndLengthScaling)
{
  SphericalHarmonics sh({4, 6});
  std::vector<double> r1(sh.half_size(), 0.0), i1(sh.half_size(), 0.0);
  std::vector<double> r2(sh.half_size(), 0.0), i2(sh.half_size(), 0.0);
  sh.accumulate_half(0.3, -0.7, 0.2, 1.0, r1.data(), i1.data());
  sh.accumulate_half(3e5, -7e5, 2e5, 2.5, r2.data(), i2.data());    // 1e6 x longer
  for (int i = 0; i < sh.half_size(); ++i) {
    EXPECT_NEAR(r2[i], 2.5 * r1[i], 1e-13);
    EXPECT_NEAR(i2[i], 2.5 * i1[i], 1e-13);
  }
}

TEST(BoopYlm, BondAlongZAndZeroVector)
{
  SphericalHarmonics sh(degrees_upto(LMAX));
  std::vector<cplx> y(sh.full_size());
  for (double sgn : {1.0, -1.0})
    for (double len : {1.0, 2.7, 1e-8}) {
      ASSERT_TRUE(sh.evaluate(0.0, 0.0, sgn * len, y.data()));
      for (int l = 0; l <= LMAX; ++l)
        for (int m = -l; m <= l; ++m) {
          const cplx v = y[sh.full_offset(l) + m + l];
          ASSERT_TRUE(std::isfinite(v.real()) && std::isfinite(v.imag()));
          // Y_l^0(theta=0 or pi) = sqrt((2l+1)/(4 pi)) (+-1)^l, others 0
          const double ex = (m == 0) ? std::sqrt((2 * l + 1) / (4 * PI)) * std::pow(sgn, l) : 0.0;
          EXPECT_NEAR(v.real(), ex, 1e-12) << "l=" << l << " m=" << m;
          EXPECT_EQ(v.imag(), 0.0);
        }
    }
  // -0.0 components and a tiny transverse part: no NaN, continuous limit
  ASSERT_TRUE(sh.evaluate(-0.0, -0.0, 1.0, y.data()));
  for (const cplx &v : y) ASSERT_TRUE(std::isfinite(v.real()) && std::isfinite(v.imag()));
  ASSERT_TRUE(sh.evaluate(1e-300, -1e-300, 1.0, y.data()));
  for (int l = 0; l <= LMAX; ++l)
    EXPECT_NEAR(y[sh.full_offset(l) + l].real(), std::sqrt((2 * l + 1) / (4 * PI)), 1e-14);
  for (const cplx &v : y) ASSERT_TRUE(std::isfinite(v.real()) && std::isfinite(v.imag()));

  // zero vector: nothing added, returns false
  std::vector<double> re(sh.half_size(), 1.0), im(sh.half_size(), 2.0);
  EXPECT_FALSE(sh.accumulate_half(0.0, 0.0, 0.0, 1.0, re.data(), im.data()));
  for (int i = 0; i < sh.half_size(); ++i) {
    EXPECT_EQ(re[i], 1.0);
    EXPECT_EQ(im[i], 2.0);
  }
  std::vector<cplx> q(sh.full_size(), cplx(1.0, 2.0));
  EXPECT_FALSE(sh.accumulate(0.0, 0.0, 0.0, 1.0, q.data()));
  for (const cplx &v : q) EXPECT_EQ(v, cplx(1.0, 2.0));
  EXPECT_FALSE(sh.evaluate(0.0, 0.0, 0.0, y.data()));
  for (const cplx &v : y) EXPECT_EQ(v, cplx(0.0, 0.0));
}

TEST(BoopYlm, ConstructorValidation)
{
  EXPECT_THROW(SphericalHarmonics({LMAX + 1}), std::invalid_argument);
  EXPECT_THROW(SphericalHarmonics({-1}), std::invalid_argument);
  EXPECT_THROW(SphericalHarmonics({4, 6, 4}), std::invalid_argument);
  EXPECT_NO_THROW(SphericalHarmonics({LMAX}));
  SphericalHarmonics empty({});
  EXPECT_EQ(empty.half_size(), 0);
  EXPECT_EQ(empty.lmax(), -1);
  EXPECT_TRUE(empty.accumulate_half(1.0, 0.0, 0.0, 1.0, nullptr, nullptr));
}

/* ======================================================================
   Wigner 3j
====================================================================== */

TEST(BoopWigner3j, KnownExactValues)
{
  // exact values (Edmonds closed form for m=0; tabulated/SymPy wigner_3j for
  // the others, each cross-checked below with the factorial Racah formula)
  EXPECT_NEAR(wigner3j_lll(2, 0, 0, 0), -std::sqrt(2.0 / 35.0), 1e-15);
  EXPECT_NEAR(wigner3j_lll(4, 0, 0, 0), 3.0 * std::sqrt(2.0 / 1001.0), 1e-15);
  EXPECT_NEAR(wigner3j_lll(6, 0, 0, 0), -20.0 / std::sqrt(46189.0), 1e-15);
  EXPECT_NEAR(wigner3j_lll(1, 1, 0, -1), -1.0 / std::sqrt(6.0), 1e-15);
  EXPECT_NEAR(wigner3j_lll(1, -1, 0, 1), 1.0 / std::sqrt(6.0), 1e-15);
  EXPECT_NEAR(wigner3j_lll(2, 1, -1, 0), 1.0 / std::sqrt(70.0), 1e-15);
  EXPECT_NEAR(wigner3j_lll(2, 2, -1, -1), -std::sqrt(3.0 / 35.0), 1e-15);
  EXPECT_NEAR(wigner3j_lll(2, -2, 1, 1), -std::sqrt(3.0 / 35.0), 1e-15);
  EXPECT_NEAR(wigner3j_lll(3, 1, 0, -1), 1.0 / std::sqrt(42.0), 1e-15);
  EXPECT_NEAR(wigner3j_lll(4, 2, -2, 0), -std::sqrt(2002.0) / 546.0, 1e-15);
  EXPECT_NEAR(wigner3j_lll(4, 4, -2, -2), std::sqrt(5.0 / 143.0), 1e-15);
  EXPECT_NEAR(wigner3j_lll(6, 3, -2, -1), 3.0 * std::sqrt(1939938.0) / 92378.0, 1e-15);
  EXPECT_NEAR(wigner3j_lll(6, 6, -6, 0), std::sqrt(46189.0) / 4199.0, 1e-15);
  // selection rules
  EXPECT_EQ(wigner3j_lll(4, 1, 1, 1), 0.0);
  EXPECT_EQ(wigner3j_lll(4, 5, -5, 0), 0.0);
  EXPECT_EQ(wigner3j_lll(3, 0, 0, 0), 0.0);    // odd l, all m = 0
  EXPECT_THROW(wigner3j_lll(LMAX + 1, 0, 0, 0), std::invalid_argument);
}

TEST(BoopWigner3j, ClosedFormM0AllL)
{
  for (int l = 0; l <= LMAX; ++l) {
    const double ex = threej_lll_000(l);
    EXPECT_NEAR(wigner3j_lll(l, 0, 0, 0), ex, 1e-14 * std::max(1.0, std::fabs(ex))) << "l=" << l;
    if (ex != 0.0) { EXPECT_NEAR(wigner3j_lll(l, 0, 0, 0) / ex, 1.0, 1e-14) << "l=" << l; }
  }
}

TEST(BoopWigner3j, MatchesFactorialRacah)
{
  for (int l = 0; l <= 10; ++l)
    for (int m1 = -l; m1 <= l; ++m1)
      for (int m2 = -l; m2 <= l; ++m2) {
        const int m3 = -m1 - m2;
        if (std::abs(m3) > l) continue;
        const double ref = racah3j(l, l, l, m1, m2, m3);
        EXPECT_NEAR(wigner3j_lll(l, m1, m2, m3), ref, 1e-14)
            << l << " " << m1 << " " << m2 << " " << m3;
      }
}

TEST(BoopWigner3j, OrthogonalityAndSymmetryAllL)
{
  for (int l = 0; l <= LMAX; ++l) {
    std::vector<double> t((2 * l + 1) * (2 * l + 1), 0.0);
    auto T = [&](int m1, int m2) -> double & {
      return t[(m1 + l) * (2 * l + 1) + (m2 + l)];
    };
    for (int m1 = -l; m1 <= l; ++m1)
      for (int m2 = -l; m2 <= l; ++m2) T(m1, m2) = wigner3j_lll(l, m1, m2, -m1 - m2);
    // sum_{m1,m2} (l l l; m1 m2 m3)^2 = 1/(2l+1) for every m3
    for (int m3 = -l; m3 <= l; ++m3) {
      double s = 0.0;
      for (int m1 = -l; m1 <= l; ++m1) {
        const int m2 = -m1 - m3;
        if (std::abs(m2) <= l) s += T(m1, m2) * T(m1, m2);
      }
      EXPECT_NEAR(s * (2 * l + 1), 1.0, 1e-14) << "l=" << l << " m3=" << m3;
    }
    // symmetries: column exchange and m -> -m give (-1)^{3l}
    const double sg = (l & 1) ? -1.0 : 1.0;
    for (int m1 = -l; m1 <= l; ++m1)
      for (int m2 = -l; m2 <= l; ++m2) {
        const int m3 = -m1 - m2;
        if (std::abs(m3) > l) continue;
        const double v = T(m1, m2);
        EXPECT_NEAR(wigner3j_lll(l, m2, m1, m3), sg * v, 1e-15);
        EXPECT_NEAR(wigner3j_lll(l, m1, m3, m2), sg * v, 1e-15);
        EXPECT_NEAR(wigner3j_lll(l, m2, m3, m1), v, 1e-15);    // cyclic
        EXPECT_NEAR(wigner3j_lll(l, -m1, -m2, -m3), sg * v, 1e-15);
      }
  }
}

TEST(BoopWigner3j, ReducedWlSumMatchesBruteForce)
{
  // random q_lm with the physical symmetry q_{-m} = (-1)^m conj(q_m)
  std::mt19937_64 rng(21);
  std::normal_distribution<double> g(0.0, 1.0);
  for (int l = 0; l <= LMAX; ++l) {
    std::vector<cplx> q(2 * l + 1);
    q[l] = g(rng);
    for (int m = 1; m <= l; ++m) {
      q[l + m] = cplx(g(rng), g(rng));
      q[l - m] = ((m & 1) ? -1.0 : 1.0) * std::conj(q[l + m]);
    }
    cplx brute = 0.0;
    double s2 = 0.0;
    for (const cplx &z : q) s2 += std::norm(z);
    for (int m1 = -l; m1 <= l; ++m1)
      for (int m2 = -l; m2 <= l; ++m2) {
        const int m3 = -m1 - m2;
        if (std::abs(m3) > l) continue;
        brute += wigner3j_lll(l, m1, m2, m3) * q[m1 + l] * q[m2 + l] * q[m3 + l];
      }
    Wigner3jTable tab(l);
    const double scale = std::pow(s2, 1.5);
    EXPECT_NEAR(brute.imag() / scale, 0.0, 1e-13) << "l=" << l;    // w_l is real
    if (l & 1) { EXPECT_NEAR(brute.real() / scale, 0.0, 1e-13) << "odd l=" << l; }
    EXPECT_NEAR(tab.wl(q.data()) / scale, brute.real() / scale, 1e-13) << "l=" << l;
    EXPECT_NEAR(tab.wl_hat(q.data()), brute.real() / scale, 1e-13) << "l=" << l;
    std::vector<double> re(l + 1), im(l + 1);
    for (int m = 0; m <= l; ++m) {
      re[m] = q[l + m].real();
      im[m] = q[l + m].imag();
    }
    EXPECT_NEAR(tab.wl_half(re.data(), im.data()) / scale, brute.real() / scale, 1e-13);
    EXPECT_NEAR(tab.wl_hat_half(re.data(), im.data()), brute.real() / scale, 1e-13);
  }
}

/* ======================================================================
   Perfect crystals (doc/src/Science.rst, section 3.6)
====================================================================== */

namespace {
struct Invariants {
  double q4, q6, w4hat, w6hat;
};

Invariants crystal(const std::vector<Vec3> &bonds)
{
  SphericalHarmonics sh({4, 6});
  Wigner3jTable w4(4), w6(6);
  const HalfQ h = kernel_qlm_half(sh, bonds);
  const std::vector<cplx> f = kernel_qlm(sh, bonds);
  const int o4 = sh.half_offset(0), o6 = sh.half_offset(1);
  Invariants r{ql_half(4, &h.re[o4], &h.im[o4]), ql_half(6, &h.re[o6], &h.im[o6]),
               w4.wl_hat_half(&h.re[o4], &h.im[o4]), w6.wl_hat_half(&h.re[o6], &h.im[o6])};
  // full layout path and independent brute force agree with the half path
  const cplx *f4 = f.data() + sh.full_offset(0), *f6 = f.data() + sh.full_offset(1);
  EXPECT_NEAR(ql(4, f4), r.q4, 1e-13);
  EXPECT_NEAR(ql(6, f6), r.q6, 1e-13);
  EXPECT_NEAR(w4.wl_hat(f4), r.w4hat, 1e-13);
  EXPECT_NEAR(w6.wl_hat(f6), r.w6hat, 1e-13);
  const auto b4 = qlm_ref(4, bonds), b6 = qlm_ref(6, bonds);
  EXPECT_NEAR(ql_ref(4, b4), r.q4, 1e-12);
  EXPECT_NEAR(ql_ref(6, b6), r.q6, 1e-12);
  if (r.q4 > 1e-6) { EXPECT_NEAR(wlhat_ref(4, b4), r.w4hat, 1e-11); }
  EXPECT_NEAR(wlhat_ref(6, b6), r.w6hat, 1e-11);
  return r;
}
}    // namespace

TEST(BoopCrystals, Fcc)
{
  const Invariants v = crystal(fcc12());
  EXPECT_NEAR(v.q4, 0.19094, 1e-5);
  EXPECT_NEAR(v.q6, 0.57452, 1e-5);
  EXPECT_NEAR(v.w6hat, -0.01316, 1e-5);
  EXPECT_NEAR(v.w4hat, -0.159317, 1e-6);
}

TEST(BoopCrystals, Hcp)
{
  const Invariants v = crystal(hcp12());
  EXPECT_NEAR(v.q4, 0.09722, 1e-5);
  EXPECT_NEAR(v.q6, 0.48476, 1e-5);
  EXPECT_NEAR(v.w6hat, -0.01244, 1e-5);
}

TEST(BoopCrystals, Bcc8)
{
  const Invariants v = crystal(bcc8());
  EXPECT_NEAR(v.q6, 0.62854, 1e-5);
}

TEST(BoopCrystals, Bcc14)
{
  const Invariants v = crystal(bcc14());
  EXPECT_NEAR(v.q4, 0.03637, 1e-5);
  EXPECT_NEAR(v.q6, 0.51069, 1e-5);
  EXPECT_NEAR(v.w6hat, 0.01316, 1e-5);
}

TEST(BoopCrystals, Icosahedron)
{
  const Invariants v = crystal(icosahedron12());
  EXPECT_NEAR(v.q6, 0.66332, 1e-5);
  EXPECT_NEAR(v.w6hat, -0.16975, 1e-5);
  EXPECT_NEAR(v.q4, 0.0, 1e-14);    // icosahedral symmetry has no l=4 invariant
  EXPECT_EQ(v.w4hat, v.w4hat);      // not NaN
}

TEST(BoopCrystals, CrystalsAreRotationInvariant)
{
  const auto R = random_rotation(5);
  for (const auto &bonds : {fcc12(), hcp12(), bcc14(), icosahedron12()}) {
    const Invariants a = crystal(bonds), b = crystal(rotate(R, bonds));
    EXPECT_NEAR(a.q4, b.q4, 1e-12);
    EXPECT_NEAR(a.q6, b.q6, 1e-12);
    EXPECT_NEAR(a.w6hat, b.w6hat, 1e-12);
  }
}

/* ======================================================================
   Invariants
====================================================================== */

TEST(BoopInvariants, RotationInvariance)
{
  const std::vector<Vec3> bonds = random_directions(13, 31);
  SphericalHarmonics sh(degrees_upto(LMAX));
  for (unsigned seed : {1u, 2u, 3u}) {
    const auto rb = rotate(random_rotation(seed), bonds);
    const HalfQ a = kernel_qlm_half(sh, bonds), b = kernel_qlm_half(sh, rb);
    for (int l = 0; l <= LMAX; ++l) {
      Wigner3jTable tab(l);
      const int o = sh.half_offset(l);
      EXPECT_NEAR(ql_half(l, &a.re[o], &a.im[o]), ql_half(l, &b.re[o], &b.im[o]), 1e-12)
          << "l=" << l;
      EXPECT_NEAR(tab.wl_half(&a.re[o], &a.im[o]), tab.wl_half(&b.re[o], &b.im[o]), 1e-12)
          << "l=" << l;
      EXPECT_NEAR(tab.wl_hat_half(&a.re[o], &a.im[o]), tab.wl_hat_half(&b.re[o], &b.im[o]), 1e-12)
          << "l=" << l;
    }
  }
}

TEST(BoopInvariants, ZeroAndTinyQ)
{
  for (int l : {0, 4, 6, 12}) {
    std::vector<cplx> z(2 * l + 1, 0.0);
    std::vector<double> re(l + 1, 0.0), im(l + 1, 0.0);
    Wigner3jTable tab(l);
    EXPECT_EQ(ql(l, z.data()), 0.0);
    EXPECT_EQ(ql_half(l, re.data(), im.data()), 0.0);
    EXPECT_EQ(tab.wl(z.data()), 0.0);
    EXPECT_EQ(tab.wl_hat(z.data()), 0.0);
    EXPECT_EQ(tab.wl_hat_half(re.data(), im.data()), 0.0);
    EXPECT_EQ(bond_crystallinity(l, z.data(), z.data()), 0.0);
    EXPECT_EQ(bond_crystallinity_half(l, re.data(), im.data(), re.data(), im.data()), 0.0);
  }
  // w_hat is scale invariant even when q_lm^3 underflows
  SphericalHarmonics sh({6});
  Wigner3jTable w6(6);
  const HalfQ h = kernel_qlm_half(sh, fcc12());
  for (double scale : {1e-200, 1e200}) {
    std::vector<double> re(7), im(7);
    for (int m = 0; m <= 6; ++m) {
      re[m] = scale * h.re[m];
      im[m] = scale * h.im[m];
    }
    EXPECT_NEAR(w6.wl_hat_half(re.data(), im.data()), w6.wl_hat_half(h.re.data(), h.im.data()),
                1e-14);
    EXPECT_NEAR(bond_crystallinity_half(6, re.data(), im.data(), h.re.data(), h.im.data()), 1.0,
                1e-14);
    std::vector<cplx> f(13);
    sh.half_to_full(re.data(), im.data(), f.data());
    EXPECT_NEAR(w6.wl_hat(f.data()), w6.wl_hat_half(h.re.data(), h.im.data()), 1e-14);
    EXPECT_NEAR(bond_crystallinity(6, f.data(), f.data()), 1.0, 1e-14);
  }
}

TEST(BoopInvariants, OddLWlVanishes)
{
  SphericalHarmonics sh({3, 5});
  const HalfQ h = kernel_qlm_half(sh, random_directions(9, 41));
  EXPECT_EQ(Wigner3jTable(3).wl_half(&h.re[sh.half_offset(0)], &h.im[sh.half_offset(0)]), 0.0);
  EXPECT_EQ(Wigner3jTable(5).wl_hat_half(&h.re[sh.half_offset(1)], &h.im[sh.half_offset(1)]), 0.0);
  EXPECT_GT(ql_half(3, &h.re[0], &h.im[0]), 0.0);
}

TEST(BoopInvariants, BondCrystallinity)
{
  SphericalHarmonics sh({6});
  // s(i,i) = 1 for random environments
  const HalfQ a = kernel_qlm_half(sh, random_directions(11, 51));
  const HalfQ b = kernel_qlm_half(sh, random_directions(14, 52));
  EXPECT_NEAR(bond_crystallinity_half(6, a.re.data(), a.im.data(), a.re.data(), a.im.data()), 1.0,
              1e-14);
  // two fcc atoms (same orientation; the second has its bonds in another order
  // and with a lattice-constant change) -> 1
  std::vector<Vec3> f2 = fcc12();
  std::reverse(f2.begin(), f2.end());
  for (Vec3 &d : f2)
    for (double &x : d) x *= 1.7;
  const HalfQ f = kernel_qlm_half(sh, fcc12()), g = kernel_qlm_half(sh, f2);
  EXPECT_NEAR(bond_crystallinity_half(6, f.re.data(), f.im.data(), g.re.data(), g.im.data()), 1.0,
              1e-14);
  // symmetric, bounded, and half and full layouts agree
  const double sab = bond_crystallinity_half(6, a.re.data(), a.im.data(), b.re.data(), b.im.data());
  const double sba = bond_crystallinity_half(6, b.re.data(), b.im.data(), a.re.data(), a.im.data());
  EXPECT_EQ(sab, sba);
  EXPECT_LE(std::fabs(sab), 1.0);
  std::vector<cplx> fa(sh.full_size()), fb(sh.full_size());
  sh.half_to_full(a.re.data(), a.im.data(), fa.data());
  sh.half_to_full(b.re.data(), b.im.data(), fb.data());
  EXPECT_NEAR(bond_crystallinity(6, fa.data(), fb.data()), sab, 1e-14);
  EXPECT_NEAR(bond_crystallinity(6, fb.data(), fa.data()), sab, 1e-14);
  // independent brute force: Re sum_m qa conj(qb) / norms
  cplx d = 0.0;
  double na = 0.0, nb = 0.0;
  for (int i = 0; i < 13; ++i) {
    d += fa[i] * std::conj(fb[i]);
    na += std::norm(fa[i]);
    nb += std::norm(fb[i]);
  }
  EXPECT_NEAR(d.real() / std::sqrt(na * nb), sab, 1e-14);
  EXPECT_NEAR(dot(6, fa.data(), fb.data()), d.real(), 1e-15);
  EXPECT_NEAR(dot_half(6, a.re.data(), a.im.data(), b.re.data(), b.im.data()), d.real(), 1e-15);
  EXPECT_NEAR(sum_sq(6, fa.data()), na, 1e-15);
  // fcc rotated against fcc is no longer fully correlated; bcc vs fcc differ
  const HalfQ fr = kernel_qlm_half(sh, rotate(random_rotation(9), fcc12()));
  EXPECT_LT(bond_crystallinity_half(6, f.re.data(), f.im.data(), fr.re.data(), fr.im.data()), 0.99);
}
