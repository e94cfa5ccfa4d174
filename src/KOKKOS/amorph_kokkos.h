/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   What the /kk styles share: the checks that the KOKKOS package is enabled
   in this LAMMPS instance (lmp -k on ...) and that the Kokkos library it runs
   is the one AMORPH was compiled against (version and default execution
   space, as Kokkos::print_configuration reports them).  Include only from
   .cpp files.
------------------------------------------------------------------------- */

#ifndef AMORPH_KOKKOS_H
#define AMORPH_KOKKOS_H

#include "amorph_ghosts.h"

#include "atom_kokkos.h"
#include "atom_masks.h"
#include "comm_brick.h"
#include "error.h"
#include "lammps.h"

#include <Kokkos_Core.hpp>

#include <sstream>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

namespace AMORPH_NS {

// "Kokkos Version: 3.4.1" and "Default Device: <type name>" of the running Kokkos library
// ("" where its configuration output has no such line)
inline std::string kokkos_config_value(const std::string &key)
{
  std::ostringstream out;
  Kokkos::print_configuration(out, false);
  std::istringstream in(out.str());
  std::string line;
  while (std::getline(in, line)) {
    const auto p = line.find(key + ":");
    if (p == std::string::npos) continue;
    std::string v = line.substr(p + key.size() + 1);
    const auto b = v.find_first_not_of(" \t"), e = v.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : v.substr(b, e - b + 1);
  }
  return {};
}

// the version of the Kokkos headers AMORPH was compiled with, as Kokkos writes it
inline std::string compiled_kokkos_version()
{
  return std::to_string(KOKKOS_VERSION / 10000) + "." +
      std::to_string((KOKKOS_VERSION % 10000) / 100) + "." + std::to_string(KOKKOS_VERSION % 100);
}

// a /kk style needs the Kokkos atom, comm and neighbor classes, which LAMMPS creates only
// when KOKKOS is enabled on the command line, and the Kokkos that AMORPH was built for
inline void require_kokkos(LAMMPS_NS::LAMMPS *lmp, const std::string &style)
{
  if (!lmp->kokkos)
    lmp->error->all(FLERR,
                    "{} needs the KOKKOS package enabled: start LAMMPS with -k on "
                    "(e.g. lmp -k on t 2 -sf kk)",
                    style);
  const std::string version = kokkos_config_value("Kokkos Version");
  if (!version.empty() && version != compiled_kokkos_version())
    lmp->error->all(FLERR,
                    "{}: AMORPH was compiled against Kokkos {}, but this LAMMPS runs Kokkos {}: "
                    "build AMORPH against the Kokkos of this LAMMPS (doc/src/Kokkos.rst)",
                    style, compiled_kokkos_version(), version);
  // Kokkos writes the type name (3.4) or the space's name(): either matches
  const std::string device = kokkos_config_value("Default Device");
  const std::string compiled = Kokkos::DefaultExecutionSpace::name();
  if (!device.empty() && device != compiled &&
      device != typeid(Kokkos::DefaultExecutionSpace).name())
    lmp->error->all(FLERR,
                    "{}: AMORPH was compiled for the Kokkos default execution space {}, but this "
                    "LAMMPS runs {}: build AMORPH against the Kokkos of this LAMMPS "
                    "(doc/src/Kokkos.rst)",
                    style, compiled, device);
}

// AMORPH::current_ghosts() for a /kk style: during a run the KOKKOS forward communication
// (on the device; it marks the positions modified there), between runs the ghosts rebuilt
// on the host (the classic Comm::borders() on host data, as KOKKOS does itself when its own
// border communication cannot be used), the host data then marked modified
inline void current_ghosts_kokkos(LAMMPS_NS::LAMMPS *lmp)
{
  if (lmp->update->whichflag) {
    AMORPH::current_ghosts(lmp);
    return;
  }
  auto *atomKK = (LAMMPS_NS::AtomKokkos *) lmp->atom;
  atomKK->sync(LAMMPS_NS::Host, ALL_MASK);
  auto *brick = dynamic_cast<LAMMPS_NS::CommBrick *>(lmp->comm);
  AMORPH::current_ghosts(lmp, [lmp, brick]() {
    if (brick)
      brick->LAMMPS_NS::CommBrick::borders();
    else
      lmp->comm->borders();
  });
  atomKK->modified(LAMMPS_NS::Host, ALL_MASK);
}

// n host values -> device view d of at least n entries (reallocated when smaller; never
// empty, so that its data() is valid)
template <class T, class View> void upload(const T *h, std::size_t n, View &d, const char *name)
{
  if (d.extent(0) < n || d.extent(0) == 0) d = View(std::string(name), n > 0 ? n : 1);
  if (n == 0) return;
  Kokkos::View<const T *, Kokkos::HostSpace, Kokkos::MemoryUnmanaged> src(h, n);
  Kokkos::deep_copy(Kokkos::subview(d, std::make_pair((std::size_t) 0, n)), src);
}

template <class T, class View> void upload(const std::vector<T> &h, View &d, const char *name)
{
  upload(h.data(), h.size(), d, name);
}

// a LayoutRight device view d of at least nrow x ncol (reallocated when smaller or of
// another width; never empty)
template <class View>
void ensure_rows(View &d, std::size_t nrow, std::size_t ncol, const char *name)
{
  if (d.extent(0) < nrow || d.extent(1) != ncol || d.extent(0) == 0)
    d = View(std::string(name), nrow > 0 ? nrow : 1, ncol);
}

// host rows (h: nrow x ncol doubles, row-major) -> rows first .. first+nrow-1 of the
// LayoutRight device view d (made large enough; a reallocation drops the rows before first)
template <class View>
void upload_rows(const double *h, std::size_t first, std::size_t nrow, std::size_t ncol, View &d,
                 const char *name)
{
  ensure_rows(d, first + nrow, ncol, name);
  if (nrow == 0) return;
  Kokkos::View<const double **, Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>
      src(h, nrow, ncol);
  Kokkos::deep_copy(Kokkos::subview(d, std::make_pair(first, first + nrow), Kokkos::ALL), src);
}

// rows 0..nrow-1 of the LayoutRight device view d -> host rows h (row-major, d's width)
template <class View> void download_rows(const View &d, std::size_t nrow, double *h)
{
  if (nrow == 0) return;
  Kokkos::View<double **, Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryUnmanaged> dst(
      h, nrow, d.extent(1));
  Kokkos::deep_copy(dst, Kokkos::subview(d, std::make_pair((std::size_t) 0, nrow), Kokkos::ALL));
}

// rows 0..nrow-1 of the LayoutRight device view d (made at least nrow x ncol) zeroed
template <class View> void zero_rows(View &d, std::size_t nrow, std::size_t ncol, const char *name)
{
  ensure_rows(d, nrow, ncol, name);
  if (nrow > 0)
    Kokkos::deep_copy(Kokkos::subview(d, std::make_pair((std::size_t) 0, nrow), Kokkos::ALL), 0.0);
}

// out(c) = v(i, c): one row of a device array as the output accessor of the per-atom kernels
template <class View> struct DeviceRow {
  View v;
  int i;
  KOKKOS_INLINE_FUNCTION double &operator()(int c) const { return v(i, c); }
};

}    // namespace AMORPH_NS

#endif
