// AMORPH - LAMMPS plugin package, GPL-2.0
// compute nonaffine/atom in real LAMMPS instances: homogeneous affine deformations (periodic
// triclinic boxes, rotations of a cluster, box flips), a single displaced atom in fcc (hand
// values), reference resets, restart, rerun, lost-neighbour detection and bad input.
#include "amorph_test.h"

#include "compute.h"
#include "domain.h"
#include "fix.h"
#include "modify.h"
#include "neighbor.h"
#include "update.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

using amorph_test::LammpsTest;

namespace {

using Mat = std::array<double, 9>;

Mat mul(const Mat &A, const Mat &B)
{
  Mat C{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) C[3 * i + j] += A[3 * i + k] * B[3 * k + j];
  return C;
}

Mat inv(const Mat &A)
{
  const double det = A[0] * (A[4] * A[8] - A[5] * A[7]) - A[1] * (A[3] * A[8] - A[5] * A[6]) +
      A[2] * (A[3] * A[7] - A[4] * A[6]);
  Mat B = {A[4] * A[8] - A[5] * A[7], A[2] * A[7] - A[1] * A[8], A[1] * A[5] - A[2] * A[4],
           A[5] * A[6] - A[3] * A[8], A[0] * A[8] - A[2] * A[6], A[2] * A[3] - A[0] * A[5],
           A[3] * A[7] - A[4] * A[6], A[1] * A[6] - A[0] * A[7], A[0] * A[4] - A[1] * A[3]};
  for (double &b : B) b /= det;
  return B;
}

Mat transpose(const Mat &A)
{
  return {A[0], A[3], A[6], A[1], A[4], A[7], A[2], A[5], A[8]};
}

// expected values of a homogeneous F: Green-Lagrange strain (xx yy zz xy xz yz), von Mises,
// volumetric, rotation angle of the polar factor (plain Newton iteration R <- (R + R^-T)/2,
// independent of the kernel's scaled iteration)
struct Expected {
  double eta[6], vm, vol, theta;
};

Expected expected_for(const Mat &F)
{
  Expected e{};
  Mat C = mul(transpose(F), F);
  const double E[9] = {0.5 * (C[0] - 1), 0.5 * C[1], 0.5 * C[2], 0.5 * C[3],      0.5 * (C[4] - 1),
                       0.5 * C[5],       0.5 * C[6], 0.5 * C[7], 0.5 * (C[8] - 1)};
  e.eta[0] = E[0];
  e.eta[1] = E[4];
  e.eta[2] = E[8];
  e.eta[3] = E[1];
  e.eta[4] = E[2];
  e.eta[5] = E[5];
  e.vm = std::sqrt(E[1] * E[1] + E[2] * E[2] + E[5] * E[5] +
                   ((E[0] - E[4]) * (E[0] - E[4]) + (E[0] - E[8]) * (E[0] - E[8]) +
                    (E[4] - E[8]) * (E[4] - E[8])) /
                       6.0);
  e.vol = (E[0] + E[4] + E[8]) / 3.0;
  Mat R = F;
  for (int it = 0; it < 60; ++it) {
    Mat Rit = transpose(inv(R));
    for (int k = 0; k < 9; ++k) R[k] = 0.5 * (R[k] + Rit[k]);
  }
  e.theta = std::acos(std::max(-1.0, std::min(1.0, 0.5 * (R[0] + R[4] + R[8] - 1.0))));
  return e;
}

// box matrix (lattice vectors as columns)
Mat box_matrix(LAMMPS_NS::Domain *d)
{
  return {d->h[0], d->h[5], d->h[4], 0.0, d->h[1], d->h[3], 0.0, 0.0, d->h[2]};
}

class NonaffineTest : public LammpsTest {
 protected:
  // columns with "strain yes defgrad yes": D2min vM vol theta flag | F(9) | eta(6)
  static constexpr int NCOL = 20;

  void fcc(int n, double a = 1.0)
  {
    cmds({"units metal", "atom_style atomic", "boundary p p p", "lattice fcc " + std::to_string(a),
          "region box block 0 " + std::to_string(n) + " 0 " + std::to_string(n) + " 0 " +
              std::to_string(n),
          "create_box 1 box", "create_atoms 1 box", "mass 1 1.0", "pair_style zero 1.3",
          "pair_coeff * *"});
  }
  // an amorphous packing (random positions with a minimum distance) in a triclinic box
  void packing(int natoms, const std::string &boundary = "p p p", bool tri = true)
  {
    cmds({"units metal", "atom_style atomic", "boundary " + boundary,
          tri ? "region box prism 0 6 0 6 0 6 0.8 -0.6 0.5" : "region box block 0 6 0 6 0 6",
          "create_box 1 box"});
    create_atoms_random(natoms, 4711, 0.75, 500);
    cmds({"mass 1 1.0", "pair_style zero 2.0", "pair_coeff * *", "comm_modify cutoff 4.5"});
  }
  void use_in_thermo(const std::string &id)
  {
    cmds({"compute r_" + id + " all reduce max c_" + id + "[1]",
          "thermo_style custom step c_r_" + id});
  }
  void expect_affine(const std::map<long, std::vector<double>> &v, const Mat &F, double tol,
                     const char *what)
  {
    const Expected e = expected_for(F);
    ASSERT_FALSE(v.empty());
    for (const auto &kv : v) {
      const auto &o = kv.second;
      ASSERT_EQ(o[4], 1.0) << what << " flag, atom " << kv.first;
      EXPECT_NEAR(o[0], 0.0, 1e-10) << what << " D2min, atom " << kv.first;
      EXPECT_NEAR(o[1], e.vm, tol) << what << " von Mises, atom " << kv.first;
      EXPECT_NEAR(o[2], e.vol, tol) << what << " volumetric, atom " << kv.first;
      EXPECT_NEAR(o[3], e.theta, tol) << what << " rotation, atom " << kv.first;
      for (int k = 0; k < 9; ++k) EXPECT_NEAR(o[5 + k], F[k], tol) << what << " F" << k;
      for (int k = 0; k < 6; ++k) EXPECT_NEAR(o[14 + k], e.eta[k], tol) << what << " eta" << k;
    }
  }
  // a new LAMMPS instance (restart, rerun)
  void restart_instance()
  {
    TearDown();
    SetUp();
  }
};

}    // namespace

// fcc, lattice constant 1, cutoff 0.8 (12 nearest neighbours at 1/sqrt2).  Atom 1 displaced by
// delta: its own D2min is 12 |delta|^2 (sum d0 = 0, so F = I); each of its 12 neighbours has one
// bond changed by delta: D2min = |delta|^2 (1 - |e|^2/2) = 3/4 |delta|^2 (V = 2 I, |e|^2 = 1/2);
// every other atom 0.  A rigid translation of everything first makes atoms cross boundaries.
TEST_F(NonaffineTest, SingleDisplacedAtomInFcc)
{
  fcc(3);
  cmds({"compute na all nonaffine/atom cutoff 0.8 defgrad yes strain yes",
        "displace_atoms all move 0.3 -0.2 0.45 units box", "group one id 1",
        "displace_atoms one move 0.05 0.02 -0.03 units box"});
  use_in_thermo("na");
  cmd("run 0");
  const double d2 = 0.05 * 0.05 + 0.02 * 0.02 + 0.03 * 0.03;
  auto v = peratom_array("na", NCOL);
  ASSERT_EQ(v.size(), 108u);
  int nneigh = 0;
  for (const auto &kv : v) {
    const auto &o = kv.second;
    EXPECT_EQ(o[4], 1.0);
    if (kv.first == 1)
      EXPECT_NEAR(o[0], 12.0 * d2, 1e-14);
    else if (std::fabs(o[0]) > 1e-12) {
      ++nneigh;
      EXPECT_NEAR(o[0], 0.75 * d2, 1e-14) << "atom " << kv.first;
    }
  }
  EXPECT_EQ(nneigh, 12);
  EXPECT_NEAR(v[1][3], 0.0, 1e-14);    // F = I for the displaced atom itself
}

// periodic triclinic box deformed homogeneously (stretch, three tilts): F = H1 H0^-1
TEST_F(NonaffineTest, AffineTriclinicBoxDeformation)
{
  packing(300);
  cmd("compute na all nonaffine/atom cutoff 1.9 defgrad yes strain yes");
  const Mat H0 = box_matrix(lmp->domain);
  cmds({"change_box all x scale 1.04 y scale 0.97 z scale 1.02 xy delta 0.9 xz delta -0.7 "
        "yz delta 0.6 remap units box",
        "displace_atoms all move 1.7 -2.3 0.9 units box"});    // and cross boundaries
  use_in_thermo("na");
  cmd("run 0");
  const Mat F = mul(box_matrix(lmp->domain), inv(H0));
  expect_affine(peratom_array("na", NCOL), F, 1e-12, "triclinic");
}

// a non-periodic cluster: stretch U (symmetric) by atom-style variables, then a rotation by
// a known angle about a skew axis: F = R U, rotation = the applied angle, strain = 1/2(U^2 - I)
TEST_F(NonaffineTest, AffineStretchAndRotationOfCluster)
{
  packing(300, "s s s", false);
  cmd("compute na all nonaffine/atom cutoff 1.9 defgrad yes strain yes");
  const Mat U = {1.03, 0.02, -0.01, 0.02, 0.98, 0.015, -0.01, 0.015, 1.01};
  // displacements from the positions before the move (displace_atoms evaluates the
  // variables one after the other, moving x before uy is evaluated)
  cmds({"fix x0 all store/state 0 x y z", "variable X atom f_x0[1]", "variable Y atom f_x0[2]",
        "variable Z atom f_x0[3]", "variable ux atom (0.03*v_X+0.02*v_Y-0.01*v_Z)",
        "variable uy atom (0.02*v_X-0.02*v_Y+0.015*v_Z)",
        "variable uz atom (-0.01*v_X+0.015*v_Y+0.01*v_Z)",
        "displace_atoms all move v_ux v_uy v_uz units box",
        "displace_atoms all rotate 3 3 3 1 2 -0.5 37.0 units box"});
  use_in_thermo("na");
  cmd("run 0");
  const double th = 37.0 * M_PI / 180.0;
  double n[3] = {1, 2, -0.5};
  const double nn = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  for (double &c : n) c /= nn;
  const double c = std::cos(th), s = std::sin(th), t = 1 - c;
  const Mat R = {t * n[0] * n[0] + c,        t * n[0] * n[1] - s * n[2], t * n[0] * n[2] + s * n[1],
                 t * n[0] * n[1] + s * n[2], t * n[1] * n[1] + c,        t * n[1] * n[2] - s * n[0],
                 t * n[0] * n[2] - s * n[1], t * n[1] * n[2] + s * n[0], t * n[2] * n[2] + c};
  auto v = peratom_array("na", NCOL);
  // atoms on the surface with < 3 reference neighbours may be flagged invalid
  std::map<long, std::vector<double>> valid;
  for (const auto &kv : v)
    if (kv.second[4] == 1.0) valid.insert(kv);
  ASSERT_GT(valid.size(), 250u);
  const Mat F = mul(R, U);
  expect_affine(valid, F, 1e-10, "cluster");
  for (const auto &kv : valid) EXPECT_NEAR(kv.second[3], th, 1e-10);
}

// simple shear by fix deform beyond half the box length: the box flips, the strain keeps
// growing continuously and D2min stays 0
TEST_F(NonaffineTest, AffineShearThroughBoxFlips)
{
  fcc(4);
  cmds({"change_box all triclinic", "neighbor 0.3 bin", "comm_modify cutoff 2.5",
        "compute na all nonaffine/atom cutoff 0.8 defgrad yes strain yes",
        "fix d all deform 1 xy vel 0.02 remap x flip yes", "timestep 1.0"});
  use_in_thermo("na");
  cmd("thermo 50");
  cmd("run 150");    // tilt 3.0 on a box of 4: flips at 2.0 (to -2.0 + ...)
  const double gamma = 0.02 * 150 / 4.0;
  EXPECT_LT(std::fabs(lmp->domain->xy), 2.0 + 1e-9);    // it did flip
  const Mat F = {1.0, gamma, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
  expect_affine(peratom_array("na", NCOL), F, 1e-9, "flip");
}

// reference reset every N: at a reset step the values still refer to the previous reference
// (as a T_ML window), afterwards to the new one; compare with computes defined at those steps
TEST_F(NonaffineTest, ResetEveryAndOnDemand)
{
  packing(250);
  cmds({"velocity all create 5 8123 loop geom", "fix nve all nve", "timestep 0.002",
        "compute every all nonaffine/atom cutoff 1.9 reset every 40",
        "variable at40 equal step==40", "compute byvar all nonaffine/atom cutoff 1.9 reset v_at40",
        "compute fixed all nonaffine/atom cutoff 1.9"});
  cmds({"compute r1 all reduce max c_every[1]", "compute r2 all reduce max c_byvar[1]",
        "compute r3 all reduce max c_fixed[1]", "thermo_style custom step c_r1 c_r2 c_r3",
        "thermo 40"});
  cmd("run 40");
  auto e40 = peratom_array("every", 5);
  auto v40 = peratom_array("byvar", 5);
  auto f40 = peratom_array("fixed", 5);
  double maxd = 0.0;
  for (const auto &kv : f40) {
    EXPECT_NEAR(e40[kv.first][0], kv.second[0], 1e-13);    // old reference at the reset step
    EXPECT_NEAR(v40[kv.first][0], kv.second[0], 1e-13);
    maxd = std::max(maxd, kv.second[0]);
  }
  EXPECT_GT(maxd, 1e-3);                               // atoms did move
  cmd("compute new all nonaffine/atom cutoff 1.9");    // reference = step 40
  cmd("compute r4 all reduce max c_new[1]");
  cmd("thermo_style custom step c_r1 c_r2 c_r3 c_r4");
  cmd("run 30");
  auto e70 = peratom_array("every", 5);
  auto v70 = peratom_array("byvar", 5);
  auto n70 = peratom_array("new", 5);
  for (const auto &kv : n70) {
    EXPECT_NEAR(e70[kv.first][0], kv.second[0], 1e-13);
    EXPECT_NEAR(v70[kv.first][0], kv.second[0], 1e-13);
  }
  // on demand from the input (LAMMPS 29 Sep 2021 has no compute_modify keywords of a compute:
  // LAMMPS refuses it as illegal; "reset v_name" is the way there)
  if (AMORPH_LAMMPS_2021) {
    EXPECT_LMP_ERROR(cmd("compute_modify fixed reference now"), "Illegal compute_modify command");
    return;
  }
  cmd("compute_modify fixed reference now");
  cmd("run 0");
  for (const auto &kv : peratom_array("fixed", 5)) EXPECT_NEAR(kv.second[0], 0.0, 1e-20);
}

// write_restart in the middle: identical values to the uninterrupted run (ballistic motion,
// triclinic shear by fix deform, reference resets, atoms crossing boundaries)
TEST_F(NonaffineTest, RestartGivesIdenticalValues)
{
  const std::string file = "nonaffine_test.restart";
  const std::vector<std::string> tail = {
      "pair_style zero 2.0",
      "pair_coeff * *",
      "comm_modify cutoff 4.5",
      "fix nve all nve",
      "fix d all deform 1 xy erate 0.05 yz erate -0.03 remap x",
      "timestep 0.002",
      "compute a all nonaffine/atom cutoff 1.9 strain yes",
      "compute b all nonaffine/atom cutoff 1.9 reset every 30 defgrad yes",
      "compute ra all reduce max c_a[1]",
      "compute rb all reduce max c_b[1]",
      "thermo_style custom step c_ra c_rb",
      "thermo 50"};
  auto setup = [&]() {
    packing(250);
    cmd("velocity all create 1 1234 loop geom");
    cmds(tail);
  };
  setup();
  cmd("run 50");
  cmd("run 50");
  auto a_ref = peratom_array("a", 11);
  auto b_ref = peratom_array("b", 14);

  restart_instance();
  setup();
  cmd("run 50");
  cmd("write_restart " + file);
  restart_instance();
  cmd("read_restart " + file);
  cmds(tail);
  cmd("run 50");
  auto a = peratom_array("a", 11);
  auto b = peratom_array("b", 14);
  std::remove(file.c_str());
  ASSERT_EQ(a.size(), a_ref.size());
  double maxd = 0.0;
  for (const auto &kv : a_ref) {
    for (int c = 0; c < 11; ++c)
      EXPECT_NEAR(a[kv.first][c], kv.second[c], 1e-10) << "a atom " << kv.first << " col " << c;
    for (int c = 0; c < 14; ++c)
      EXPECT_NEAR(b[kv.first][c], b_ref[kv.first][c], 1e-10)
          << "b atom " << kv.first << " col " << c;
    maxd = std::max(maxd, kv.second[0]);
  }
  EXPECT_GT(maxd, 1e-3);
}

// rerun of a dump gives the values computed during the run
TEST_F(NonaffineTest, RerunGivesValuesOfTheRun)
{
  const std::string dump = "nonaffine_test_rerun.dump", data = "nonaffine_test_rerun.data";
  packing(250);
  cmds({"velocity all create 2 1234 loop geom", "write_data " + data + " nocoeff",
        "compute na all nonaffine/atom cutoff 1.9", "fix nve all nve", "timestep 0.002",
        "dump d all custom 20 " + dump + " id x y z ix iy iz", "dump_modify d format float %.17g"});
  use_in_thermo("na");
  cmd("thermo 20");
  cmd("run 60");
  auto in_run = peratom_array("na", 5);
  restart_instance();
  cmds({"units metal", "atom_style atomic", "read_data " + data, "pair_style zero 2.0",
        "pair_coeff * *", "comm_modify cutoff 4.5", "compute na all nonaffine/atom cutoff 1.9"});
  use_in_thermo("na");
  cmd("rerun " + dump + " dump x y z ix iy iz");
  auto rerun = peratom_array("na", 5);
  std::remove(dump.c_str());
  std::remove(data.c_str());
  ASSERT_EQ(rerun.size(), in_run.size());
  for (const auto &kv : in_run)
    for (int c = 0; c < 5; ++c) EXPECT_NEAR(rerun[kv.first][c], kv.second[c], 1e-10);
}

// large flow between reference and now: a reference neighbour is no longer among the ghost
// atoms.  Default: an error naming the remedy; lost warn: flag -1 and zeros.
TEST_F(NonaffineTest, LostReferenceNeighboursAreDetected)
{
  fcc(4);
  cmds({"comm_modify cutoff 1.5", "neighbor 0.3 bin", "compute na all nonaffine/atom cutoff 0.8",
        "compute nw all nonaffine/atom cutoff 0.8 lost warn", "compute r1 all reduce max c_na[1]",
        "compute r2 all reduce min c_nw[5]", "thermo_style custom step c_r1 c_r2",
        "run 0"});    // counts taken while nothing moved
  // shear the upper half by 1.8 along x (slip; not a lattice vector of the fcc cell)
  cmds({"region up block INF INF 2.01 INF INF INF units box", "group up region up",
        "displace_atoms up move 1.8 0 0 units box"});
  EXPECT_LMP_ERROR(cmd("run 0"), "lost reference neighbours");
  cmd("thermo_style custom step c_r2");
  cmd("run 0");
  int nlost = 0;
  for (const auto &kv : peratom_array("nw", 5)) {
    if (kv.second[4] == -1.0) {
      ++nlost;
      EXPECT_EQ(kv.second[0], 0.0);
    }
  }
  EXPECT_GT(nlost, 0);
}

// counts of a reference taken between runs are verified against the ghost cutoff
TEST_F(NonaffineTest, PendingCountsNeedLargeEnoughGhostCutoff)
{
  fcc(4);
  cmds({"comm_modify cutoff 1.2", "neighbor 0.3 bin", "compute na all nonaffine/atom cutoff 0.8",
        "region up block INF INF 2.01 INF INF INF units box", "group up region up",
        "displace_atoms up move 1.3 0 0 units box"});
  use_in_thermo("na");
  EXPECT_LMP_ERROR(cmd("run 0"), "cannot count the reference neighbours");
  cmd("comm_modify cutoff 3.5");
  cmd("run 0");
  auto v = peratom_array("na", 5);
  double maxd = 0.0;
  for (const auto &kv : v) maxd = std::max(maxd, kv.second[0]);
  EXPECT_GT(maxd, 0.1);
}

TEST_F(NonaffineTest, BadInputGivesClearErrors)
{
  fcc(2);
  EXPECT_LMP_ERROR(cmd("compute n all nonaffine/atom"), "nonaffine/atom");
  EXPECT_LMP_ERROR(cmd("compute n all nonaffine/atom radius 2"), "expected 'cutoff rc'");
  EXPECT_LMP_ERROR(cmd("compute n all nonaffine/atom cutoff 0"), "cutoff must be > 0, got 0");
  EXPECT_LMP_ERROR(cmd("compute n all nonaffine/atom cutoff -1.5"), "cutoff must be > 0, got -1.5");
  EXPECT_LMP_ERROR(cmd("compute n all nonaffine/atom cutoff 0.8 foo 1"), "unknown keyword 'foo'");
  EXPECT_LMP_ERROR(cmd("compute n all nonaffine/atom cutoff 0.8 reset every 0"), "N > 0");
  EXPECT_LMP_ERROR(cmd("compute n all nonaffine/atom cutoff 0.8 reset sometimes"),
                   "reset must be 'no', 'every N' or 'v_name'");
  EXPECT_LMP_ERROR(cmd("compute n all nonaffine/atom cutoff 0.8 reset v_nope"),
                   "reset variable 'nope' does not exist");
  cmd("variable av atom x");
  EXPECT_LMP_ERROR(cmd("compute n all nonaffine/atom cutoff 0.8 reset v_av"), "not an equal-style");
  EXPECT_LMP_ERROR(cmd("compute n all nonaffine/atom cutoff 0.8 lost maybe"), "lost must be");
  cmd("compute n all nonaffine/atom cutoff 0.8");
  if (AMORPH_LAMMPS_2021)    // no compute_modify keywords of a compute (see above)
    EXPECT_LMP_ERROR(cmd("compute_modify n reference later"), "Illegal compute_modify command");
  else
    EXPECT_LMP_ERROR(cmd("compute_modify n reference later"), "reference takes 'now'");
  EXPECT_LMP_ERROR(cmd("compute_modify n bogus 1"), "compute_modify");
  cmd("uncompute n");
  // cutoff beyond the ghost atom cutoff: error at init naming the remedy
  cmd("compute n all nonaffine/atom cutoff 2.5");
  use_in_thermo("n");
  EXPECT_LMP_ERROR(cmd("run 0"), "exceeds the ghost atom cutoff");
  cmd("comm_modify cutoff 5.0");
  cmd("run 0");
}

// compute_modify returns after "reference now" and goes on with the keywords that follow it
// (LAMMPS 4 Feb 2025 looped forever on a keyword of the compute itself, see amorph_compat.h)
TEST_F(NonaffineTest, ComputeModifyReferenceWithFurtherKeywords)
{
  if (AMORPH_LAMMPS_2021)
    GTEST_SKIP() << "LAMMPS 29 Sep 2021 has no compute_modify keywords of a compute";
  fcc(2);
  cmds({"compute n all nonaffine/atom cutoff 0.8", "group one id 1",
        "displace_atoms one move 0.05 0 0"});
  use_in_thermo("n");
  cmd("run 0");
  EXPECT_NEAR(peratom_array("n", 5)[1][0], 12 * 0.05 * 0.05, 1e-12);    // see above
  cmd("compute_modify n reference now extra/dof 0");
  cmd("compute_modify n extra/dof 0 reference now");
  cmd("run 0");
  auto v = peratom_array("n", 5);
  ASSERT_FALSE(v.empty());
  for (const auto &kv : v) {
    EXPECT_EQ(kv.second[4], 1.0) << "flag, atom " << kv.first;
    EXPECT_NEAR(kv.second[0], 0.0, 1e-20) << "D2min, atom " << kv.first;
  }
  EXPECT_LMP_ERROR(cmd("compute_modify n reference now bogus 1"),
                   "does not support compute_modify bogus");
}

TEST_F(NonaffineTest, TwoDimensionsIsAnError)
{
  cmds({"units lj", "dimension 2", "atom_style atomic", "boundary p p p", "lattice sq 1.0",
        "region box block 0 4 0 4 -0.5 0.5", "create_box 1 box", "create_atoms 1 box",
        "mass 1 1.0"});
  EXPECT_LMP_ERROR(cmd("compute n all nonaffine/atom cutoff 1.2"),
                   "2d simulations are not supported");
}

// uncompute removes the internal fixes; redefining works; memory_usage is reported
TEST_F(NonaffineTest, InternalFixesComeAndGo)
{
  fcc(2);
  cmd("compute n all nonaffine/atom cutoff 0.8");
  EXPECT_NE(AMORPH_NS::fix_by_id(lmp->modify, "n_NONAFFINE_STORE"), nullptr);
  EXPECT_NE(AMORPH_NS::fix_by_id(lmp->modify, "n_NONAFFINE_REF"), nullptr);
  cmd("uncompute n");
  EXPECT_EQ(AMORPH_NS::fix_by_id(lmp->modify, "n_NONAFFINE_STORE"), nullptr);
  EXPECT_EQ(AMORPH_NS::fix_by_id(lmp->modify, "n_NONAFFINE_REF"), nullptr);
  // the helper is an internal style (upper case, as LAMMPS's STORE/ATOM): using it
  // directly is refused with a clear message
  EXPECT_LMP_ERROR(cmd("fix r all NONAFFINE/ATOM/REF"), "internal to compute nonaffine/atom");
  cmd("compute n all nonaffine/atom cutoff 0.8");
  use_in_thermo("n");
  cmd("run 0");
  EXPECT_GT(AMORPH_NS::compute_by_id(lmp->modify, "n")->memory_usage(), 0.0);
}

// the reference bonds are kept between evaluations while the atoms keep their indices: a
// compute evaluated on every step of a run (bonds reused across steps, box sheared by fix
// deform, thermal motion, reneighbouring now and then) equals, at the last step of the run,
// one evaluated only there (bonds found afresh); both as seen by fix ave/atom inside the run,
// over two runs
TEST_F(NonaffineTest, ReusedBondsEqualFreshEvaluation)
{
  packing(250);
  cmds({"velocity all create 20 8123 loop geom", "fix nve all nve", "timestep 0.002",
        "neighbor 0.3 bin", "neigh_modify every 1 delay 0 check yes", "atom_modify sort 10 0.5",
        "compute every all nonaffine/atom cutoff 1.9 defgrad yes",
        "compute once all nonaffine/atom cutoff 1.9 defgrad yes",
        "fix d all deform 1 xy erate 0.05 x erate 0.02 remap x",
        "compute r1 all reduce max c_every[1]", "thermo_style custom step c_r1", "thermo 1",
        "fix ae all ave/atom 60 1 60 c_every[*]", "fix ao all ave/atom 60 1 60 c_once[*]"});
  // Neighbor::ncalls is set to zero by Neighbor::init() at the start of each run (and is not
  // initialised before the first one): count the builds run by run
  LAMMPS_NS::bigint builds = 0;
  for (int k = 0; k < 2; ++k) {
    cmd("run 60");
    builds += lmp->neighbor->ncalls;
    double **a = AMORPH_NS::fix_by_id(lmp->modify, "ae")->array_atom;
    double **b = AMORPH_NS::fix_by_id(lmp->modify, "ao")->array_atom;
    double maxd = 0.0;
    for (int i = 0; i < lmp->atom->nlocal; ++i) {
      for (int c = 0; c < 14; ++c)
        EXPECT_NEAR(a[i][c], b[i][c], 1e-11 * (1.0 + std::fabs(b[i][c])))
            << "atom " << lmp->atom->tag[i] << " column " << c << " run " << k;
      maxd = std::max(maxd, b[i][0]);
    }
    EXPECT_GT(maxd, 1e-4);
  }
  EXPECT_GT(builds, 2) << "no reneighbouring during the runs";
}
