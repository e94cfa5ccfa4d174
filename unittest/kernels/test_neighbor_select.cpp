/* ----------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
   https://www.gnu.org/licenses/old-licenses/gpl-2.0.html

   Unit tests of the neighbour selection (src/kernels/neighbor_select.*):
   the SANN count against hand-computed shells, the selection rules against
   brute force over shuffled arrival orders, the cutoff candidates against
   all pairs, and the Voronoi cells of bcc and fcc crystals against their
   analytic polyhedra (truncated octahedron, rhombic dodecahedron).
------------------------------------------------------------------------- */

#include "neighbor_select.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <set>
#include <vector>

using namespace AMORPH::neigh;

namespace {

Candidate at(double x, double y, double z, int j, int64_t tag)
{
  return {x * x + y * y + z * z, x, y, z, j, tag, -1.0};
}

std::set<int64_t> tags_of(const std::vector<Candidate> &c, int n)
{
  std::set<int64_t> t;
  for (int k = 0; k < n; ++k) t.insert(c[k].tag);
  return t;
}

// the fcc first and second shells (a = sqrt 2: nearest at 1), tags 1.., shuffled
std::vector<Candidate> fcc_shells(unsigned seed, bool second_shell = true)
{
  std::vector<Candidate> c;
  int64_t tag = 1;
  const double h = std::sqrt(0.5);
  for (int a = 0; a < 3; ++a)
    for (int sa : {-1, 1})
      for (int sb : {-1, 1}) {
        double v[3] = {0.0, 0.0, 0.0};
        v[a] = sa * h;
        v[(a + 1) % 3] = sb * h;
        c.push_back(at(v[0], v[1], v[2], (int) tag, tag));
        ++tag;
      }
  if (second_shell)
    for (int a = 0; a < 3; ++a)
      for (int s : {-1, 1}) {
        double v[3] = {0.0, 0.0, 0.0};
        v[a] = s * 2 * h;
        c.push_back(at(v[0], v[1], v[2], (int) tag, tag));
        ++tag;
      }
  std::mt19937 rng(seed);
  std::shuffle(c.begin(), c.end(), rng);
  return c;
}

}    // namespace

/* ======================================================================
   SANN
====================================================================== */

TEST(Sann, HandComputedCases)
{
  double R = -1.0;
  // {1,1,1,4}: m=3: R_3 = 3/1 = 3 < r_4 = 4  -> 3
  const double a[] = {1.0, 1.0, 1.0, 4.0};
  EXPECT_EQ(sann_count(a, 4, &R), 3);
  EXPECT_DOUBLE_EQ(R, 3.0);
  // {1,1,1,1,3}: R_3 = 3 !< 1; R_4 = 4/2 = 2 < 3 -> 4
  const double b[] = {1.0, 1.0, 1.0, 1.0, 3.0};
  EXPECT_EQ(sann_count(b, 5, &R), 4);
  EXPECT_DOUBLE_EQ(R, 2.0);
  // fcc: 12 at 1, 6 at sqrt2: R_m = m/(m-2) > 1 for m < 12; R_12 = 1.2 < sqrt2 -> 12
  std::vector<double> fcc(12, 1.0);
  for (int i = 0; i < 6; ++i) fcc.push_back(std::sqrt(2.0));
  EXPECT_EQ(sann_count(fcc.data(), static_cast<int>(fcc.size()), &R), 12);
  EXPECT_DOUBLE_EQ(R, 1.2);
  // bcc (a=1): 8 at sqrt3/2, 6 at 1, 12 at sqrt2.
  // R_8 = 8*0.8660/6 = 1.155 !< 1; R_13 = (6.928+5)/11 = 1.084 !< 1;
  // R_14 = (6.928+6)/12 = 1.0774 < 1.414 -> 14
  std::vector<double> bcc(8, std::sqrt(3.0) / 2);
  for (int i = 0; i < 6; ++i) bcc.push_back(1.0);
  for (int i = 0; i < 12; ++i) bcc.push_back(std::sqrt(2.0));
  EXPECT_EQ(sann_count(bcc.data(), static_cast<int>(bcc.size()), &R), 14);
  EXPECT_NEAR(R, (4 * std::sqrt(3.0) + 6) / 12, 1e-15);
  // the radius pointer is optional
  EXPECT_EQ(sann_count(a, 4), 3);
}

TEST(Sann, SentinelWhenListTooShort)
{
  double R = -1.0;
  // all equal: R_m = m/(m-2) > 1 = r_{m+1} for every m -> not found
  std::vector<double> eq(30, 1.0);
  EXPECT_EQ(sann_count(eq.data(), 30, &R), SANN_NOT_FOUND);
  EXPECT_EQ(R, -1.0);    // untouched
  // strict inequality: R_3 = 3 == r_4 -> not found with only 4 distances
  const double tie[] = {1.0, 1.0, 1.0, 3.0};
  EXPECT_EQ(sann_count(tie, 4, &R), SANN_NOT_FOUND);
  // fewer than 4 distances can never decide
  const double three[] = {1.0, 1.0, 100.0};
  EXPECT_EQ(sann_count(three, 3, &R), SANN_NOT_FOUND);
  EXPECT_EQ(sann_count(nullptr, 0, &R), SANN_NOT_FOUND);
  // fcc list cut right after the first shell: r_13 missing -> not found
  std::vector<double> fcc(12, 1.0);
  EXPECT_EQ(sann_count(fcc.data(), 12, &R), SANN_NOT_FOUND);
  EXPECT_EQ(R, -1.0);
}

/* ======================================================================
   selection rules
====================================================================== */

TEST(Selector, NearestBreaksDistanceTiesByTagWhateverTheOrder)
{
  // three at distance 1 (tags 9, 2, 5), one at 0.5 (tag 7), one at 2 (tag 1)
  const std::vector<Candidate> base = {at(1, 0, 0, 0, 9), at(0, 1, 0, 1, 2), at(0, 0, -1, 2, 5),
                                       at(0.5, 0, 0, 3, 7), at(2, 0, 0, 4, 1)};
  Selector sel;
  std::vector<int> perm(base.size());
  std::iota(perm.begin(), perm.end(), 0);
  int orders = 0;
  do {
    std::vector<Candidate> c;
    for (int p : perm) c.push_back(base[p]);
    const Selection s = sel.select(c, Rule::NEAREST, 3);
    ASSERT_EQ(s.count, 3);
    EXPECT_FALSE(s.too_few);
    EXPECT_EQ(tags_of(c, 3), (std::set<int64_t>{7, 2, 5}));
    EXPECT_EQ(c[0].tag, 7);    // nearest first
    for (int k = 0; k < 3; ++k) EXPECT_DOUBLE_EQ(c[k].w, 1.0 / 3.0);
    ++orders;
  } while (std::next_permutation(perm.begin(), perm.end()));
  EXPECT_EQ(orders, 120);
}

TEST(Selector, NearestEqualsBruteForceOnRandomPoints)
{
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-2.0, 2.0);
  Selector sel;
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<Candidate> c;
    for (int k = 0; k < 40; ++k) c.push_back(at(u(rng), u(rng), u(rng), k, 1000 - k));
    // brute force: the nnn smallest distances
    std::vector<double> r;
    for (const auto &x : c) r.push_back(std::sqrt(x.rsq));
    std::sort(r.begin(), r.end());
    const int nnn = 1 + trial % 17;
    const Selection s = sel.select(c, Rule::NEAREST, nnn);
    ASSERT_EQ(s.count, nnn);
    for (int k = 0; k < nnn; ++k) EXPECT_DOUBLE_EQ(std::sqrt(c[k].rsq), r[k]);
  }
}

TEST(Selector, NearestWithTooFewCandidates)
{
  std::vector<Candidate> c = {at(1, 0, 0, 0, 1), at(0, 1, 0, 1, 2)};
  Selector sel;
  const Selection s = sel.select(c, Rule::NEAREST, 3);
  EXPECT_TRUE(s.too_few);
  EXPECT_EQ(s.count, 0);
}

TEST(Selector, CutoffTakesAllWithEqualWeights)
{
  std::vector<Candidate> c = fcc_shells(3);
  Selector sel;
  const Selection s = sel.select(c, Rule::CUTOFF);
  EXPECT_EQ(s.count, 18);
  EXPECT_FALSE(s.too_few || s.sann_open);
  for (const auto &x : c) EXPECT_DOUBLE_EQ(x.w, 1.0 / 18);
}

TEST(Selector, SannFindsTheFccFirstShell)
{
  Selector sel;
  for (unsigned seed = 0; seed < 10; ++seed) {
    std::vector<Candidate> c = fcc_shells(seed);
    const Selection s = sel.select(c, Rule::SANN);
    ASSERT_EQ(s.count, 12);
    EXPECT_FALSE(s.sann_open);
    EXPECT_EQ(tags_of(c, 12), tags_of(fcc_shells(0, false), 12));
    for (int k = 0; k < 12; ++k) EXPECT_NEAR(c[k].rsq, 1.0, 1e-14);
    for (int k = 0; k < 12; ++k) EXPECT_DOUBLE_EQ(c[k].w, 1.0 / 12);
  }
  // only the first shell within the cutoff: the shell cannot close, all are taken
  std::vector<Candidate> c = fcc_shells(1, false);
  const Selection s = sel.select(c, Rule::SANN);
  EXPECT_TRUE(s.sann_open);
  EXPECT_EQ(s.count, 12);
}

/* ======================================================================
   cutoff candidates of a cell list
====================================================================== */

TEST(CutoffCandidates, EqualAllPairsWithinTheCutoff)
{
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0.0, 6.0);
  const int n = 300;
  std::vector<std::array<double, 3>> p(n);
  std::vector<const double *> x(n);
  std::vector<int> tag(n);
  for (int i = 0; i < n; ++i) {
    p[i] = {u(rng), u(rng), u(rng)};
    x[i] = p[i].data();
    tag[i] = 10 * i + 3;
  }
  const double rc = 1.3;
  AMORPH::cells::CellList cells;
  cells.build(x.data(), n, rc);
  std::vector<Candidate> c;
  for (int i = 0; i < n; i += 7) {
    cutoff_candidates(cells, i, tag.data(), c);
    std::set<int> got, want;
    for (const auto &k : c) {
      got.insert(k.j);
      EXPECT_EQ(k.tag, tag[k.j]);
      EXPECT_NEAR(k.dx, p[k.j][0] - p[i][0], 1e-14);
      EXPECT_NEAR(k.dz, p[k.j][2] - p[i][2], 1e-14);
      EXPECT_NEAR(k.rsq, k.dx * k.dx + k.dy * k.dy + k.dz * k.dz, 1e-14);
    }
    for (int j = 0; j < n; ++j) {
      const double dx = p[j][0] - p[i][0], dy = p[j][1] - p[i][1], dz = p[j][2] - p[i][2];
      if (j != i && dx * dx + dy * dy + dz * dz < rc * rc) want.insert(j);
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(c.size(), want.size());
  }
}

/* ======================================================================
   Voronoi cells
====================================================================== */

namespace {

// a cubic block of n^3 conventional cells of a lattice (basis in units of a = 1), the points
// of the centre cell first (those are the "local" ones, the rest only bound their cells)
struct Block {
  std::vector<std::array<double, 3>> p;
  std::vector<const double *> x;
  std::vector<int64_t> tag;
  int nlocal = 0;
};

Block lattice_block(const std::vector<std::array<double, 3>> &basis, int n)
{
  Block b;
  const int c = n / 2;
  for (const auto &v : basis) b.p.push_back({c + v[0], c + v[1], c + v[2]});
  b.nlocal = (int) b.p.size();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) {
        if (i == c && j == c && k == c) continue;
        for (const auto &v : basis) b.p.push_back({i + v[0], j + v[1], k + v[2]});
      }
  for (size_t i = 0; i < b.p.size(); ++i) {
    b.x.push_back(b.p[i].data());
    b.tag.push_back((int64_t) i + 1);
  }
  return b;
}

}    // namespace

TEST(Voronoi, BccCellIsTheTruncatedOctahedron)
{
  if (!VoronoiCells::available()) GTEST_SKIP() << "built without voro++";
  const Block b = lattice_block({{0, 0, 0}, {0.5, 0.5, 0.5}}, 5);
  VoronoiCells v;
  v.compute(b.x.data(), b.nlocal, (int) b.x.size());
  EXPECT_EQ(v.nwall, 0);
  // a = 1: 8 hexagons at distance sqrt3/2 (area 3 sqrt3/16), 6 squares at distance 1 (1/8)
  for (int i = 0; i < b.nlocal; ++i) {
    ASSERT_EQ(v.faces(i), 14);
    int nhex = 0, nsq = 0;
    double vol = 0.0;
    for (int k = v.first[i]; k < v.first[i + 1]; ++k) {
      const double *xi = b.x[i], *xj = b.x[v.j[k]];
      const double r = std::sqrt(std::pow(xj[0] - xi[0], 2) + std::pow(xj[1] - xi[1], 2) +
                                 std::pow(xj[2] - xi[2], 2));
      if (std::fabs(r - std::sqrt(3.0) / 2) < 1e-9) {
        ++nhex;
        EXPECT_NEAR(v.area[k], 3 * std::sqrt(3.0) / 16, 1e-9);
      } else if (std::fabs(r - 1.0) < 1e-9) {
        ++nsq;
        EXPECT_NEAR(v.area[k], 0.125, 1e-9);
      }
      vol += v.area[k] * (r / 2) / 3;    // pyramid over the face
    }
    EXPECT_EQ(nhex, 8);
    EXPECT_EQ(nsq, 6);
    EXPECT_NEAR(vol, 0.5, 1e-9);    // a^3 / 2 atoms
  }
  // weights: face-area fractions or equal, each summing to 1
  std::vector<Candidate> c;
  v.candidates(0, b.x.data(), b.tag.data(), true, c);
  ASSERT_EQ(c.size(), 14u);
  double wsum = 0.0, whex = 0.0;
  for (const auto &k : c) {
    wsum += k.w;
    EXPECT_EQ(k.tag, b.tag[k.j]);
    if (std::fabs(k.rsq - 0.75) < 1e-9) whex = k.w;
  }
  EXPECT_NEAR(wsum, 1.0, 1e-12);
  const double area_total = 8 * 3 * std::sqrt(3.0) / 16 + 6 * 0.125;
  EXPECT_NEAR(whex, 3 * std::sqrt(3.0) / 16 / area_total, 1e-9);
  v.candidates(0, b.x.data(), b.tag.data(), false, c);
  for (const auto &k : c) EXPECT_DOUBLE_EQ(k.w, 1.0 / 14);
}

TEST(Voronoi, FccCellIsTheRhombicDodecahedron)
{
  if (!VoronoiCells::available()) GTEST_SKIP() << "built without voro++";
  const Block b = lattice_block({{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}}, 5);
  VoronoiCells v;
  v.compute(b.x.data(), b.nlocal, (int) b.x.size());
  EXPECT_EQ(v.nwall, 0);
  // 12 equal rhombi at distance 1/sqrt2: 12 * A * (1/(2 sqrt2)) / 3 = 1/4 -> A = sqrt2/8
  for (int i = 0; i < b.nlocal; ++i) {
    ASSERT_EQ(v.faces(i), 12);
    for (int k = v.first[i]; k < v.first[i + 1]; ++k)
      EXPECT_NEAR(v.area[k], std::sqrt(2.0) / 8, 1e-9);
  }
}

TEST(Voronoi, CellsWithoutSurroundingPointsReachTheWalls)
{
  if (!VoronoiCells::available()) GTEST_SKIP() << "built without voro++";
  // a lone 2x2x2 cube of points: every cell is open
  std::vector<std::array<double, 3>> p;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 2; ++k) p.push_back({(double) i, (double) j, (double) k});
  std::vector<const double *> x;
  for (const auto &q : p) x.push_back(q.data());
  VoronoiCells v;
  v.compute(x.data(), 8, 8);
  EXPECT_EQ(v.nwall, 8);
  // no local points: an empty list
  v.compute(x.data(), 0, 8);
  EXPECT_EQ(v.nwall, 0);
  EXPECT_EQ(v.first.size(), 1u);
}
