/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   The one place for differences between the supported LAMMPS versions
   (oldest: 29 Sep 2021, the stable release of Debian 12 and Ubuntu 22.04;
   tested: 29 Sep 2021 Update 2, 4 Feb 2025, 4 Jul 2026).  AMORPH_LAMMPS_VERSION (yyyymmdd) is parsed from the
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
// compute rdf of 4 Jul 2026 and of 29 Sep 2021 normalises the coordination of a type pair
// entered as "J I" (J > I) by the count of J atoms (I neighbours of a J atom); 4 Feb 2025,
// which swaps such a pair to "I J", by the count of I atoms.  g(r) is the same.  compute
// pdf/aniso follows the LAMMPS it is built for (the releases that introduced and removed
// the swap were not pinned down).
#if AMORPH_LAMMPS_VERSION >= 20220623 && AMORPH_LAMMPS_VERSION < 20260704
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

// ---- LAMMPS 29 Sep 2021 ----------------------------------------------------
// Interfaces that newer LAMMPS added or renamed, with one spelling for all supported
// versions.  AMORPH_LAMMPS_2021 marks the LAMMPS before the 2022 stable release (the
// first release with all of them was not pinned down; the two tested ends are
// 29 Sep 2021 and 4 Feb 2025).
#if AMORPH_LAMMPS_VERSION < 20220623
#define AMORPH_LAMMPS_2021 1
#else
#define AMORPH_LAMMPS_2021 0
#endif

#include "comm.h"
#include "compute.h"
#include "error.h"
#include "fix.h"
#include "modify.h"
#include "utils.h"

#include <cstdio>

namespace AMORPH_NS {

// utils::missing_cmd_args (newer LAMMPS): the same message where it is missing
inline void missing_cmd_args(const std::string &file, int line, const std::string &cmd,
                             LAMMPS_NS::Error *error)
{
#if AMORPH_LAMMPS_2021
  if (error) error->all(file, line, "Illegal {} command: missing argument(s)", cmd);
#else
  LAMMPS_NS::utils::missing_cmd_args(file, line, cmd, error);
#endif
}

// Modify::get_compute_by_id / get_fix_by_id (newer LAMMPS): nullptr if there is none
inline LAMMPS_NS::Compute *compute_by_id(LAMMPS_NS::Modify *modify, const std::string &id)
{
#if AMORPH_LAMMPS_2021
  const int i = modify->find_compute(id);
  return i < 0 ? nullptr : modify->compute[i];
#else
  return modify->get_compute_by_id(id);
#endif
}

inline LAMMPS_NS::Fix *fix_by_id(LAMMPS_NS::Modify *modify, const std::string &id)
{
#if AMORPH_LAMMPS_2021
  const int i = modify->find_fix(id);
  return i < 0 ? nullptr : modify->fix[i];
#else
  return modify->get_fix_by_id(id);
#endif
}

// utils::print (newer LAMMPS) = fmt::print of the fmt bundled with LAMMPS
template <typename... Args> inline void print(FILE *fp, const std::string &format, Args &&...args)
{
#if AMORPH_LAMMPS_2021
  fmt::print(fp, format, std::forward<Args>(args)...);
#else
  LAMMPS_NS::utils::print(fp, format, std::forward<Args>(args)...);
#endif
}

// Comm::forward_comm(Compute *) / forward_comm(Fix *): forward_comm_compute/_fix in 2021
inline void forward_comm(LAMMPS_NS::Comm *comm, LAMMPS_NS::Compute *c)
{
#if AMORPH_LAMMPS_2021
  comm->forward_comm_compute(c);
#else
  comm->forward_comm(c);
#endif
}

inline void forward_comm(LAMMPS_NS::Comm *comm, LAMMPS_NS::Fix *f)
{
#if AMORPH_LAMMPS_2021
  comm->forward_comm_fix(f);
#else
  comm->forward_comm(f);
#endif
}

}    // namespace AMORPH_NS

// Per-atom storage of a style: fix STORE/ATOM (class FixStoreAtom, newer LAMMPS) was
// fix STORE with the "peratom" flavour (class FixStore) in 2021.  Both have astore
// (n > 1 values per atom) and restart_reset.
#if AMORPH_LAMMPS_2021
#include "fix_store.h"
namespace AMORPH_NS {
using FixStoreAtom = LAMMPS_NS::FixStore;
// the add_fix() arguments after "ID group": n values per atom, kept in restart files
inline std::string store_atom_args(int n)
{
  return "STORE peratom 1 " + std::to_string(n);
}
}    // namespace AMORPH_NS
#else
#include "fix_store_atom.h"
namespace AMORPH_NS {
using FixStoreAtom = LAMMPS_NS::FixStoreAtom;
inline std::string store_atom_args(int n)
{
  return "STORE/ATOM " + std::to_string(n) + " 0 0 1";
}
}    // namespace AMORPH_NS
#endif

// Type labels (labelmap, newer LAMMPS) do not exist in 2021: types are numbers there.
// is_type_label(): s is a defined type label; type_bounds(): utils::bounds of a type
// argument (number, range with *, or label).
#include "atom.h"
#if !AMORPH_LAMMPS_2021
#include "label_map.h"
#endif
namespace AMORPH_NS {
inline bool is_type_label(LAMMPS_NS::Atom *atom, const char *s)
{
#if AMORPH_LAMMPS_2021
  (void) atom;
  (void) s;
  return false;
#else
  return atom->labelmapflag && find_type_label(atom->lmap, s, LAMMPS_NS::Atom::ATOM) >= 0;
#endif
}

inline void type_bounds(const char *file, int line, const char *s, int ntypes, int &lo, int &hi,
                        LAMMPS_NS::LAMMPS *lmp)
{
#if AMORPH_LAMMPS_2021
  LAMMPS_NS::utils::bounds(file, line, s, 1, ntypes, lo, hi, lmp->error);
#else
  LAMMPS_NS::utils::bounds_typelabel(file, line, s, 1, ntypes, lo, hi, lmp, LAMMPS_NS::Atom::ATOM);
#endif
}
}    // namespace AMORPH_NS

// FixNH's rigid-body fixes: a count and indices in 2021, a vector of fixes later.  Used
// inside a member function of a FixNH subclass.
#if AMORPH_LAMMPS_2021
#define AMORPH_FIXNH_HAS_RIGID() (this->nrigid > 0)
#else
#define AMORPH_FIXNH_HAS_RIGID() (!this->rfix.empty())
#endif

#endif
