/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   What the /kk styles share: the check that the KOKKOS package is enabled
   in this LAMMPS instance (lmp -k on ...).  Include only from .cpp files.
------------------------------------------------------------------------- */

#ifndef AMORPH_KOKKOS_H
#define AMORPH_KOKKOS_H

#include "error.h"
#include "lammps.h"

#include <string>

namespace AMORPH_NS {

// a /kk style needs the Kokkos atom, comm and neighbor classes, which LAMMPS creates
// only when KOKKOS is enabled on the command line
inline void require_kokkos(LAMMPS_NS::LAMMPS *lmp, const std::string &style)
{
  if (!lmp->kokkos)
    lmp->error->all(FLERR,
                    "{} needs the KOKKOS package enabled: start LAMMPS with -k on "
                    "(e.g. lmp -k on t 2 -sf kk)",
                    style);
}

}    // namespace AMORPH_NS

#endif
