// AMORPH - LAMMPS plugin package, GPL-2.0
//
// Unit tests for events_kernel (per-event sums, kind, centroid across periodic
// boundaries in orthogonal and triclinic boxes, order independence, minsize).
// References: hand-computed sums and centroids; the same members in every order.

#include "events_kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace AMORPH::events;

namespace {

Member make(std::int64_t tag, std::int64_t event, double mob, double delta, double x, double y,
            double z)
{
  Member m;
  m.tag = tag;
  m.event = event;
  m.mobility = mob;
  m.delta = delta;
  m.x[0] = x;
  m.x[1] = y;
  m.x[2] = z;
  return m;
}

}    // namespace

TEST(EventsKernel, Kind)
{
  EXPECT_EQ(kind(0.3), 1);
  EXPECT_EQ(kind(-1e-300), -1);
  EXPECT_EQ(kind(0.0), 0);
}

TEST(EventsKernel, SumsAndCentroidAcrossTheBoundary)
{
  Box box;    // 10 x 10 x 10 at the origin
  for (int k = 0; k < 3; ++k) box.h[k] = 10.0;
  // event 3: atoms at x = 9.5 and 0.5 (one apart through the boundary), event 7 inside
  std::vector<Member> m = {
      make(5, 3, 1.0, 0.5, 9.5, 5.0, 5.0), make(3, 3, 2.0, -0.2, 0.5, 5.0, 5.0),
      make(7, 7, 4.0, -1.0, 2.0, 2.0, 2.0), make(9, 7, 0.5, 0.25, 4.0, 2.0, 2.0)};
  const auto ev = aggregate(m, box, 1);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].id, 3);
  EXPECT_EQ(ev[0].size, 2);
  EXPECT_DOUBLE_EQ(ev[0].magnitude, 3.0);
  EXPECT_DOUBLE_EQ(ev[0].delta, 0.3);
  EXPECT_EQ(ev[0].sign, 1);
  // minimum image of the first member (tag 3 at 0.5): 9.5 -> -0.5, mean 0.0 = the boundary
  EXPECT_NEAR(ev[0].centroid[0], 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(ev[0].centroid[1], 5.0);
  EXPECT_EQ(ev[1].id, 7);
  EXPECT_EQ(ev[1].sign, -1);
  EXPECT_DOUBLE_EQ(ev[1].delta, -0.75);
  EXPECT_DOUBLE_EQ(ev[1].centroid[0], 3.0);
}

TEST(EventsKernel, CentroidWrappedIntoTheBox)
{
  Box box;
  box.lo[0] = -5.0;
  for (int k = 0; k < 3; ++k) box.h[k] = 10.0;
  // first member at x = -4.9, the other at 4.3 (image -5.7): mean -5.3 -> wrapped 4.7
  std::vector<Member> m = {make(1, 1, 1, 1, -4.9, 1, 1), make(2, 1, 1, 1, 4.3, 1, 1)};
  const auto ev = aggregate(m, box, 1);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_NEAR(ev[0].centroid[0], 4.7, 1e-12);
}

TEST(EventsKernel, TriclinicMinimumImage)
{
  Box box;
  box.h[0] = 10.0;
  box.h[1] = 8.0;
  box.h[2] = 6.0;
  box.h[5] = 3.0;     // xy: b = (3, 8, 0)
  box.h[3] = 1.0;     // yz: c = (xz, 1, 6)
  box.h[4] = -2.0;    // xz
  // a point displaced by b - c from another: the minimum image is 0 displacement
  double d[3] = {3.0 - (-2.0) + 0.1, 8.0 - 1.0 + 0.2, -6.0 - 0.3};
  minimum_image(box, d);
  EXPECT_NEAR(d[0], 0.1, 1e-12);
  EXPECT_NEAR(d[1], 0.2, 1e-12);
  EXPECT_NEAR(d[2], -0.3, 1e-12);
  // non-periodic z: the c component stays
  box.periodic[2] = false;
  double e[3] = {-2.0, 1.0, 6.0};
  minimum_image(box, e);
  EXPECT_NEAR(e[0], -2.0, 1e-12);
  EXPECT_NEAR(e[2], 6.0, 1e-12);
}

TEST(EventsKernel, OrderIndependentAndMinsize)
{
  Box box;
  for (int k = 0; k < 3; ++k) box.h[k] = 20.0;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Member> m;
  for (int e = 0; e < 5; ++e)
    for (int k = 0; k <= e; ++k)    // event e has e+1 members
      m.push_back(make(100 * e + k + 1, 100 * e + 1, u(rng), u(rng) - 0.5, 4.0 * e + u(rng), u(rng),
                       u(rng)));
  const auto ref = aggregate(m, box, 1);
  ASSERT_EQ(ref.size(), 5u);
  for (int trial = 0; trial < 20; ++trial) {
    std::shuffle(m.begin(), m.end(), rng);
    const auto ev = aggregate(m, box, 1);
    ASSERT_EQ(ev.size(), ref.size());
    for (std::size_t k = 0; k < ev.size(); ++k) {
      EXPECT_EQ(ev[k].id, ref[k].id);
      EXPECT_EQ(ev[k].magnitude, ref[k].magnitude);    // bit-identical: summed in ID order
      EXPECT_EQ(ev[k].delta, ref[k].delta);
      for (int c = 0; c < 3; ++c) EXPECT_EQ(ev[k].centroid[c], ref[k].centroid[c]);
    }
  }
  const auto big = aggregate(m, box, 3);
  ASSERT_EQ(big.size(), 3u);
  EXPECT_EQ(big[0].size, 3);
  EXPECT_EQ(big[0].id, 201);
  EXPECT_TRUE(aggregate({}, box, 1).empty());
}
