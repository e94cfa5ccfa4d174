// AMORPH - LAMMPS plugin package, GPL-2.0
// compute pdf/aniso in real LAMMPS instances: g0 = core compute rdf (total and partials),
// weighted total from the partials, g2 = 0 for a cubic crystal, triclinic = orthogonal for
// the same periodic configuration, bad input.
#include "amorph_test.h"

#include "compute.h"
#include "domain.h"
#include "modify.h"

#include <cmath>
#include <string>
#include <vector>

using amorph_test::LammpsTest;

namespace {

class PdfTest : public LammpsTest {
 protected:
  // a random two-type configuration (about 1500 atoms, no close contacts), pair zero
  void random_config(int ntypes = 2)
  {
    // tilts of a whole box length (TriclinicEqualsOrthogonal): LAMMPS 29 Sep 2021 needs
    // "box tilt large" before the box is made (later versions only warn, without a box command)
    if (AMORPH_LAMMPS_2021) cmd("box tilt large");
    cmds({"units metal", "atom_style atomic", "boundary p p p",
          "region box block 0 26 0 24 0 25 units box",
          "create_box " + std::to_string(ntypes) + " box"});
    create_atoms_random(1500, 4711, 1.6, 100);
    cmds({"mass * 1.0", "pair_style zero 5.0", "pair_coeff * *", "comm_modify cutoff 12.0"});
    if (ntypes > 1) cmd("set type 1 type/ratio 2 0.4 8123");
  }
  std::vector<std::vector<double>> global_array(const std::string &id)
  {
    auto *c = AMORPH_NS::compute_by_id(lmp->modify, id);
    EXPECT_NE(c, nullptr);
    std::vector<std::vector<double>> out;
    if (!c) return out;
    auto **a =
        (double **) lammps_extract_compute(lmp, id.c_str(), LMP_STYLE_GLOBAL, LMP_TYPE_ARRAY);
    EXPECT_NE(a, nullptr);
    if (!a) return out;
    for (int r = 0; r < c->size_array_rows; ++r) out.emplace_back(a[r], a[r] + c->size_array_cols);
    return out;
  }
};

}    // namespace

TEST_F(PdfTest, G0EqualsComputeRdfTotalAndPartials)
{
  random_config();
  // the pair cutoff = the rdf cutoff: compute rdf of LAMMPS 4 Feb 2025 bins to the pair
  // cutoff whatever its cutoff keyword says (a missing 'else', fixed later)
  cmds({"pair_style zero 8.0", "pair_coeff * *",
        "compute rdf all rdf 80 1 1 1 2 2 1 2 2 cutoff 8.0", "compute rdft all rdf 80 cutoff 8.0",
        "compute p all pdf/aniso 80 8.0 axis z 1 1 1 2 2 1 2 2",
        "compute pt all pdf/aniso 80 8.0 axis x", "run 0"});
  auto rdf = global_array("rdf"), rdft = global_array("rdft");
  auto p = global_array("p"), pt = global_array("pt");
  ASSERT_EQ(p.size(), 80u);
  ASSERT_EQ(p[0].size(), 1u + 5u * 4u);
  ASSERT_EQ(pt[0].size(), 1u + 4u);
  double gmax = 0.0;
  for (int b = 0; b < 80; ++b) {
    EXPECT_NEAR(p[b][0], rdf[b][0], 1e-12);
    for (int m = 0; m < 4; ++m) {
      EXPECT_NEAR(p[b][1 + 4 * m], rdf[b][1 + 2 * m], 1e-10) << "g0 pair " << m << " bin " << b;
      // the coordination of "2 1" follows the LAMMPS version (see amorph_compat.h)
      EXPECT_NEAR(p[b][2 + 4 * m], rdf[b][2 + 2 * m], 1e-10) << "coord pair " << m << " bin " << b;
    }
    // the total of both computes
    EXPECT_NEAR(p[b][17], rdft[b][1], 1e-10) << "total bin " << b;
    EXPECT_NEAR(p[b][18], rdft[b][2], 1e-10) << "total coord bin " << b;
    EXPECT_NEAR(pt[b][1], rdft[b][1], 1e-10) << "total bin " << b;
    gmax = std::max(gmax, p[b][17]);
  }
  EXPECT_GT(gmax, 1.0);
  // the pair 2 1 is the pair 1 2 (also in g2)
  for (int b = 0; b < 80; ++b) EXPECT_NEAR(p[b][11], p[b][7], 1e-12);
}

TEST_F(PdfTest, WeightedTotalFromThePartials)
{
  random_config();
  cmds({"compute p all pdf/aniso 60 8.0 axis y 1 1 1 2 2 2 weights 29 40", "run 0"});
  auto p = global_array("p");
  double n1 = 0, n2 = 0;
  for (int i = 0; i < lmp->atom->nlocal; ++i) (lmp->atom->type[i] == 1 ? n1 : n2) += 1.0;
  const double w1 = 29, w2 = 40, W = n1 * w1 + n2 * w2, W2 = n1 * w1 * w1 + n2 * w2 * w2;
  for (int b = 0; b < 60; ++b)
    for (int q : {1, 3}) {    // g0 and g2
      const double x = (w1 * w1 * n1 * (n1 - 1) * p[b][q] + 2 * w1 * w2 * n1 * n2 * p[b][4 + q] +
                        w2 * w2 * n2 * (n2 - 1) * p[b][8 + q]) /
          (W * W - W2);
      EXPECT_NEAR(p[b][12 + q], x, 1e-10 * (1.0 + std::fabs(x))) << "bin " << b << " col " << q;
    }
}

TEST_F(PdfTest, CubicCrystalHasNoG2)
{
  cmds({"units metal", "atom_style atomic", "boundary p p p", "lattice fcc 3.6",
        "region box block 0 5 0 5 0 5", "create_box 1 box", "create_atoms 1 box", "mass 1 1.0",
        "pair_style zero 4.0", "pair_coeff * *", "comm_modify cutoff 9.0"});
  for (const char *ax : {"x", "y", "z"})
    cmd(std::string("compute p") + ax + " all pdf/aniso 70 7.0 axis " + ax);
  cmd("run 0");
  for (const char *ax : {"x", "y", "z"}) {
    auto p = global_array(std::string("p") + ax);
    double gmax = 0.0;
    for (auto &row : p) gmax = std::max(gmax, row[1]);
    EXPECT_GT(gmax, 10.0);
    for (auto &row : p) EXPECT_NEAR(row[3], 0.0, 1e-10 * gmax) << ax << " r = " << row[0];
  }
}

TEST_F(PdfTest, TriclinicEqualsOrthogonal)
{
  random_config();
  cmds({"compute p all pdf/aniso 70 7.0 axis z 1 2 affine 0.01 0.3", "run 0"});
  auto ortho = global_array("p");
  // the same periodic system in a skewed cell: (Lx,0,0), (Lx,Ly,0), (0,Ly,Lz) span the
  // lattice of the orthogonal box
  cmds({"change_box all triclinic", "change_box all xy final 26.0 yz final 24.0", "run 0"});
  ASSERT_TRUE(lmp->domain->triclinic);
  auto tri = global_array("p");
  ASSERT_EQ(tri.size(), ortho.size());
  double gmax = 0.0;
  for (auto &row : ortho) gmax = std::max(gmax, row[1]);
  for (size_t b = 0; b < tri.size(); ++b)
    for (size_t c = 0; c < tri[b].size(); ++c)
      EXPECT_NEAR(tri[b][c], ortho[b][c], 1e-9 * (gmax + std::fabs(ortho[b][c])))
          << "bin " << b << " col " << c;
}

TEST_F(PdfTest, BadInput)
{
  random_config();
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 0 8.0 axis z"),
                   "Compute pdf/aniso: Nbin must be > 0");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 1.5 8.0 axis z"), "Nbin expects an integer");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 -1 axis z"),
                   "Compute pdf/aniso: rc must be > 0");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 abc axis z"), "rc expects a number");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 axis w"), "axis must be x, y or z");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 z x"), "expected 'axis x|y|z'");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 axis z 1"), "atom types must come in pairs");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 axis z 1 3"),
                   "type 3 in type pair 1 is out of range 1..2");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 axis z 1 1 0 2"), "type 0 in type pair 2");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 axis z weights 1"),
                   "weights needs one value per atom type");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 axis z weights 1 -2"),
                   "weights must be >= 0");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 axis z affine 0 0.3"),
                   "affine eps must be in");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 axis z affine 0.01 0.7"),
                   "affine nu must be in");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 axis z bins soft"),
                   "bins must be hard or spline, got 'soft'");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 axis z 1 2 weights 1 1 foo 1"),
                   "unknown keyword 'foo'");
  EXPECT_LMP_ERROR(cmd("compute p all pdf/aniso 10 8.0 axis z foo 1"),
                   "'foo' is neither an atom type (in type pair 1) nor a keyword");
  // beyond the ghost cutoff (12 - skin 2): an error at the first evaluation naming comm_modify
  cmds({"compute p all pdf/aniso 10 10.5 axis z", "thermo_style custom step c_p[1][2]"});
  EXPECT_LMP_ERROR(cmd("run 0"), "use comm_modify cutoff");
}
