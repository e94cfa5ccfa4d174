// AMORPH - LAMMPS plugin package, GPL-2.0
//
// Unit tests for box_frame (flip detection, the continuous box, the affine frame).
// References: a box sheared continuously with the flips done the way LAMMPS's
// fix deform does them (yz first, changing xz by xy; then xz, xy), against the
// unflipped tilts; H Hinv = I; shrink-wrapped dimensions as Cartesian coordinates.

#include "box_frame.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

using namespace AMORPH::box;

namespace {

// LAMMPS-style flip of the tilts of h (in place) when a ratio exceeds 0.5
Flip lammps_flip(double h[6])
{
  Flip f;
  if (h[3] / h[1] > 0.5) {
    h[3] -= h[1];
    h[4] -= h[5];
    f.p = -1;
  } else if (h[3] / h[1] < -0.5) {
    h[3] += h[1];
    h[4] += h[5];
    f.p = 1;
  }
  if (h[4] / h[0] > 0.5) {
    h[4] -= h[0];
    f.n = -1;
  } else if (h[4] / h[0] < -0.5) {
    h[4] += h[0];
    f.n = 1;
  }
  if (h[5] / h[0] > 0.5) {
    h[5] -= h[0];
    f.m = -1;
  } else if (h[5] / h[0] < -0.5) {
    h[5] += h[0];
    f.m = 1;
  }
  return f;
}

void mat(const double h[6], double M[3][3])
{
  const double m[3][3] = {{h[0], h[5], h[4]}, {0, h[1], h[3]}, {0, 0, h[2]}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) M[i][j] = m[i][j];
}

}    // namespace

TEST(BoxFrame, DetectFlip)
{
  const double hl[6] = {10, 12, 14, 6.1, 5.2, 5.1};
  // xy flipped by -xprd, continuous change 0.01
  double h[6] = {10, 12, 14, 6.1, 5.2, 5.11 - 10};
  Flip f = detect_flip(h, hl, true, true);
  EXPECT_EQ(f.m, -1);
  EXPECT_EQ(f.n, 0);
  EXPECT_EQ(f.p, 0);
  // yz flipped: yz -= yprd, xz -= xy
  double h2[6] = {10, 12, 14, 6.1 - 12, 5.2 - 5.1, 5.1};
  f = detect_flip(h2, hl, true, true);
  EXPECT_EQ(f.p, -1);
  EXPECT_EQ(f.n, 0);
  EXPECT_EQ(f.m, 0);
  // non-periodic dimensions do not flip
  f = detect_flip(h2, hl, false, false);
  EXPECT_FALSE(f.any());
  // no flip for small changes
  double h3[6] = {10.1, 12, 14, 6.2, 5.0, 5.3};
  EXPECT_FALSE(detect_flip(h3, hl, true, true).any());
}

// a box sheared in xy, xz and yz at constant rates, flipped as LAMMPS does: the
// continuous tilts equal the unflipped ones, the flips are the ones LAMMPS did
TEST(BoxFrame, ContinuousBoxFollowsFlips)
{
  double h[6] = {10, 11, 12, 0, 0, 0};
  double cont[6] = {10, 11, 12, 0, 0, 0};
  ContinuousBox cb;
  cb.reset(h);
  const double rate[3] = {0.013, -0.021, 0.017};    // yz, xz, xy per step
  int nflips = 0;
  for (int step = 1; step <= 5000; ++step) {
    for (int k = 0; k < 3; ++k) {
      h[3 + k] += rate[k];
      cont[3 + k] += rate[k];
    }
    h[0] = cont[0] = 10 + 0.5 * std::sin(step * 1e-3);    // and a stretch in x
    const Flip lf = lammps_flip(h);
    const Flip f = cb.update(h, true, true);
    EXPECT_EQ(f.p, lf.p);
    EXPECT_EQ(f.n, lf.n);
    EXPECT_EQ(f.m, lf.m);
    nflips += lf.any();
    // hc: the unflipped box up to a lattice vector sum; its tilts are those of the
    // continuous shear exactly where the flips did not mix (xy, yz) and, for xz, the
    // continuous xz (the yz flips shift xz by the xy of their time, also continuous)
    for (int k = 0; k < 6; ++k)
      ASSERT_NEAR(cb.hc()[k], cont[k], 1e-9) << "step " << step << " k " << k;
  }
  EXPECT_GT(nflips, 10);
}

TEST(BoxFrame, FrameInverseAndShrink)
{
  const double h[6] = {10, 11, 12, 1.5, -2.5, 3.25};
  const double lo[3] = {-1, 2, 0.5};
  const bool none[3] = {false, false, false};
  Frame fr = affine_frame(h, lo, none);
  double A[3][3], B[3][3];
  mat(fr.H, A);
  mat(fr.Hinv, B);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double s = 0;
      for (int k = 0; k < 3; ++k) s += A[i][k] * B[k][j];
      EXPECT_NEAR(s, i == j ? 1.0 : 0.0, 1e-14);
    }
  // round trip x -> s -> x
  const double x[3] = {3.3, -4.4, 7.7};
  double s[3], ds[3], back[3];
  fr.fractional(x, s);
  for (int d = 0; d < 3; ++d) ds[d] = s[d];
  fr.cartesian(ds, back);
  for (int d = 0; d < 3; ++d) EXPECT_NEAR(back[d] + lo[d], x[d], 1e-13);

  // z shrink-wrapped: z enters as Cartesian, its tilts are dropped
  const bool z[3] = {false, false, true};
  fr = affine_frame(h, lo, z);
  fr.fractional(x, s);
  EXPECT_DOUBLE_EQ(s[2], x[2]);
  EXPECT_NEAR(s[1], (x[1] - lo[1]) / 11.0, 1e-15);
  EXPECT_NEAR(s[0], (x[0] + 1 - 3.25 * s[1]) / 10.0, 1e-15);
  // y shrink-wrapped: y = s_y + yz s_z, xy dropped
  const bool y[3] = {false, true, false};
  fr = affine_frame(h, lo, y);
  fr.fractional(x, s);
  const double sz = (x[2] - 0.5) / 12.0;
  EXPECT_NEAR(s[2], sz, 1e-15);
  EXPECT_NEAR(s[1], x[1] - 1.5 * sz, 1e-14);
  EXPECT_NEAR(s[0], (x[0] + 1 + 2.5 * sz) / 10.0, 1e-15);

  const double bad[6] = {0, 1, 1, 0, 0, 0};
  EXPECT_THROW(affine_frame(bad, lo, none), std::invalid_argument);
}

// a box that grows (shrink-wrap follows moving atoms) leaves the fractional
// coordinate of a resting atom unchanged in the shrink-wrapped dimension
TEST(BoxFrame, ShrinkWrappedDimensionIsNotADeformation)
{
  const double h0[6] = {10, 10, 10, 0, 0, 0}, h1[6] = {10, 10, 13, 0, 0, 0};
  const double lo0[3] = {0, 0, 0}, lo1[3] = {0, 0, -1};
  const bool z[3] = {false, false, true};
  const double x[3] = {2, 3, 4};
  double s0[3], s1[3];
  affine_frame(h0, lo0, z).fractional(x, s0);
  affine_frame(h1, lo1, z).fractional(x, s1);
  for (int d = 0; d < 3; ++d) EXPECT_DOUBLE_EQ(s0[d], s1[d]);
  // without the shrink flag the growth reads as a strain
  const bool none[3] = {false, false, false};
  affine_frame(h0, lo0, none).fractional(x, s0);
  affine_frame(h1, lo1, none).fractional(x, s1);
  EXPECT_GT(std::fabs(s1[2] - s0[2]), 0.01);
}
