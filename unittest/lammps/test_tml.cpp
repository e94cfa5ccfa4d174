// AMORPH - LAMMPS plugin package, GPL-2.0
// fix tml in real LAMMPS instances: analytic features of atoms moved by fix move across
// periodic boundaries (overlapping windows, temperature as number / variable / compute),
// training files, training + prediction on an LJ solid and liquid, the kNN through
// 'classify' against the kernel's brute force, restart in the middle of a window, and
// bad input.
#include "amorph_test.h"

#include "compute.h"
#include "domain.h"
#include "fix.h"
#include "modify.h"
#include "update.h"
#include "utils.h"

#include "tml_model.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

using amorph_test::LammpsTest;
namespace TML = AMORPH::tml;

namespace {

class TmlTest : public LammpsTest {
 protected:
  std::vector<std::string> files;
  ~TmlTest() override
  {
    for (auto &f : files) std::remove(f.c_str());
  }
  std::string tmp(const std::string &name)
  {
    std::string f = "amorph_test_tml_" + name;
    files.push_back(f);
    return f;
  }
  LAMMPS_NS::Fix *fix(const std::string &id) { return AMORPH_NS::fix_by_id(lmp->modify, id); }
  // per-atom column c (0-based) of fix id by atom ID
  std::map<long, double> peratom(const std::string &id, int c)
  {
    auto *f = fix(id);
    std::map<long, double> out;
    for (int i = 0; i < lmp->atom->nlocal; ++i)
      out[(long) lmp->atom->tag[i]] = f->size_peratom_cols ? f->array_atom[i][c]
                                                           : f->vector_atom[i];
    return out;
  }
  // a box of atoms moving with constant velocities (no forces): dr2 = |v|^2 t^2
  void movers(const std::string &units = "metal")
  {
    cmds({"units " + units, "atom_style atomic", "boundary p p p",
          "region box block 0 10 0 10 0 10", "create_box 1 box", "mass 1 1.0",
          "pair_style zero 2.0", "pair_coeff * *", "timestep 0.001",
          // atom 1 at rest (dr2 = 0 -> floor), the others fast: cross the boundaries
          "create_atoms 1 single 5 5 5", "create_atoms 1 single 9.9 0.1 5",
          "create_atoms 1 single 0.05 9.95 9.95", "create_atoms 1 single 3 7 1"});
  }
  // a synthetic feature file with random features (no distance ties) and two labels
  std::string synthetic(const std::string &name, int n, const std::vector<double> &lags,
                        const std::string &units, unsigned seed, bool binary = false)
  {
    TML::FeatureSet set;
    set.meta.units = units;
    set.meta.lags = lags;
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<double> f(lags.size());
    for (int i = 0; i < n; ++i) {
      const double lab = (i % 2) ? 1000.0 : 300.0;
      for (std::size_t k = 0; k < lags.size(); ++k)
        f[k] = g(rng) - 3.0 + (lab > 500 ? 0.5 * k : 0.0);
      set.add_row(lab, f.data());
    }
    const std::string path = tmp(name);
    TML::write_features(path, set, binary ? TML::FeatureFormat::Binary : TML::FeatureFormat::Text);
    return path;
  }
  // LJ fcc at temperature T with a Langevin thermostat, fix tml with `extra` from step 400
  void lj_run(double T, int seed, const std::string &extra, int nwindows, int nrun)
  {
    cmds({"units lj", "atom_style atomic", "lattice fcc 0.8442", "region box block 0 4 0 4 0 4",
          "create_box 1 box", "create_atoms 1 box", "mass 1 1.0", "pair_style lj/cut 2.5",
          "pair_coeff * * 1.0 1.0 2.5", "timestep 0.005",
          fmt::format("velocity all create {} {} loop geom", T, seed),
          fmt::format("fix th all langevin {} {} 2.0 {} zero yes", T, T, seed), "fix nve all nve",
          "thermo 0", "run 400 post no",
          fmt::format("fix ml all tml temp {} lags 1 2 5 10 20 every 1000 start 400 nwindows {} {}",
                      T, nwindows, extra),
          fmt::format("run {} post no", nrun)});
  }
};

// fix move linear: features equal log10(|v|^2 lag^2 / T), across periodic boundaries, for
// several overlapping windows, with T a number, an equal-style variable and a compute
TEST_F(TmlTest, AnalyticFeaturesAcrossBoundaries)
{
  for (const std::string tspec : {"500", "v_T", "c_tt"}) {
    TearDown();
    SetUp();
    movers();
    cmds({"variable T equal 500", "compute tt all temp", "variable vx atom (id>1)*(30+7*id)",
          "variable vy atom -(id>1)*(20+3*id)", "variable vz atom (id==3)*45",
          "velocity all set v_vx v_vy v_vz",
          "fix mv all move variable NULL NULL NULL v_vx v_vy v_vz",
          "fix ml all tml temp " + tspec + " lags 0.01 0.02 0.05 every 10 features yes",
          "run 0 post no"});
    ASSERT_EQ(fix("ml")->size_peratom_cols, 4);
    cmd("run 57 post no");
    // 2 windows complete: start 0 (done at 50) ... start 10 would complete at 60
    EXPECT_EQ(fix("ml")->compute_vector(4), 1.0);
    EXPECT_EQ(fix("ml")->compute_vector(0), 0.0);
    EXPECT_EQ(fix("ml")->compute_vector(5), 4.0);
    cmd("run 33 post no");    // step 90: windows starting at 0..40 complete
    EXPECT_EQ(fix("ml")->compute_vector(4), 5.0);
    EXPECT_EQ(fix("ml")->compute_vector(0), 40.0);
    double T = 500.0;
    if (tspec == "c_tt") {
      auto *c = AMORPH_NS::compute_by_id(lmp->modify, "tt");
      T = c->compute_scalar();    // constant velocities: constant temperature
      ASSERT_GT(T, 0.0);
    }
    EXPECT_NEAR(fix("ml")->compute_vector(3), T, 1e-9 * T);
    const double lags[3] = {0.01, 0.02, 0.05};
    for (int k = 0; k < 3; ++k) {
      auto f = peratom("ml", 1 + k);
      for (long id = 1; id <= 4; ++id) {
        const double vx = id > 1 ? 30 + 7 * id : 0, vy = id > 1 ? -(20 + 3 * id) : 0,
                     vz = id == 3 ? 45 : 0;
        const double dr2 = (vx * vx + vy * vy + vz * vz) * lags[k] * lags[k];
        const double expect = std::log10(std::max(dr2, TML::DEFAULT_DR2_FLOOR) / T);
        EXPECT_NEAR(f[id], expect, 1e-9) << tspec << " atom " << id << " lag " << k;
      }
    }
    // the moving atoms did cross the boundaries
    const LAMMPS_NS::imageint im = lmp->atom->image[lmp->atom->map(2)];
    EXPECT_NE((int) (im & IMGMASK) - IMGMAX, 0) << "atom 2 did not cross x";
  }
}

// atoms at rest carried by a deforming box (fix deform ... remap x): with `affine keep`
// the displacement is the affine one, dx = (x0 - xc) V lag / L0 (box length L0 + V t,
// deformed about its centre xc); with `affine remove` (default) it is zero
TEST_F(TmlTest, AffineBoxDeformation)
{
  for (const std::string mode : {"keep", "remove"}) {
    TearDown();
    SetUp();
    movers();
    cmds({"fix def all deform 1 x vel 1.0 remap x",
          "fix ml all tml temp 300 lags 0.01 0.02 every 10 features yes affine " + mode,
          "run 60 post no"});
    const double x0[5] = {0.0, 5.0, 9.9, 0.05, 3.0}, lags[2] = {0.01, 0.02};
    for (int k = 0; k < 2; ++k) {
      auto f = peratom("ml", 1 + k);
      for (long id = 1; id <= 4; ++id) {
        const double dx = (x0[id] - 5.0) * 1.0 * lags[k] / 10.0;
        const double dr2 = mode == "keep" ? dx * dx : 0.0;
        const double expect = std::log10(std::max(dr2, TML::DEFAULT_DR2_FLOOR) / 300.0);
        EXPECT_NEAR(f[id], expect, mode == "keep" ? 1e-9 : 1e-12)
            << mode << " atom " << id << " lag " << k;
      }
    }
  }
  EXPECT_LMP_ERROR(cmd("fix bad all tml temp 300 affine maybe"), "affine must be");
}

// atoms at rest in a triclinic box sheared by fix deform (remap x) with flips during the
// windows: with `affine remove` (xz and yz sheared, both flip) the displacements are zero (the
// floor) before and after the flips, also across a restart written after a flip in the middle
// of a window; with `affine keep` (xy sheared and flipped) they are the affine displacement
// dx = xy_rate lag (y - ylo) / yprd.  (The flip arithmetic of all three tilts together, with
// yz flips that change xz by xy, is in the kernel test of box_frame.)
TEST_F(TmlTest, TriclinicFlipsDuringWindows)
{
  const std::string rfile = tmp("flip.restart");
  auto system = [&]() {
    cmds({"units metal", "atom_style atomic", "boundary p p p",
          "region box prism 0 10 0 10 0 10 4.0 3.5 3.0", "create_box 1 box", "mass 1 1.0",
          "pair_style zero 2.0", "pair_coeff * *", "timestep 0.001", "create_atoms 1 single 1 1 1",
          "create_atoms 1 single 9.5 5 2", "create_atoms 1 single 12 9 9",
          "create_atoms 1 single 6 3 7"});
  };
  const double floor_feature = std::log10(TML::DEFAULT_DR2_FLOOR / 300.0);
  const char *tml = "fix ml all tml temp 300 lags 0.5 1 2 every 500 features yes affine ";

  // remove: xz (flips at 1.25 ps) and yz (flip at 2.9 ps), restart at 2.2 ps (windows open)
  system();
  cmds({"change_box all xy final 0.0",
        "fix def all deform 1 xz erate 0.12 yz erate 0.07 remap x flip yes",
        std::string(tml) + "remove", "run 2200 post no"});
  EXPECT_LT(lmp->domain->xz, 0.0) << "xz did not flip";
  cmd("write_restart " + rfile);
  TearDown();
  SetUp();
  cmds({"read_restart " + rfile, "pair_style zero 2.0", "pair_coeff * *",
        "fix def all deform 1 xz erate 0.12 yz erate 0.07 remap x flip yes",
        std::string(tml) + "remove", "run 1800 post no"});
  EXPECT_LT(lmp->domain->yz, 0.0) << "yz did not flip";
  EXPECT_EQ(fix("ml")->compute_vector(4), 5.0);    // windows from 0, 0.5, ..., 2 ps: done
  for (int k = 0; k < 3; ++k) {
    auto f = peratom("ml", 1 + k);
    ASSERT_EQ(f.size(), 4u);
    for (auto &kv : f)
      EXPECT_NEAR(kv.second, floor_feature, 1e-12) << "atom " << kv.first << " lag " << k;
  }

  // keep: xy only, the last window (2 - 4 ps) spans the flip at 3 ps with xy0 = 2
  TearDown();
  SetUp();
  system();
  cmds({"change_box all xy final 2.0 xz final 0.0 yz final 0.0",
        "fix def all deform 1 xy erate 0.1 remap x flip yes"});
  std::map<long, double> y;
  for (int i = 0; i < lmp->atom->nlocal; ++i) y[(long) lmp->atom->tag[i]] = lmp->atom->x[i][1];
  cmds({std::string(tml) + "keep start 2000 nwindows 1", "run 4000 post no"});
  EXPECT_LT(lmp->domain->xy, 0.0) << "xy did not flip";
  EXPECT_EQ(fix("ml")->compute_vector(4), 1.0);
  const double lags[3] = {0.5, 1.0, 2.0};
  for (int k = 0; k < 3; ++k) {
    auto f = peratom("ml", 1 + k);
    for (auto &kv : f) {
      const double dx = 1.0 * lags[k] * y[kv.first] / 10.0;    // xy rate 0.1 * 10 A/ps
      EXPECT_NEAR(kv.second, std::log10(dx * dx / 300.0), 1e-9)
          << "atom " << kv.first << " lag " << k;
    }
  }
}

// shrink-wrapped z: one atom moves up (fix move), the box follows it; the atoms at rest have
// zero displacement with `affine remove`, the mover |v| lag
TEST_F(TmlTest, ShrinkWrappedBoundsAreNoDeformation)
{
  cmds({"units metal", "atom_style atomic", "boundary p p s", "region box block 0 10 0 10 0 10",
        "create_box 1 box", "mass 1 1.0", "pair_style zero 2.0", "pair_coeff * *", "timestep 0.001",
        "create_atoms 1 single 1 1 1", "create_atoms 1 single 5 5 5", "create_atoms 1 single 3 7 9",
        "group up id 3", "group rest id 1 2", "fix mv up move linear 0.5 0 20 units box",
        "fix ml all tml temp 300 lags 0.05 0.1 every 100 features yes", "run 150 post no"});
  ASSERT_GT(lmp->domain->boxhi[2], 11.0) << "the box did not follow the atom";
  const double floor_feature = std::log10(TML::DEFAULT_DR2_FLOOR / 300.0);
  const double lags[2] = {0.05, 0.1};
  for (int k = 0; k < 2; ++k) {
    auto f = peratom("ml", 1 + k);
    EXPECT_NEAR(f[1], floor_feature, 1e-12) << "lag " << k;
    EXPECT_NEAR(f[2], floor_feature, 1e-12) << "lag " << k;
    const double dr2 = (0.25 + 400.0) * lags[k] * lags[k];
    EXPECT_NEAR(f[3], std::log10(dr2 / 300.0), 1e-9) << "lag " << k;
  }
}

// training files: one row per atom and window, sorted by atom ID, text and binary agree
TEST_F(TmlTest, TrainingFiles)
{
  const std::string ft = tmp("train.txt"), fb = tmp("train.bin");
  movers();
  cmds({"velocity all set 10 -20 5", "fix nve all nve",
        "fix a all tml temp 300 lags 0.01 0.02 every 10 nwindows 3 train " + ft + " label 300",
        "fix b all tml temp 300 lags 0.01 0.02 every 10 nwindows 3 train " + fb +
            " format binary label 300",
        "run 60 post no", "unfix a", "unfix b"});
  TML::FeatureSet t = TML::read_features(ft), b = TML::read_features(fb);
  ASSERT_EQ(t.size(), 12u);
  EXPECT_EQ(t.features, b.features);
  EXPECT_EQ(t.labels, b.labels);
  EXPECT_EQ(t.meta.units, "metal");
  EXPECT_EQ(t.labels[0], 300.0);
  const double expect = std::log10((100.0 + 400.0 + 25.0) * 1e-4 / 300.0);
  EXPECT_NEAR(t.features[2], expect, 1e-9);    // atom 2, lag 0.01
}

// an LJ solid (T = 0.3) and liquid (T = 2.0): train, then classify fresh runs
TEST_F(TmlTest, TrainAndPredictTwoTemperatures)
{
  const std::string f1 = tmp("lj03.txt"), f2 = tmp("lj20.txt"), m = tmp("lj.model");
  lj_run(0.3, 111, "train " + f1 + " label 0.3", 2, 5000);
  TearDown();
  SetUp();
  lj_run(2.0, 222, "train " + f2 + " label 2.0", 2, 5000);
  TearDown();
  for (double T : {0.3, 2.0}) {
    SetUp();
    lj_run(T, 333, fmt::format("model features {} {} savemodel {} threshold 1.0", f1, f2, m), 1,
           4000);
    EXPECT_EQ(fix("ml")->compute_vector(4), 1.0);
    EXPECT_EQ(fix("ml")->compute_vector(5), 256.0);
    const double mean = fix("ml")->compute_vector(1);
    EXPECT_NEAR(mean, T, 0.1 * T) << "mean T_ML of the run at T = " << T;
    const double frac = fix("ml")->compute_vector(2);
    if (T < 1.0)
      EXPECT_LT(frac, 0.1);
    else
      EXPECT_GT(frac, 0.9);
    double sum = 0.0;
    for (auto &kv : peratom("ml", 0)) sum += kv.second;
    EXPECT_NEAR(sum / 256.0, mean, 1e-12);
    TearDown();
  }
  TML::Model model = TML::Model::load(m);
  EXPECT_EQ(model.size(), 2u * 2u * 256u);
  EXPECT_EQ(model.units(), "lj");
  SetUp();
}

// the fix's kNN ('classify') equals the kernel's brute force
TEST_F(TmlTest, ClassifyEqualsBruteForce)
{
  const std::vector<double> lags = {0.01, 0.02, 0.05};
  const std::string train = synthetic("syn_train.bin", 600, lags, "metal", 5, true);
  const std::string query = synthetic("syn_query.txt", 200, lags, "metal", 6);
  const std::string outp = tmp("classify.out"), model = tmp("syn.model");
  movers();
  cmd(fmt::format("fix ml all tml temp 300 model features {} savemodel {} k 7 classify {} {}",
                  train, model, query, outp));
  TML::Model m = TML::Model::load(model);
  TML::KNNRegressor knn(m, 7);
  TML::FeatureSet q = TML::read_features(query);
  std::ifstream in(outp);
  std::string line;
  std::size_t row = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    double lab, tml;
    ASSERT_EQ(std::sscanf(line.c_str(), "%lf %lf", &lab, &tml), 2);
    EXPECT_EQ(lab, q.labels[row]);
    EXPECT_EQ(tml, knn.predict_brute_force(&q.features[row * 3])) << "row " << row;
    ++row;
  }
  EXPECT_EQ(row, 200u);
}

// write_restart in the middle of a window, read_restart, continue: identical to a
// straight run (no forces: the trajectory itself is exactly reproducible)
TEST_F(TmlTest, RestartMidWindow)
{
  const std::vector<double> lags = {0.01, 0.02, 0.05, 0.1};
  const std::string train = synthetic("rs_train.txt", 400, lags, "metal", 9);
  const std::string model = tmp("rs.model"), rfile = tmp("mid.restart");
  const std::string setup_fix =
      "fix ml all tml temp 300 lags 0.01 0.02 0.05 0.1 every 40 features yes model ";
  auto system = [&]() {
    cmds({"units metal", "atom_style atomic", "boundary p p p", "region box block 0 6 0 6 0 6",
          "create_box 1 box", "create_atoms 1 random 60 4321 NULL", "mass 1 1.0",
          "pair_style zero 2.0", "pair_coeff * *", "timestep 0.001",
          "velocity all create 3000 777 loop geom", "fix nve all nve"});
  };
  system();
  cmd(setup_fix + "features " + train + " savemodel " + model + " k 10");
  cmd("run 130 post no");    // windows 0, 40, 80 (and 120) in progress
  cmd("write_restart " + rfile);
  cmd("run 170 post no");
  auto straight = peratom("ml", 0);
  auto straight_f = peratom("ml", 4);
  std::vector<double> gs;
  for (int k = 0; k < 6; ++k) gs.push_back(fix("ml")->compute_vector(k));
  EXPECT_EQ(gs[4], 6.0);

  TearDown();
  SetUp();
  cmds({"read_restart " + rfile, "pair_style zero 2.0", "pair_coeff * *", "fix nve all nve",
        setup_fix + model + " k 10", "run 170 post no"});
  auto again = peratom("ml", 0);
  auto again_f = peratom("ml", 4);
  ASSERT_EQ(again.size(), 60u);
  for (auto &kv : straight) {
    EXPECT_EQ(again[kv.first], kv.second) << "T_ML of atom " << kv.first;
    EXPECT_EQ(again_f[kv.first], straight_f[kv.first]) << "feature of atom " << kv.first;
  }
  for (int k = 0; k < 6; ++k) EXPECT_EQ(fix("ml")->compute_vector(k), gs[k]) << "global " << k;
}

TEST_F(TmlTest, Errors)
{
  const std::vector<double> lags = {0.01, 0.02};
  const std::string train = synthetic("err_train.txt", 30, lags, "metal", 3);
  const std::string good = tmp("err.model"), bad = tmp("bad.model"), trunc = tmp("trunc.model");
  movers();
  cmd("fix ok all tml temp 300 model features " + train + " savemodel " + good);
  cmd("unfix ok");
  {
    std::ofstream o(bad, std::ios::binary);
    o << "this is not a model file at all, just some text................................";
  }
  {
    std::ifstream i(good, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(i)), std::istreambuf_iterator<char>());
    std::ofstream o(trunc, std::ios::binary);
    o << s.substr(0, s.size() - 100);
  }
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 300 model " + bad), "bad magic");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 300 model " + trunc), "truncated");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 300 model nonexistent.model"), "cannot open");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 300 lags 0.01 0.05 model " + good),
                   "lags or units do not match the model");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 300 model " + good + " k 31"),
                   "k = 31 is larger than the 30 training instances");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 300 lags 0.01 0.0125"),
                   "lag 0.0125 is not a multiple of the timestep");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 0 lags 0.01"), "temp must be > 0, got 0");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp -5 lags 0.01"), "temp must be > 0, got -5");
  EXPECT_LMP_ERROR(cmd("fix e all tml lags 0.01"), "keyword 'temp'");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 300 lags 0.02 0.01"), "must be increasing");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 300 bogus 1"), "unknown keyword 'bogus'");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp v_nothere lags 0.01"), "'nothere' does not exist");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 300 model features missing.txt"), "missing.txt");
  // a temperature variable that becomes 0 at run time
  cmds({"variable Tz equal 0", "fix e all tml temp v_Tz lags 0.01"});
  EXPECT_LMP_ERROR(cmd("run 1 post no"), "temperature 0 from v_Tz is not > 0");
  // the model was trained in other units
  TearDown();
  SetUp();
  movers("real");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 300 lags 10 20 model " + good), "units");
  // lj: no default lags
  TearDown();
  SetUp();
  movers("lj");
  EXPECT_LMP_ERROR(cmd("fix e all tml temp 1.0"), "unit style lj has no physical time unit");
}

// default lags: 0.2 ... 200 ps converted to the unit style (metal: ps, real: fs)
TEST_F(TmlTest, DefaultLagsPerUnitStyle)
{
  const std::string f1 = tmp("units_metal.txt"), f2 = tmp("units_real.txt");
  movers("metal");
  cmds({"timestep 0.002", "fix a all tml temp 300 train " + f1, "unfix a"});
  TearDown();
  SetUp();
  movers("real");
  cmds({"timestep 2.0", "fix a all tml temp 300 train " + f2, "unfix a"});
  auto m = TML::read_features(f1).meta, r = TML::read_features(f2).meta;
  ASSERT_EQ(m.lags.size(), 10u);
  ASSERT_EQ(r.lags.size(), 10u);
  for (std::size_t k = 0; k < 10; ++k) EXPECT_NEAR(r.lags[k], 1000.0 * m.lags[k], 1e-9 * r.lags[k]);
  EXPECT_DOUBLE_EQ(m.lags.front(), 0.2);
  EXPECT_DOUBLE_EQ(m.lags.back(), 200.0);
}

}    // namespace
