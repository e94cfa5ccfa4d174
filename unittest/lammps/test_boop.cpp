// AMORPH - LAMMPS plugin package, GPL-2.0
// compute boop/atom in real LAMMPS instances: crystal reference values
// (doc/src/Science.rst, section 3.6), equality with core compute orientorder/atom, rotation
// invariance, bad input.
#include "amorph_test.h"

#include "domain.h"

#include <cmath>
#include <cstdio>
#include <string>

using amorph_test::LammpsTest;

namespace {

class BoopTest : public LammpsTest {
 protected:
  // a perfect periodic crystal with lattice constant 1 (pair zero only builds neighbour lists)
  void crystal(const std::string &lattice, int n)
  {
    // metal units: the lattice argument is the lattice constant (1 Angstrom)
    cmds({"units metal", "atom_style atomic", "boundary p p p", "lattice " + lattice + " 1.0",
          "region box block 0 " + std::to_string(n) + " 0 " + std::to_string(n) + " 0 " +
              std::to_string(n),
          "create_box 1 box", "create_atoms 1 box", "mass 1 1.0", "pair_style zero 1.3",
          "pair_coeff * *"});
  }
  // make `run` invoke the compute (errors then propagate as exceptions)
  void use_in_thermo(const std::string &id)
  {
    cmds({"compute r_" + id + " all reduce sum c_" + id + "[1]",
          "thermo_style custom step c_r_" + id});
  }
  void single(double x, double y, double z)
  {
    char buf[160];
    snprintf(buf, sizeof(buf), "create_atoms 1 single %.17g %.17g %.17g", x, y, z);
    cmd(buf);
  }
  // expect the same values in column `col` for every atom
  void expect_all(const std::map<long, std::vector<double>> &v, int col, double ref, double tol,
                  const char *what)
  {
    ASSERT_FALSE(v.empty());
    for (const auto &kv : v) EXPECT_NEAR(kv.second[col], ref, tol) << what << " atom " << kv.first;
  }
};

}    // namespace

// columns with "degrees 3 2 4 6 nnn N w yes bonds no qbar no wbar no":
//   q2 q4 q6 | w2 w4 w6 | wh2 wh4 wh6 | N_b
TEST_F(BoopTest, FccReferenceValues)
{
  crystal("fcc", 3);
  cmd("compute b all boop/atom degrees 3 2 4 6 nnn 12 w yes qbar no wbar no bonds no");
  cmd("run 0");
  auto v = peratom_array("b", 10);
  expect_all(v, 1, 0.19094, 1e-5, "fcc q4");
  expect_all(v, 2, 0.57452, 1e-5, "fcc q6");
  expect_all(v, 7, -0.159317, 1e-6, "fcc wh4");
  expect_all(v, 8, -0.01316, 1e-5, "fcc wh6");
  expect_all(v, 9, 12.0, 0.0, "fcc N_b");
}

TEST_F(BoopTest, HcpReferenceValues)
{
  // LAMMPS's hcp lattice has the ideal c/a = sqrt(8/3)
  crystal("hcp", 3);
  cmd("compute b all boop/atom degrees 3 2 4 6 nnn 12 w yes qbar no wbar no bonds no");
  cmd("run 0");
  auto v = peratom_array("b", 10);
  expect_all(v, 1, 0.09722, 1e-5, "hcp q4");
  expect_all(v, 2, 0.48476, 1e-5, "hcp q6");
  expect_all(v, 8, -0.01244, 1e-5, "hcp wh6");
}

TEST_F(BoopTest, BccReferenceValues8And14)
{
  crystal("bcc", 3);
  cmd("compute b8 all boop/atom degrees 3 2 4 6 nnn 8 w yes qbar no wbar no bonds no");
  cmd("compute b14 all boop/atom degrees 3 2 4 6 nnn 14 w yes qbar no wbar no bonds no");
  cmd("run 0");
  auto v8 = peratom_array("b8", 10);
  auto v14 = peratom_array("b14", 10);
  expect_all(v8, 2, 0.62854, 1e-5, "bcc(8) q6");
  expect_all(v14, 1, 0.03637, 1e-5, "bcc(14) q4");
  expect_all(v14, 2, 0.51069, 1e-5, "bcc(14) q6");
  expect_all(v14, 8, 0.01316, 1e-5, "bcc(14) wh6");
}

// Voronoi face neighbours: the fcc cell is a rhombic dodecahedron (12 equal faces), the bcc
// cell a truncated octahedron (8 + 6 faces), so the unweighted values are those of 12 and
// 14 neighbours
TEST_F(BoopTest, VoronoiNeighboursOfCrystals)
{
#ifdef AMORPH_HAVE_VORO
  crystal("fcc", 3);
  cmd("compute v all boop/atom degrees 3 2 4 6 voronoi yes w yes qbar no wbar no bonds no");
  cmd("compute a all boop/atom degrees 3 2 4 6 voronoi area w yes qbar no wbar no bonds no");
  cmd("run 0");
  auto v = peratom_array("v", 10);
  auto a = peratom_array("a", 10);
  expect_all(v, 9, 12.0, 0.0, "fcc voronoi N_b");
  expect_all(v, 2, 0.57452, 1e-5, "fcc voronoi q6");
  expect_all(a, 2, 0.57452, 1e-5, "fcc voronoi area-weighted q6 (equal faces)");
#else
  GTEST_SKIP() << "built without voro++";
#endif
}

TEST_F(BoopTest, VoronoiBcc)
{
#ifdef AMORPH_HAVE_VORO
  crystal("bcc", 3);
  cmd("compute v all boop/atom degrees 3 2 4 6 voronoi yes w yes qbar no wbar no bonds no");
  cmd("run 0");
  auto v = peratom_array("v", 10);
  expect_all(v, 9, 14.0, 0.0, "bcc voronoi N_b");
  expect_all(v, 1, 0.03637, 1e-5, "bcc voronoi q4");
  expect_all(v, 2, 0.51069, 1e-5, "bcc voronoi q6");
#else
  GTEST_SKIP() << "built without voro++";
#endif
}

TEST_F(BoopTest, VoronoiNeedsThickGhostShell)
{
#ifdef AMORPH_HAVE_VORO
  crystal("fcc", 3);
  cmds({"pair_style zero 0.3", "pair_coeff * *", "neighbor 0.1 bin"});
  cmd("compute v all boop/atom voronoi yes");
  use_in_thermo("v");
  EXPECT_LMP_ERROR(cmd("run 0"), "increase comm_modify cutoff");
#else
  EXPECT_LMP_ERROR(cmd("compute v all boop/atom voronoi yes"), "built without");
#endif
}

TEST_F(BoopTest, IcosahedronCentre)
{
  cmds({"units lj", "atom_style atomic", "boundary f f f", "region box block -5 5 -5 5 -5 5",
        "create_box 1 box", "mass 1 1.0", "pair_style zero 1.5", "pair_coeff * *",
        "create_atoms 1 single 0 0 0"});
  // the 12 vertices (0, +-1, +-phi) and cyclic permutations, scaled to unit distance
  const double phi = 0.5 * (1.0 + std::sqrt(5.0));
  const double s = 1.0 / std::sqrt(1.0 + phi * phi);
  for (int a : {-1, 1})
    for (int b : {-1, 1}) {
      const double p = a * s, q = b * phi * s;
      single(0.0, p, q);
      single(p, q, 0.0);
      single(q, 0.0, p);
    }
  cmd("compute b all boop/atom degrees 3 2 4 6 cutoff 1.2 w yes qbar no wbar no bonds no");
  cmd("run 0");
  auto v = peratom_array("b", 10);
  ASSERT_EQ(v.size(), 13u);
  EXPECT_EQ(v[1][9], 12.0);
  EXPECT_NEAR(v[1][2], 0.66332, 1e-5);
  EXPECT_NEAR(v[1][8], -0.16975, 1e-5);
}

// on a disordered configuration boop/atom reproduces core orientorder/atom (q_l, w-hat_l
// equal; LAMMPS's w_l is our w_l / sqrt(2l+1), see the doc page)
TEST_F(BoopTest, EqualsOrientorderOnDisorder)
{
  cmds({"units lj", "atom_style atomic", "boundary p p p", "region box block 0 6 0 6 0 6",
        "create_box 1 box"});
  create_atoms_random(200, 48213, 0.7, 200);
  cmds({"mass 1 1.0", "pair_style zero 2.2", "pair_coeff * *"});
  for (std::string nb : {"nnn 12", "nnn NULL"}) {
    cmd("compute oo all orientorder/atom degrees 3 2 4 6 wl yes wl/hat yes cutoff 2.1 " + nb);
    cmd("compute bo all boop/atom degrees 3 2 4 6 w yes qbar no wbar no bonds no cutoff 2.1 " + nb);
    cmd("run 0");
    auto oo = peratom_array("oo", 9);
    auto bo = peratom_array("bo", 10);
    ASSERT_EQ(oo.size(), 200u);
    int l[3] = {2, 4, 6};
    for (const auto &kv : oo) {
      const auto &o = kv.second;
      const auto &b = bo[kv.first];
      for (int k = 0; k < 3; ++k) {
        EXPECT_NEAR(b[k], o[k], 1e-10) << nb << " q" << l[k];
        // orientorder/atom's w_l: ours in LAMMPS 29 Sep 2021, ours / sqrt(2l+1) later
        const double wscale = AMORPH_LAMMPS_2021 ? 1.0 : std::sqrt(2.0 * l[k] + 1.0);
        EXPECT_NEAR(b[3 + k], wscale * o[3 + k], 1e-10) << nb << " w" << l[k];
        if (o[k] > 1e-6) EXPECT_NEAR(b[6 + k], o[6 + k], 1e-10) << nb << " wh" << l[k];
      }
    }
    cmds({"uncompute oo", "uncompute bo"});
  }
}

// every output is invariant under a rigid rotation of the whole (non-periodic) cluster
TEST_F(BoopTest, RotationInvariance)
{
  cmds({"units lj", "atom_style atomic", "boundary f f f", "region box block -8 8 -8 8 -8 8",
        "create_box 1 box", "region ball sphere 0 0 0 4.5"});
  const double ball[4] = {0.0, 0.0, 0.0, 4.5};
  create_atoms_random(300, 9127, 0.75, 200, ball);
  cmds({"mass 1 1.0", "pair_style zero 2.0", "pair_coeff * *",
        "compute b all boop/atom degrees 4 2 4 6 8 w yes cutoff 1.6 bonds 6 0.5", "run 0"});
  // q(4) w(4) wh(4) qbar(4) wbar(4) bonds(2) nb(1)
  const int ncol = 23;
  auto before = peratom_array("b", ncol);
  cmd("displace_atoms all rotate 0.1 -0.2 0.3 0.3 -0.5 0.8 71.3");
  cmd("run 0");
  auto after = peratom_array("b", ncol);
  ASSERT_EQ(before.size(), after.size());
  double maxnb = 0.0;
  for (const auto &kv : before) {
    for (int c = 0; c < ncol; ++c)
      EXPECT_NEAR(after[kv.first][c], kv.second[c], 1e-10) << "atom " << kv.first << " col " << c;
    maxnb = std::max(maxnb, kv.second[ncol - 1]);
  }
  EXPECT_GT(maxnb, 3.0);    // the configuration really has neighbours
}

// a box of one fcc unit cell: every neighbour is a periodic image, including images of the
// atom itself; averaged values need the images' q_lm through forward communication
TEST_F(BoopTest, SmallBoxWithOwnImages)
{
  crystal("fcc", 1);
  cmd("compute b all boop/atom degrees 1 6 nnn 12 bonds 6 0.7");
  cmd("run 0");
  // q6 wh6 qbar6 wbar6 ncryst mean_s N_b
  auto v = peratom_array("b", 7);
  ASSERT_EQ(v.size(), 4u);
  expect_all(v, 0, 0.57452, 1e-5, "q6");
  expect_all(v, 2, 0.57452, 1e-5, "qbar6");
  expect_all(v, 1, -0.01316, 1e-5, "wh6");
  expect_all(v, 3, -0.01316, 1e-5, "wbar6");
  expect_all(v, 4, 12.0, 0.0, "crystalline bonds");
  expect_all(v, 5, 1.0, 1e-12, "mean s");
}

TEST_F(BoopTest, NoNeighboursGiveZerosNotNaN)
{
  cmds({"units lj", "atom_style atomic", "boundary f f f", "region box block -5 5 -5 5 -5 5",
        "create_box 1 box", "mass 1 1.0", "pair_style zero 1.5", "pair_coeff * *",
        "create_atoms 1 single 0 0 0", "create_atoms 1 single 3 0 0",
        "compute b all boop/atom cutoff 1.2", "run 0"});
  auto v = peratom_array("b", 11);
  ASSERT_EQ(v.size(), 2u);
  for (const auto &kv : v)
    for (double x : kv.second) {
      EXPECT_TRUE(std::isfinite(x));
      EXPECT_EQ(x, 0.0);
    }
}

TEST_F(BoopTest, BadInputGivesClearErrors)
{
  crystal("fcc", 2);
  EXPECT_LMP_ERROR(cmd("compute b all boop/atom foo 1"), "unknown keyword 'foo'");
  EXPECT_LMP_ERROR(cmd("compute b all boop/atom degrees 1 -1"), "degree l = -1 out of range");
  EXPECT_LMP_ERROR(cmd("compute b all boop/atom degrees 1 21"), "degree l = 21 out of range");
  EXPECT_LMP_ERROR(cmd("compute b all boop/atom degrees 2 4 4"), "given twice");
  EXPECT_LMP_ERROR(cmd("compute b all boop/atom cutoff 0"), "cutoff must be > 0");
  EXPECT_LMP_ERROR(cmd("compute b all boop/atom nnn 0"), "nnn must be > 0");
  EXPECT_LMP_ERROR(cmd("compute b all boop/atom nnn 12 sann yes"), "only one of");
  EXPECT_LMP_ERROR(cmd("compute b all boop/atom sann yes voronoi area"), "only one of");
  EXPECT_LMP_ERROR(cmd("compute b all boop/atom degrees 1 4"), "bonds degree l = 6");
  EXPECT_LMP_ERROR(cmd("compute b all boop/atom bonds 6 1.5"), "threshold");
  EXPECT_LMP_ERROR(cmd("compute b all boop/atom degrees"), "boop/atom degrees");
}

// LAMMPS cannot build occasional neighbour lists after reset_timestep until the next run;
// boop/atom uses its own cell list over local + ghost atoms and stays correct
TEST_F(BoopTest, WorksAfterResetTimestepWithoutRun)
{
  crystal("fcc", 2);
  cmd("compute b all boop/atom nnn 12");
  cmd("run 0");
  cmd("reset_timestep 100");
  auto v = peratom_array("b", 11);
  expect_all(v, 1, 0.57452, 1e-5, "q6 after reset_timestep");
}

TEST_F(BoopTest, NnnLargerThanAvailableIsAnError)
{
  crystal("fcc", 2);
  cmd("compute b all boop/atom nnn 20 cutoff 0.8");
  use_in_thermo("b");
  EXPECT_LMP_ERROR(cmd("run 0"), "fewer than nnn = 20 neighbours");
}

TEST_F(BoopTest, CutoffBeyondGhostCutoffIsAnError)
{
  crystal("fcc", 3);
  cmd("neighbor 0.3 bin");
  cmd("compute b all boop/atom cutoff 2.0");
  use_in_thermo("b");
  EXPECT_LMP_ERROR(cmd("run 0"), "exceeds the ghost atom cutoff");
  // within the ghost cutoff, but not with the skin that atoms may move before the ghosts
  // are chosen again
  cmd("comm_modify cutoff 2.2");
  EXPECT_LMP_ERROR(cmd("run 0"),
                   "cutoff 2 plus neighbor skin 0.3 exceeds the ghost atom cutoff 2.2");
  // and the remedy works
  cmd("comm_modify cutoff 2.4");
  cmd("run 0");
  auto v = peratom_array("b", 11);
  EXPECT_FALSE(v.empty());
}
