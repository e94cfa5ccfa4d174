// AMORPH - LAMMPS plugin package, GPL-2.0
// Cell list against brute force: same neighbour sets and bond vectors.
#include "cell_list.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>
#include <vector>

using AMORPH::cells::CellList;

namespace {
std::vector<std::tuple<int, double, double, double>> brute(const std::vector<double *> &x, int i,
                                                           double rc)
{
  std::vector<std::tuple<int, double, double, double>> out;
  for (int j = 0; j < (int) x.size(); ++j) {
    if (j == i) continue;
    const double dx = x[j][0] - x[i][0], dy = x[j][1] - x[i][1], dz = x[j][2] - x[i][2];
    if (dx * dx + dy * dy + dz * dz < rc * rc) out.emplace_back(j, dx, dy, dz);
  }
  return out;
}

void check(const std::vector<std::array<double, 3>> &pts, double rc)
{
  std::vector<double *> x;
  auto copy = pts;
  for (auto &p : copy) x.push_back(p.data());
  CellList cl;
  cl.build(x.data(), (int) x.size(), rc);
  ASSERT_EQ(cl.size(), (int) x.size());
  auto order = cl.order();
  std::sort(order.begin(), order.end());
  for (int i = 0; i < (int) x.size(); ++i) ASSERT_EQ(order[i], i);
  for (int i = 0; i < (int) x.size(); ++i) {
    std::vector<std::tuple<int, double, double, double>> got;
    cl.for_each_neighbor(i, [&](int j, double dx, double dy, double dz, double rsq) {
      EXPECT_DOUBLE_EQ(rsq, dx * dx + dy * dy + dz * dz);
      got.emplace_back(j, dx, dy, dz);
    });
    std::sort(got.begin(), got.end());
    auto ref = brute(x, i, rc);
    ASSERT_EQ(got, ref) << "point " << i;    // bitwise equal bond vectors
  }
}
}    // namespace

TEST(CellList, RandomCloudsAgainstBruteForce)
{
  std::mt19937_64 rng(12345);
  for (double rc : {0.3, 1.0, 2.5, 40.0}) {
    std::uniform_real_distribution<double> u(-5.0, 7.0);
    std::vector<std::array<double, 3>> pts(400);
    for (auto &p : pts) p = {u(rng), u(rng), 0.3 * u(rng)};
    check(pts, rc);
  }
}

TEST(CellList, DegenerateInputs)
{
  check({}, 1.0);
  check({{{0.0, 0.0, 0.0}}}, 1.0);
  // coincident points and points on a line (flat extents), spread very unevenly
  check({{{0, 0, 0}}, {{0, 0, 0}}, {{1e-9, 0, 0}}, {{0.5, 0, 0}}, {{1e6, 0, 0}}}, 1.0);
}

TEST(CellList, LatticeDistanceExactlyAtCutoffExcluded)
{
  std::vector<std::array<double, 3>> pts;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j)
      for (int k = 0; k < 5; ++k) pts.push_back({(double) i, (double) j, (double) k});
  check(pts, 1.0);    // neighbours at exactly 1.0 are not within (strict <)
  CellList cl;
  std::vector<double *> x;
  for (auto &p : pts) x.push_back(p.data());
  cl.build(x.data(), (int) x.size(), 1.0 + 1e-12);
  int n = 0;
  cl.for_each_neighbor(62, [&](int, double, double, double, double) {
    ++n;
  });    // centre
  EXPECT_EQ(n, 6);
}
