// AMORPH - LAMMPS plugin package, GPL-2.0
// fix acoustic in real LAMMPS instances on a small fcc Cu crystal (256 atoms, eam/fs):
// stress control tracks a sine target, strain control gives Young's modulus and the
// dissipated energy of the per-cycle DMA, restart mid-cycle, waveforms, bad input.
#include "amorph_test.h"

#include "domain.h"
#include "update.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using amorph_test::LammpsTest;

namespace {

constexpr double PI = 3.14159265358979323846;

// 1-based indices of the global vector (doc/src/fix_acoustic.rst)
enum {
  TIME = 1,
  TARGET,
  STRESS,
  STRAIN,
  CYCLE,
  EPS0,
  SIG0,
  DELTA,
  ESTORE,
  ELOSS,
  TAND,
  WLOOP,
  WFIT,
  EPS_PHASE,
  SIG_PHASE,
  EPS_MEAN,
  SIG_MEAN,
  VALID,
  NSAMPLES,
  NVEC = NSAMPLES
};

class AcousticTest : public LammpsTest {
 protected:
  // 4x4x4 fcc Cu near its 0 K lattice constant for CuZr_mm.eam.fs (3.639 A)
  void crystal(const std::string &boundary = "p p p")
  {
    cmds({"units metal", "atom_style atomic", "boundary " + boundary, "lattice fcc 3.639",
          "region box block 0 4 0 4 0 4", "create_box 1 box", "create_atoms 1 box", "mass 1 63.546",
          "pair_style eam/fs",
          std::string("pair_coeff * * ") + AMORPH_POTENTIALS + "/CuZr_mm.eam.fs Cu",
          "timestep 0.002", "thermo 0"});
  }
  // crystal equilibrated at 10 K and zero pressure
  void equilibrated()
  {
    crystal();
    cmds({"velocity all create 20 4928 mom yes rot yes",
          "fix eq all npt temp 10 10 0.1 aniso 0 0 0.5", "run 1000", "unfix eq"});
  }
  // element of the fix's global vector, 1-based as in the documentation
  double fv(const std::string &id, int i)
  {
    auto *p =
        (double *) lammps_extract_fix(lmp, id.c_str(), LMP_STYLE_GLOBAL, LMP_TYPE_VECTOR, i - 1, 0);
    if (!p) return NAN;
    double v = *p;
    lammps_free(p);
    return v;
  }
  std::vector<double> fvec(const std::string &id)
  {
    std::vector<double> v;
    for (int i = 1; i <= NVEC; ++i) v.push_back(fv(id, i));
    return v;
  }
};

std::string tmpname(const std::string &base)
{
  const char *d = std::getenv("TMPDIR");
  return std::string(d ? d : "/tmp") + "/amorph_acoustic_" + std::to_string((long) getpid()) + "_" +
      base;
}

}    // namespace

// ---------------------------------------------------------------------------------------

TEST_F(AcousticTest, StressSineTracksTarget)
{
  equilibrated();
  // sigma = 1 GPa sin(2 pi 0.5/ps t): period 2 ps = 1000 steps, 3 cycles
  cmd("fix 1 all acoustic z stress sine 10000 0.5 0 0 temp 10 10 0.1 pdamp 0.5");
  cmd("run 1000");
  EXPECT_EQ(fv("1", CYCLE), 1.0);
  // pzz in thermo: current at the last step also where the library does not invoke the
  // pressure compute (LAMMPS 29 Sep 2021)
  cmd("thermo_style custom step temp pzz");
  cmd("run 2000");
  EXPECT_EQ(fv("1", CYCLE), 3.0);
  EXPECT_NEAR(fv("1", TIME), 6.0, 1e-12);
  EXPECT_NEAR(fv("1", TARGET), 10000.0 * std::sin(2.0 * PI * 0.5 * 6.0), 1e-6);
  // the last completed cycle (after settling): fitted amplitude and phase of the measured
  // stress against the target 10000 bar, phase 0
  EXPECT_EQ(fv("1", VALID), 1.0);
  EXPECT_EQ(fv("1", NSAMPLES), 1000.0);
  EXPECT_NEAR(fv("1", SIG0) / 10000.0, 1.0, 0.05);
  EXPECT_NEAR(fv("1", SIG_PHASE), 0.0, 0.02);    // radians
  EXPECT_NEAR(fv("1", SIG_MEAN), 0.0, 300.0);
  // strain amplitude of a 1 GPa load on Cu [100]: E ~ 60-67 GPa
  const double e = fv("1", SIG0) / fv("1", EPS0);
  EXPECT_GT(e, 5.5e5);
  EXPECT_LT(e, 7.0e5);
  // the measured stress output is -Pzz of the fix's pressure compute, the strain Lz/L0 - 1
  // (thermo's pzz comes after the thermostat's last half step: differs by a part of the
  // kinetic stress, ~12 bar at 10 K)
  EXPECT_NEAR(fv("1", STRESS), -lammps_get_thermo(lmp, "pzz"), 1.0);
}

TEST_F(AcousticTest, StrainSineGivesYoungsModulus)
{
  crystal();
  // static Young's modulus along [100]: +-0.2 % strain, laterally relaxed at 0 K
  cmds({"thermo_style custom step pzz", "min_modify line quadratic",
        "fix r all box/relax aniso 0.0", "minimize 0 1e-12 1000 10000", "unfix r",
        "change_box all z scale 1.002 remap", "fix r all box/relax x 0.0 y 0.0",
        "minimize 0 1e-12 1000 10000", "unfix r"});
  const double sp = -lammps_get_thermo(lmp, "pzz");
  cmds({"change_box all z scale $(0.998/1.002) remap", "fix r all box/relax x 0.0 y 0.0",
        "minimize 0 1e-12 1000 10000", "unfix r"});
  const double sm = -lammps_get_thermo(lmp, "pzz");
  const double e_static = (sp - sm) / 0.004;
  EXPECT_GT(e_static, 5.0e5);
  cmd("change_box all z scale $(1.0/0.998) remap");

  // dynamic: eps = 0.002 sin(2 pi 0.5/ps t) at 10 K, lateral axes at zero pressure
  cmds({"velocity all create 20 4928 mom yes rot yes",
        "fix eq all npt temp 10 10 0.1 aniso 0 0 0.5", "run 1000", "unfix eq"});
  const double lz0 = lmp->domain->prd[2];
  cmd("fix 1 all acoustic z strain sine 0.002 0.5 0 0 temp 10 10 0.1 pdamp 0.5");
  cmd("run 750");
  // the box follows the prescribed strain exactly
  const double eps = 0.002 * std::sin(2.0 * PI * 0.5 * 1.5);
  EXPECT_NEAR(lmp->domain->prd[2], lz0 * (1.0 + eps), 1e-12 * lz0);
  EXPECT_NEAR(fv("1", STRAIN), eps, 1e-12);
  EXPECT_NEAR(fv("1", TARGET), eps, 1e-15);
  cmd("run 2250");
  ASSERT_EQ(fv("1", CYCLE), 3.0);
  EXPECT_EQ(fv("1", VALID), 1.0);
  EXPECT_NEAR(fv("1", EPS0), 0.002, 1e-9);
  EXPECT_NEAR(fv("1", EPS_PHASE), 0.0, 1e-6);
  const double estore = fv("1", ESTORE);
  EXPECT_NEAR(estore / e_static, 1.0, 0.03) << "E' " << estore << " static E " << e_static;
  EXPECT_LT(std::fabs(fv("1", TAND)), 0.02);
  // loop integral against pi sig0 eps0 sin(delta): both ~0 here, so compared on the
  // scale of the elastic energy pi sig0 eps0
  const double scale = PI * fv("1", SIG0) * fv("1", EPS0);
  EXPECT_NEAR(fv("1", WLOOP), fv("1", WFIT), 0.02 * scale);
  EXPECT_NEAR(fv("1", WFIT), scale * std::sin(fv("1", DELTA)), 1e-9 * scale);
}

// a viscous lateral barostat (drag) makes the axial response lag: the loop integral
// must equal pi sig0 eps0 sin(delta) of the fit
TEST_F(AcousticTest, DissipatedEnergyEqualsFit)
{
  equilibrated();
  cmd("fix 1 all acoustic z strain sine 0.002 1.5 0 0 temp 10 10 0.1 pdamp 1.0 drag 100");
  cmd("run 1333");    // 4 periods of 0.6667 ps
  ASSERT_EQ(fv("1", CYCLE), 4.0);
  EXPECT_EQ(fv("1", VALID), 1.0);
  const double delta = fv("1", DELTA);
  EXPECT_GT(delta, 0.05);
  EXPECT_LT(delta, 0.5);
  const double wfit = PI * fv("1", SIG0) * fv("1", EPS0) * std::sin(delta);
  EXPECT_NEAR(fv("1", WFIT), wfit, 1e-9 * std::fabs(wfit));
  EXPECT_NEAR(fv("1", WLOOP) / wfit, 1.0, 0.02);
  EXPECT_NEAR(fv("1", ELOSS) / fv("1", ESTORE), std::tan(delta), 1e-9);
}

// restart mid-cycle continues identically (waveform phase, cycle accounting, DMA sums
// and the Nose-Hoover state)
TEST_F(AcousticTest, RestartMidCycleContinuesIdentically)
{
  const std::string rfile = tmpname("mid.restart");
  equilibrated();
  cmd("fix 1 all acoustic z stress sine 8000 1.0 500 30 temp 10 10 0.1 pdamp 0.5");
  cmd("run 1250");    // 2.5 cycles
  EXPECT_EQ(fv("1", CYCLE), 2.0);
  cmd("write_restart " + rfile);
  cmd("run 400");    // completes cycle 3 after the restart point
  const auto ref = fvec("1");
  const double lz = lmp->domain->prd[2], lx = lmp->domain->prd[0];
  EXPECT_EQ(ref[CYCLE - 1], 3.0);

  delete lmp;
  const char *args[] = {"amorph_test", "-log",    "none", "-echo",
                        "none",        "-screen", "none", "-nocite"};
  lmp = new LAMMPS_NS::LAMMPS(8, const_cast<char **>(args), MPI_COMM_WORLD);
  cmds({std::string("plugin load ") + AMORPH_PLUGIN_FILE, "read_restart " + rfile,
        "pair_style eam/fs",
        std::string("pair_coeff * * ") + AMORPH_POTENTIALS + "/CuZr_mm.eam.fs Cu", "thermo 0",
        "fix 1 all acoustic z stress sine 8000 1.0 500 30 temp 10 10 0.1 pdamp 0.5"});
  EXPECT_EQ(fv("1", CYCLE), 2.0);
  cmd("run 400");
  const auto got = fvec("1");
  for (int i = 0; i < NVEC; ++i)
    EXPECT_NEAR(got[i], ref[i], 1e-9 * (1.0 + std::fabs(ref[i]))) << "vector element " << i + 1;
  EXPECT_NEAR(lmp->domain->prd[2], lz, 1e-11 * lz);
  EXPECT_NEAR(lmp->domain->prd[0], lx, 1e-11 * lx);

  // a different waveform with the same fix ID is refused
  cmd("write_restart " + rfile);
  delete lmp;
  lmp = new LAMMPS_NS::LAMMPS(8, const_cast<char **>(args), MPI_COMM_WORLD);
  cmds({std::string("plugin load ") + AMORPH_PLUGIN_FILE, "read_restart " + rfile});
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress sine 8000 2.0 500 30 temp 10 10 0.1 pdamp 0.5"),
                   "differs from the one in the restart file");
  std::remove(rfile.c_str());
}

TEST_F(AcousticTest, CreepRampAndHold)
{
  equilibrated();
  // compressive creep: ramp at 40000 bar/ps to -5000 bar (0.125 ps), then hold
  cmd("fix 1 all acoustic z stress creep 40000 -5000 temp 10 10 0.1 pdamp 0.5");
  cmd("run 25");
  EXPECT_NEAR(fv("1", TARGET), -40000 * 0.05, 1e-9);
  cmd("compute p all pressure thermo_temp");
  cmd("fix av all ave/time 1 400 800 c_p[3]");
  cmd("run 775");
  EXPECT_EQ(fv("1", TARGET), -5000.0);
  EXPECT_EQ(fv("1", CYCLE), 0.0);    // aperiodic: no cycles
  auto *pz = (double *) lammps_extract_fix(lmp, "av", LMP_STYLE_GLOBAL, LMP_TYPE_SCALAR, 0, 0);
  ASSERT_NE(pz, nullptr);
  EXPECT_NEAR(-*pz / -5000.0, 1.0, 0.05);    // measured -Pzz averaged over the last 0.8 ps
  lammps_free(pz);
  EXPECT_LT(fv("1", STRAIN), -0.005);    // compressed
}

TEST_F(AcousticTest, VariableWaveformEqualsSine)
{
  equilibrated();
  cmd("fix 1 all acoustic z stress sine 10000 0.5 0 0 temp 10 10 0.1 pdamp 0.5");
  cmd("run 600");
  const auto ref = fvec("1");
  const double lz = lmp->domain->prd[2];

  delete lmp;
  const char *args[] = {"amorph_test", "-log",    "none", "-echo",
                        "none",        "-screen", "none", "-nocite"};
  lmp = new LAMMPS_NS::LAMMPS(8, const_cast<char **>(args), MPI_COMM_WORLD);
  cmd(std::string("plugin load ") + AMORPH_PLUGIN_FILE);
  equilibrated();
  cmd("variable s equal 10000*sin(2*PI*0.5*elapsed*dt)");
  cmd("fix 1 all acoustic z stress v_s period 2.0 temp 10 10 0.1 pdamp 0.5");
  cmd("run 600");
  const auto got = fvec("1");
  EXPECT_NEAR(lmp->domain->prd[2], lz, 1e-9 * lz);
  for (int i = 0; i < NVEC; ++i)
    EXPECT_NEAR(got[i], ref[i], 1e-6 * (1.0 + std::fabs(ref[i]))) << "vector element " << i + 1;
}

TEST_F(AcousticTest, TrapezoidWaveformAndCycleFile)
{
  const std::string fname = tmpname("cycles.txt");
  equilibrated();
  // strain trapezoid: ramp 0.1 ps to 0.003, hold 0.2, unload 0.1, rest 0.1 (P = 0.5 ps), 2 cycles
  cmd("fix 1 all acoustic x strain trapezoid 0 0.003 0.1 0.2 0.1 0.1 2 temp 10 10 0.1 pdamp 0.5 "
      "file " +
      fname);
  const double lx0 = lmp->domain->prd[0];
  cmd("run 25");    // t = 0.05: half way up the ramp
  EXPECT_NEAR(fv("1", TARGET), 0.0015, 1e-12);
  EXPECT_NEAR(lmp->domain->prd[0], lx0 * 1.0015, 1e-12 * lx0);
  cmd("run 75");    // t = 0.2: hold
  EXPECT_NEAR(fv("1", TARGET), 0.003, 1e-15);
  cmd("run 500");    // t = 1.2: after the 2 cycles, back at base; analysis stopped
  EXPECT_EQ(fv("1", TARGET), 0.0);
  EXPECT_EQ(fv("1", CYCLE), 2.0);
  EXPECT_EQ(fv("1", VALID), 1.0);
  EXPECT_GT(fv("1", SIG0), 0.0);
  cmd("unfix 1");    // closes the file
  std::ifstream in(fname);
  std::string line;
  int ndata = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream is(line);
    double c, t0, eps0;
    is >> c >> t0 >> eps0;
    EXPECT_EQ(c, ndata);
    EXPECT_NEAR(t0, 0.5 * ndata, 1e-12);
    EXPECT_GT(eps0, 0.0);
    ++ndata;
  }
  EXPECT_EQ(ndata, 2);
  std::remove(fname.c_str());
}

TEST_F(AcousticTest, ClockSurvivesTimestepChangeAndRuns)
{
  equilibrated();
  cmd("fix 1 all acoustic y stress sine 2000 0.25 0 90 temp 10 10 0.1 pdamp 0.5");
  cmd("run 0");
  EXPECT_NEAR(fv("1", TARGET), 2000.0, 1e-9);    // phase 90 degrees
  cmd("run 100");
  cmd("timestep 0.001");
  cmd("run 100");
  EXPECT_NEAR(fv("1", TIME), 0.3, 1e-12);
  EXPECT_NEAR(fv("1", TARGET), 2000.0 * std::cos(2.0 * PI * 0.25 * 0.3), 1e-9);
  // thermo and equal-style variables see the vector
  cmd("variable c equal f_1[5]+f_1[1]");
  auto *c = (double *) lammps_extract_variable(lmp, "c", nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_NEAR(*c, 0.3, 1e-12);    // cycle 0 (period 4 ps) + time 0.3
  lammps_free(c);
}

TEST_F(AcousticTest, BadArgumentsGiveClearErrors)
{
  crystal();
  const std::string tail = " temp 10 10 0.1 pdamp 0.5";
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress sine 1000 0 0 0" + tail),
                   "sine frequency must be > 0, got 0");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress sine 1000 -2 0 0" + tail),
                   "sine frequency must be > 0, got -2");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic w stress sine 1000 1 0 0" + tail),
                   "loading axis must be x, y or z, got 'w'");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z force sine 1000 1 0 0" + tail),
                   "control must be 'stress' or 'strain'");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress square 1000 1" + tail),
                   "waveform must be sine, trapezoid, creep or v_name, got 'square'");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress creep 0 5000" + tail),
                   "creep rate must be > 0");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress trapezoid 0 1 -1 1 1 0 0" + tail),
                   "trapezoid: t_ramp must be finite and >= 0");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress sine 1000 1 0 0 pdamp 0.5"),
                   "temp keyword is required");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress sine 1000 1 0 0 temp 10 10 0.1"),
                   "pdamp keyword is required");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress sine 1000 1 0 0" + tail + " pdamp 0"),
                   "pdamp must be > 0");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress sine 1000 1 0 0" + tail + " foo 1"),
                   "unknown keyword 'foo'");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress sine 1000 1 0 0" + tail + " period 2"),
                   "period keyword is only for a v_name waveform");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress sine 1000"), "Fix acoustic sine");

  // conflicting box control on an axis (fix defined before)
  cmd("fix n all npt temp 10 10 0.1 z 0 0 0.5");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress sine 1000 1 0 0" + tail),
                   "fix n (style npt) already changes the box along z");
  cmd("unfix n");
  cmd("fix d all deform 1 x erate 0.01");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z strain sine 0.001 1 0 0" + tail),
                   "fix d (style deform) already changes the box along x");
  cmd("unfix d");
  // ... or after: LAMMPS refuses two fixes changing one box parameter
  cmd("fix 1 all acoustic z strain sine 0.001 1 0 0" + tail);
  cmd("fix d all deform 1 z erate 0.01");
  EXPECT_LMP_ERROR(cmd("run 0"), "multiple fixes change box parameter z");
  cmd("unfix d");

  // period shorter than 10 timesteps (dt = 0.002 ps): checked at run time
  cmd("fix 1 all acoustic z stress sine 1000 60 0 0" + tail);
  EXPECT_LMP_ERROR(cmd("run 0"),
                   "loading period 0.016666666666666666 is shorter than 10 timesteps");
  cmd("fix 1 all acoustic z stress v_nosuch period 1" + tail);
  EXPECT_LMP_ERROR(cmd("run 0"), "variable nosuch does not exist");
  cmd("unfix 1");
}

TEST_F(AcousticTest, NonPeriodicAxisIsAnError)
{
  crystal("p p f");
  const std::string tail = " temp 10 10 0.1 pdamp 0.5";
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z stress sine 1000 1 0 0" + tail),
                   "loading axis z is not periodic");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic x stress sine 1000 1 0 0" + tail),
                   "lateral axis z is not periodic");
}

// triclinic boxes are refused by decision (doc: Restrictions); LAMMPS itself refuses to make
// the box triclinic while the fix exists (change_box with box-changing fixes)
TEST_F(AcousticTest, TriclinicBoxIsAnError)
{
  crystal();
  const std::string tail = " temp 10 10 0.1 pdamp 0.5";
  cmd("change_box all triclinic");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic z strain sine 0.001 1 0 0" + tail),
                   "requires an orthogonal simulation box: with tilt factors");
  EXPECT_LMP_ERROR(cmd("fix 1 all acoustic x stress sine 1000 1 0 0" + tail),
                   "requires an orthogonal simulation box: with tilt factors");
}
