// AMORPH - LAMMPS plugin package, GPL-2.0
// Fixture: a real LAMMPS instance with the AMORPH plugin loaded, plus helpers to read
// per-atom and global outputs back through the library interface.
#ifndef AMORPH_TEST_H
#define AMORPH_TEST_H

#include "amorph_compat.h"

#include "atom.h"
#include "domain.h"
#include "exceptions.h"
#include "input.h"
#include "lammps.h"
#include "library.h"

#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace amorph_test {

// split "a,b,c" into its parts
inline std::vector<std::string> split(const std::string &s, char sep)
{
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else
      cur += c;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

class LammpsTest : public ::testing::Test {
 protected:
  LAMMPS_NS::LAMMPS *lmp = nullptr;
  bool load_plugin = true;

  void SetUp() override
  {
    const char *args[] = {"amorph_test", "-log",    "none", "-echo",
                          "none",        "-screen", "none", "-nocite"};
    lmp = new LAMMPS_NS::LAMMPS(8, const_cast<char **>(args), MPI_COMM_WORLD);
    if (load_plugin) cmd(std::string("plugin load ") + AMORPH_PLUGIN_FILE);
  }
  void TearDown() override
  {
    delete lmp;
    lmp = nullptr;
  }
  void cmd(const std::string &line) { lmp->input->one(line); }
  void cmds(const std::vector<std::string> &lines)
  {
    for (const auto &l : lines) cmd(l);
  }

  // n atoms of type 1 at random in the box (or, with sphere = {cx, cy, cz, r}, in that
  // sphere, where a region "ball" must exist), none closer than overlap (box units):
  // `create_atoms 1 random n seed NULL|ball overlap d maxtry m` where LAMMPS has the
  // keyword; on LAMMPS 29 Sep 2021 the same kind of configuration from a random sequential
  // addition here (minimum image in periodic dimensions, at most maxtry tries per atom),
  // created with create_atoms single
  void create_atoms_random(int n, int seed, double overlap, int maxtry,
                           const double *sphere = nullptr)
  {
    if (!AMORPH_LAMMPS_2021) {
      cmd("create_atoms 1 random " + std::to_string(n) + " " + std::to_string(seed) +
          (sphere ? " ball" : " NULL") + " overlap " + std::to_string(overlap) + " maxtry " +
          std::to_string(maxtry) + " units box");
      return;
    }
    const auto *d = lmp->domain;
    const double *h = d->h, *lo = d->boxlo;    // h: xprd yprd zprd yz xz xy
    const int per[3] = {d->xperiodic, d->yperiodic, d->zperiodic};
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> pts;    // fractional (box) or Cartesian (sphere) coordinates
    auto cart = [&](const double *s, double *x) {
      x[0] = lo[0] + h[0] * s[0] + h[5] * s[1] + h[4] * s[2];
      x[1] = lo[1] + h[1] * s[1] + h[3] * s[2];
      x[2] = lo[2] + h[2] * s[2];
    };
    for (int i = 0; i < n; ++i) {
      for (int t = 0; t < maxtry; ++t) {
        double p[3], x[3];
        if (sphere) {
          for (int k = 0; k < 3; ++k) p[k] = sphere[k] + sphere[3] * (2.0 * u(rng) - 1.0);
          const double r2 = (p[0] - sphere[0]) * (p[0] - sphere[0]) +
              (p[1] - sphere[1]) * (p[1] - sphere[1]) + (p[2] - sphere[2]) * (p[2] - sphere[2]);
          if (r2 > sphere[3] * sphere[3]) continue;
        } else
          for (double &c : p) c = u(rng);
        bool ok = true;
        for (size_t j = 0; ok && j < pts.size(); j += 3) {
          double dd[3];
          for (int k = 0; k < 3; ++k) {
            dd[k] = p[k] - pts[j + k];
            if (!sphere && per[k]) dd[k] -= std::round(dd[k]);
          }
          if (!sphere) {
            const double s0[3] = {dd[0], dd[1], dd[2]};
            const double zero[3] = {0.0, 0.0, 0.0};
            cart(s0, dd);
            cart(zero, x);
            for (int k = 0; k < 3; ++k) dd[k] -= x[k];
          }
          ok = dd[0] * dd[0] + dd[1] * dd[1] + dd[2] * dd[2] >= overlap * overlap;
        }
        if (!ok) continue;
        pts.insert(pts.end(), p, p + 3);
        break;
      }
    }
    char line[256];
    for (size_t j = 0; j < pts.size(); j += 3) {
      double x[3];
      if (sphere)
        for (int k = 0; k < 3; ++k) x[k] = pts[j + k];
      else
        cart(&pts[j], x);
      std::snprintf(line, sizeof(line), "create_atoms 1 single %.17g %.17g %.17g units box", x[0],
                    x[1], x[2]);
      cmd(line);
    }
  }

  // per-atom array column (0-based) of a compute, indexed by atom ID (1..natoms)
  std::map<long, std::vector<double>> peratom_array(const std::string &id, int ncol)
  {
    auto **arr =
        (double **) lammps_extract_compute(lmp, id.c_str(), LMP_STYLE_ATOM, LMP_TYPE_ARRAY);
    std::map<long, std::vector<double>> out;
    if (!arr) return out;
    for (int i = 0; i < lmp->atom->nlocal; ++i)
      out[(long) lmp->atom->tag[i]] = std::vector<double>(arr[i], arr[i] + ncol);
    return out;
  }
};

}    // namespace amorph_test

// expect a LAMMPS error whose message contains `text`
#define EXPECT_LMP_ERROR(statement, text)                            \
  do {                                                               \
    bool _thrown = false;                                            \
    try {                                                            \
      statement;                                                     \
    } catch (LAMMPS_NS::LAMMPSException & e) {                       \
      _thrown = true;                                                \
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) \
          << "message was: " << e.what();                            \
    }                                                                \
    EXPECT_TRUE(_thrown) << "no LAMMPS error for: " #statement;      \
  } while (0)

#endif
