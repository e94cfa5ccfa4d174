/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   Ghost atoms as current as the owned ones, for the per-atom computes that
   read ghost positions (boop/atom, nonaffine/atom).

   During a run or minimization the communication lists are valid: a forward
   communication refreshes the ghost positions (fix deform with remap x moves
   the owned atoms at the end of a step, after the last communication).
   Between runs they may be stale or invalid: create_atoms, delete_atoms,
   change_box and read_dump drop the ghosts, displace_atoms migrates atoms
   without new lists, fix deform's last remap is not communicated.  Then the
   ghosts are rebuilt (Comm::setup + Comm::borders, as the setup of a run does,
   without migrating or reordering the owned atoms, whose coordinates stay
   bit-identical), so a value read between runs is the value of that state.
------------------------------------------------------------------------- */

#ifndef AMORPH_GHOSTS_H
#define AMORPH_GHOSTS_H

#include "atom.h"
#include "atom_vec.h"
#include "comm.h"
#include "domain.h"
#include "error.h"
#include "force.h"
#include "lammps.h"
#include "neighbor.h"
#include "pair.h"
#include "update.h"

#include <algorithm>
#include <string>
#include <vector>

namespace AMORPH {

// borders(): rebuilds the ghosts between runs; Comm::borders() by default (the Kokkos styles
// pass the host version, see src/KOKKOS/amorph_kokkos.h)
template <class Borders> inline void current_ghosts(LAMMPS_NS::LAMMPS *lmp, const Borders &borders)
{
  if (lmp->update->whichflag) {
    lmp->comm->forward_comm();
    return;
  }
  LAMMPS_NS::Atom *atom = lmp->atom;
  LAMMPS_NS::Domain *domain = lmp->domain;
  const int nlocal = atom->nlocal;
  std::vector<double> keep;
  if (domain->triclinic) {
    // borders works in fractional coordinates; the owned atoms get theirs back exactly
    keep.resize(3 * (std::size_t) nlocal);
    for (int i = 0; i < nlocal; ++i)
      std::copy(atom->x[i], atom->x[i] + 3, &keep[3 * (std::size_t) i]);
    domain->x2lamda(nlocal);
  }
  // as Comm::exchange() before Comm::borders(): drop the old ghosts (borders would
  // otherwise send them again) and their global->local map entries
  if (atom->map_style != LAMMPS_NS::Atom::MAP_NONE) atom->map_clear();
  atom->nghost = 0;
  atom->avec->clear_bonus();
  lmp->comm->setup();
  borders();
  if (domain->triclinic) {
    domain->lamda2x(atom->nlocal + atom->nghost);
    for (int i = 0; i < nlocal; ++i)
      std::copy(&keep[3 * (std::size_t) i], &keep[3 * (std::size_t) i] + 3, atom->x[i]);
  }
}

inline void current_ghosts(LAMMPS_NS::LAMMPS *lmp)
{
  current_ghosts(lmp, [lmp]() {
    lmp->comm->borders();
  });
}

// The ghost atom cutoff the next run will have, known already in init() (Comm sets its own
// cutoff only in the setup of the run): the pair cutoff plus the neighbour skin, or the
// comm_modify cutoff if larger.
inline double ghost_cutoff(LAMMPS_NS::LAMMPS *lmp)
{
  double cutghost = lmp->comm->cutghostuser;
  if (lmp->force->pair)
    cutghost = std::max(lmp->force->pair->cutforce + lmp->neighbor->skin, cutghost);
  return cutghost;
}

// Pairs closer than cutoff stay among the local and ghost atoms while the atoms move by up
// to half the neighbour skin after the ghosts were chosen, if cutoff + skin <= the ghost
// cutoff; otherwise an error naming the comm_modify cutoff that would do.  For init().
inline void require_ghost_reach(LAMMPS_NS::LAMMPS *lmp, const std::string &style, double cutoff)
{
  const double cutghost = ghost_cutoff(lmp);
  const double skin = lmp->neighbor->skin;
  if (cutoff + skin > cutghost)
    lmp->error->all(FLERR,
                    "{}: cutoff {} plus neighbor skin {} exceeds the ghost atom cutoff {}: "
                    "use comm_modify cutoff {} (or larger)",
                    style, cutoff, skin, cutghost, cutoff + skin);
}

}    // namespace AMORPH

#endif
