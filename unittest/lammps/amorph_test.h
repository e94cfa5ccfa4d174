// AMORPH - LAMMPS plugin package, GPL-2.0
// Fixture: a real LAMMPS instance with the AMORPH plugin loaded, plus helpers to read
// per-atom and global outputs back through the library interface.
#ifndef AMORPH_TEST_H
#define AMORPH_TEST_H

#include "atom.h"
#include "exceptions.h"
#include "input.h"
#include "lammps.h"
#include "library.h"

#include <gtest/gtest.h>
#include <mpi.h>

#include <map>
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
