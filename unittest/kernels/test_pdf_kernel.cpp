// AMORPH - LAMMPS plugin package, GPL-2.0
// Anisotropic PDF kernel: P2 weights, rdf normalisation, affine response = histograms of
// the mapped pair vectors, affine prediction of eq. 2 on an analytic g0.
#include "pdf_kernel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

using AMORPH::pdf::AnisoHistogram;
using AMORPH::pdf::Target;

TEST(PdfKernel, P2WeightsAlongAndAcrossTheAxis)
{
  AnisoHistogram h(10, 5.0, 1);
  const Target t{0, 2.0};
  const double along[3] = {0.0, 0.0, 1.2};     // bin 2
  const double across[3] = {0.0, 3.1, 0.0};    // bin 6
  h.add(along, 1.44, 2, &t, 1);
  h.add(across, 3.1 * 3.1, 2, &t, 1);
  EXPECT_DOUBLE_EQ(h.h0(0)[2], 2.0);
  EXPECT_DOUBLE_EQ(h.h2(0)[2], 2.0);
  EXPECT_DOUBLE_EQ(h.h0(0)[6], 2.0);
  EXPECT_DOUBLE_EQ(h.h2(0)[6], -1.0);
  // the same pairs about x: both perpendicular
  AnisoHistogram hx(10, 5.0, 1);
  hx.add(along, 1.44, 0, &t, 1);
  EXPECT_DOUBLE_EQ(hx.h2(0)[2], -1.0);
  // beyond rc: not counted
  const double far[3] = {5.0, 0.0, 0.0};
  hx.add(far, 25.0, 0, &t, 1);
  double s = 0.0;
  for (double v : hx.raw()) s += v;
  EXPECT_DOUBLE_EQ(s, 2.0 - 1.0);
}

TEST(PdfKernel, IsotropicDirectionsAverageToZero)
{
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g;
  AnisoHistogram h(1, 2.0, 1);
  const Target t{0, 1.0};
  const int n = 200000;
  for (int k = 0; k < n; ++k) {
    double d[3] = {g(rng), g(rng), g(rng)};
    const double r = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    for (double &c : d) c /= r;
    h.add(d, 1.0, 1, &t, 1);
  }
  // <P2> = 0, var P2 = 1/5
  EXPECT_NEAR(h.h2(0)[0] / n, 0.0, 4.0 * std::sqrt(0.2 / n));
}

TEST(PdfKernel, NormalisationIsThatOfComputeRdf)
{
  const int nbin = 4;
  const double delr = 0.5, vol = 1000.0, icount = 10.0, normfac = 9.0;
  const double h0[nbin] = {0, 3, 5, 8}, h2[nbin] = {0, 1, -2, 0.5};
  double g0[nbin], c0[nbin], g2[nbin], c2[nbin];
  AMORPH::pdf::normalise(nbin, delr, vol, icount, normfac, h0, h2, nullptr, 0.0, g0, c0, g2, c2,
                         nullptr);
  double n0 = 0.0;
  for (int b = 0; b < nbin; ++b) {
    const double vfrac =
        4.0 * M_PI / 3.0 * (std::pow((b + 1) * delr, 3) - std::pow(b * delr, 3)) / vol;
    EXPECT_NEAR(g0[b], h0[b] / (vfrac * normfac * icount), 1e-14);
    EXPECT_NEAR(g2[b], std::sqrt(5.0) * h2[b] / (vfrac * normfac * icount), 1e-14);
    n0 += h0[b] / icount;
    EXPECT_NEAR(c0[b], n0, 1e-12);
  }
}

TEST(PdfKernel, AffineResponseIsTheDifferenceOfMappedHistograms)
{
  const double eps = 0.01, nu = 0.3, rc = 3.0;
  const int nbin = 30;
  AnisoHistogram h(nbin, rc, 1, true, eps, nu), hp(nbin, rc, 1), hm(nbin, rc, 1);
  EXPECT_GT(h.reach(), rc);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-h.reach(), h.reach());
  const Target t{0, 1.0};
  for (int k = 0; k < 50000; ++k) {
    const double d[3] = {u(rng), u(rng), u(rng)};
    const double rsq = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    if (rsq >= h.reach() * h.reach()) continue;
    h.add(d, rsq, 2, &t, 1);
    const double dp[3] = {d[0] * (1 + nu * eps), d[1] * (1 + nu * eps), d[2] * (1 - eps)};
    const double dm[3] = {d[0] * (1 - nu * eps), d[1] * (1 - nu * eps), d[2] * (1 + eps)};
    hp.add(dp, dp[0] * dp[0] + dp[1] * dp[1] + dp[2] * dp[2], 2, &t, 1);
    hm.add(dm, dm[0] * dm[0] + dm[1] * dm[1] + dm[2] * dm[2], 2, &t, 1);
  }
  for (int b = 0; b < nbin; ++b) EXPECT_NEAR(h.ht(0)[b], hp.h2(0)[b] - hm.h2(0)[b], 1e-9) << b;
}

TEST(PdfKernel, SplineBinningIsACubicBSpline)
{
  AnisoHistogram h(10, 5.0, 1, false, 0.0, 0.0, true);    // centres 0.25, 0.75, ...
  const Target t{0, 1.0};
  const double a[3] = {0.0, 0.0, 1.25};    // on the centre of bin 2: 1/6 2/3 1/6
  h.add(a, 1.25 * 1.25, 2, &t, 1);
  EXPECT_NEAR(h.h0(0)[1], 1.0 / 6.0, 1e-12);
  EXPECT_NEAR(h.h0(0)[2], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(h.h0(0)[3], 1.0 / 6.0, 1e-12);
  EXPECT_NEAR(h.h2(0)[2], 2.0 / 3.0, 1e-12);
  const double b[3] = {0.5, 0.0, 0.0};    // between centres 0 and 1: 1/48 23/48 23/48 1/48
  AnisoHistogram hb(10, 5.0, 1, false, 0.0, 0.0, true);
  hb.add(b, 0.25, 2, &t, 1);
  EXPECT_NEAR(hb.h0(0)[0], 23.0 / 48.0, 1e-12);
  EXPECT_NEAR(hb.h0(0)[1], 23.0 / 48.0, 1e-12);
  EXPECT_NEAR(hb.h0(0)[2], 1.0 / 48.0, 1e-12);
  EXPECT_NEAR(hb.h2(0)[0], -0.5 * 23.0 / 48.0, 1e-12);
  // the affine response of one pair is smooth in the strain: linear up to eps^2
  const double c[3] = {0.0, 0.0, 2.6};
  AnisoHistogram h1(10, 5.0, 1, true, 0.001, 0.3, true), h2(10, 5.0, 1, true, 0.002, 0.3, true);
  h1.add(c, 2.6 * 2.6, 2, &t, 1);
  h2.add(c, 2.6 * 2.6, 2, &t, 1);
  double sum = 0.0;
  for (int k = 0; k < 10; ++k) {
    EXPECT_NEAR(h1.ht(0)[k] * 2.0, h2.ht(0)[k], 1e-6) << k;
    sum += h1.ht(0)[k];
  }
  EXPECT_NEAR(sum, 0.0, 1e-12);    // the pair moves, its weight stays 1 (P2 = 1 along z)
}

TEST(PdfKernel, AffinePredictionOfAGaussianPeak)
{
  const int n = 2001;
  std::vector<double> r(n), g0(n), g2(n);
  for (int i = 0; i < n; ++i) {
    r[i] = 1.0 + 3.0 * i / (n - 1);
    g0[i] = std::exp(-0.5 * std::pow((r[i] - 2.5) / 0.2, 2));
  }
  const double eps = 0.002, nu = 0.36, k = eps * 2 * (1 + nu) / (3 * std::sqrt(5.0));
  AMORPH::pdf::affine_prediction(n, r.data(), g0.data(), eps, nu, g2.data());
  for (int i = 1; i < n - 1; ++i) {
    const double exact = k * r[i] * g0[i] * (-(r[i] - 2.5) / 0.04);
    EXPECT_NEAR(g2[i], exact, 1e-4 * k * 30.0) << r[i];
  }
}

TEST(PdfKernel, BadArguments)
{
  EXPECT_THROW(AnisoHistogram(0, 1.0, 1), std::invalid_argument);
  EXPECT_THROW(AnisoHistogram(10, 0.0, 1), std::invalid_argument);
  EXPECT_THROW(AnisoHistogram(10, 1.0, 0), std::invalid_argument);
  EXPECT_THROW(AnisoHistogram(10, 1.0, 1, true, 0.0, 0.3), std::invalid_argument);
  EXPECT_THROW(AnisoHistogram(10, 1.0, 1, true, 0.01, 0.7), std::invalid_argument);
}
