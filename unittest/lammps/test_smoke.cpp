// AMORPH - LAMMPS plugin package, GPL-2.0
// Smoke tests run against every supported LAMMPS version: the plugin loads and every style
// is really registered (a failed `plugin load` only logs a message).  The negative control
// (styles absent without the plugin) needs a fresh process, since loaded plugins are
// registered in every LAMMPS instance of a process: unittest/python/check_lmp_load.py.
#include "amorph_test.h"

using amorph_test::LammpsTest;

class Smoke : public LammpsTest {};

TEST_F(Smoke, EveryStyleIsRegistered)
{
  auto styles = amorph_test::split(AMORPH_STYLE_LIST, ',');
  ASSERT_FALSE(styles.empty()) << "no AMORPH styles were found at configure time";
  for (const auto &s : styles) {
    auto kn = amorph_test::split(s, ' ');
    ASSERT_EQ(kn.size(), 2u) << s;
    EXPECT_TRUE(lammps_has_style(lmp, kn[0].c_str(), kn[1].c_str()))
        << kn[0] << " style " << kn[1] << " not registered after plugin load";
  }
  EXPECT_GE(lammps_plugin_count(), (int) styles.size());
}
