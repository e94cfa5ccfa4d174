/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   The one place for differences between the supported LAMMPS versions
   (oldest: 4 Feb 2025).  AMORPH_LAMMPS_VERSION (yyyymmdd) is parsed from the
   LAMMPS src/version.h by CMake (plugin and built-in mode alike).
   Include this only from .cpp files: in built-in mode the style headers are
   compiled by LAMMPS's own sources, where the macro is not defined.
------------------------------------------------------------------------- */

#ifndef AMORPH_COMPAT_H
#define AMORPH_COMPAT_H

#ifndef AMORPH_LAMMPS_VERSION
#error "AMORPH_LAMMPS_VERSION must be defined by the build system"
#endif

namespace AMORPH_NS {

// ---- compute_modify --------------------------------------------------------
// Compute::modify_params() of LAMMPS 4 Feb 2025 never advances past the arguments
// that a Compute::modify_param() override consumed: it calls modify_param() again
// with the same arguments, forever ("compute_modify ID reference now" hangs).  Fixed
// (iarg += n) in 4 Jul 2026; the first fixed release between the two was not pinned
// down, and the rewrite below is harmless where the loop is fixed.  Work-around:
// the consumed (keyword, value) pairs are rewritten in place into "dynamic/dof
// <current value>", which that loop parses itself, without effect, and then skips.
// An override calls this as `return AMORPH_NS::consumed_compute_modify_args(arg, n,
// dynamic_user);` (n even).  Where the loop is fixed, the arguments are left alone.
#if AMORPH_LAMMPS_VERSION < 20260704
#define AMORPH_COMPUTE_MODIFY_PARAMS_LOOPS 1
#else
#define AMORPH_COMPUTE_MODIFY_PARAMS_LOOPS 0
#endif

inline int consumed_compute_modify_args(char **arg, int n, int dynamic_user)
{
  if constexpr (AMORPH_COMPUTE_MODIFY_PARAMS_LOOPS) {
    static char kw[] = "dynamic/dof", yes[] = "yes", no[] = "no";
    for (int k = 0; k + 1 < n; k += 2) {
      arg[k] = kw;
      arg[k + 1] = dynamic_user ? yes : no;
    }
  } else {
    (void) arg;
    (void) dynamic_user;
  }
  return n;
}

}    // namespace AMORPH_NS

// ---- compute pdf/aniso -----------------------------------------------------
// compute rdf of 4 Jul 2026 normalises the coordination of a type pair entered as "J I"
// (J > I) by the count of J atoms (I neighbours of a J atom); 4 Feb 2025 by the count of
// I atoms.  g(r) is the same.  compute pdf/aniso follows the LAMMPS it is built for (the
// first release with the change was not pinned down).
#if AMORPH_LAMMPS_VERSION < 20260704
#define AMORPH_RDF_REVERSED_COORDINATION 0
#else
#define AMORPH_RDF_REVERSED_COORDINATION 1
#endif

// LabelMap::find() was renamed find_type() (in 4 Jul 2026; not in 4 Feb 2025): -1 if the
// label is not defined.  Detected by SFINAE.
#include <string>
#include <type_traits>
#include <utility>

namespace AMORPH_NS {
template <typename T, typename = void> struct has_find_type : std::false_type {
};
template <typename T>
struct has_find_type<T,
                     std::void_t<decltype(std::declval<const T &>().find_type(std::string(), 0))>> :
    std::true_type {
};

template <typename T> inline int find_type_label(const T *lmap, const std::string &s, int mode)
{
  if constexpr (has_find_type<T>::value)
    return lmap->find_type(s, mode);
  else
    return lmap->find(s, mode);
}
}    // namespace AMORPH_NS

// ---- fix acoustic ----------------------------------------------------------
// Fix::thermo_modify_colname (custom thermo column names through
// get_thermo_colname()) exists in newer LAMMPS only (not in 4 Feb 2025); FixNH sets
// it.  Detected by SFINAE instead of a version number.
#include <type_traits>
#include <utility>

namespace AMORPH_NS {

template <typename T, typename = void> struct has_thermo_modify_colname : std::false_type {
};
template <typename T>
struct has_thermo_modify_colname<T,
                                 std::void_t<decltype(std::declval<T &>().thermo_modify_colname)>> :
    std::true_type {
};

template <typename T> inline void set_thermo_modify_colname(T *fix, int flag)
{
  if constexpr (has_thermo_modify_colname<T>::value)
    fix->thermo_modify_colname = flag;
  else {
    (void) fix;
    (void) flag;
  }
}

}    // namespace AMORPH_NS

#endif
