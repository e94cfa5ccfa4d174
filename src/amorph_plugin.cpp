// AMORPH - LAMMPS plugin package, GPL-2.0
//
// Plugin entry point: registers every AMORPH style with LAMMPS.  The list of styles is
// generated at configure time from the ComputeStyle()/FixStyle() macros in src/*.h
// (cmake/AMORPHSources.cmake), so a new style is registered by adding its files.
// This file is not used when AMORPH is compiled into LAMMPS (built-in mode).

#include "compute.h"
#include "fix.h"
#include "lammpsplugin.h"
#include "version.h"

#include "amorph_styles.h"

using namespace LAMMPS_NS;

namespace {
template <class T> Compute *create_compute(LAMMPS *lmp, int narg, char **arg)
{
  return new T(lmp, narg, arg);
}
template <class T> Fix *create_fix(LAMMPS *lmp, int narg, char **arg)
{
  return new T(lmp, narg, arg);
}
}    // namespace

extern "C" void lammpsplugin_init(void *lmp, void *handle, void *regfunc)
{
  auto reg = (lammpsplugin_regfunc) regfunc;
  lammpsplugin_t plugin{};
  plugin.version = LAMMPS_VERSION;
  plugin.author = "AMORPH developers";
  plugin.handle = handle;

#define AMORPH_Compute_STYLE(NAME, CLASS)                               \
  plugin.style = "compute";                                             \
  plugin.name = NAME;                                                   \
  plugin.info = "AMORPH " AMORPH_VERSION " compute style " NAME;        \
  plugin.creator.v2 = (lammpsplugin_factory2 *) &create_compute<CLASS>; \
  (*reg)(&plugin, lmp);
#define AMORPH_Fix_STYLE(NAME, CLASS)                               \
  plugin.style = "fix";                                             \
  plugin.name = NAME;                                               \
  plugin.info = "AMORPH " AMORPH_VERSION " fix style " NAME;        \
  plugin.creator.v2 = (lammpsplugin_factory2 *) &create_fix<CLASS>; \
  (*reg)(&plugin, lmp);

  AMORPH_STYLE_TABLE
}
