/* -------------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix NONAFFINE/ATOM/REF (internal helper of compute nonaffine/atom)
------------------------------------------------------------------------- */

#include "fix_nonaffine_ref.h"

#include "amorph_compat.h"

#include "comm.h"
#include "compute_nonaffine_atom.h"
#include "error.h"
#include "modify.h"

#include <cstdio>

using namespace LAMMPS_NS;

FixNonaffineAtomRef::FixNonaffineAtomRef(LAMMPS *lmp, int narg, char **arg) : Fix(lmp, narg, arg)
{
  if (narg != 4)
    error->all(FLERR,
               "Illegal fix NONAFFINE/ATOM/REF command: it is internal to "
               "compute nonaffine/atom");
  cid = arg[3];
  restart_global = 1;
  nevery = 1;
  for (int k = 0; k < 6; ++k) h0[k] = hlast[k] = 0.0;
}

int FixNonaffineAtomRef::setmask()
{
  return FixConst::END_OF_STEP;
}

ComputeNonaffineAtom *FixNonaffineAtomRef::owner()
{
  return dynamic_cast<ComputeNonaffineAtom *>(AMORPH_NS::compute_by_id(modify, cid));
}

void FixNonaffineAtomRef::setup(int)
{
  if (auto *c = owner()) c->run_setup();
}

void FixNonaffineAtomRef::min_setup(int)
{
  if (auto *c = owner()) c->run_setup();
}

void FixNonaffineAtomRef::end_of_step()
{
  if (auto *c = owner()) c->end_of_step_hook();
}

void FixNonaffineAtomRef::write_restart(FILE *fp)
{
  if (comm->me != 0) return;
  double list[NSTATE];
  for (int k = 0; k < 6; ++k) {
    list[k] = h0[k];
    list[6 + k] = hlast[k];
  }
  list[12] = (double) ref_step;
  list[13] = (double) nreset;
  int size = NSTATE * sizeof(double);
  fwrite(&size, sizeof(int), 1, fp);
  fwrite(list, sizeof(double), NSTATE, fp);
}

void FixNonaffineAtomRef::restart(char *buf)
{
  auto *list = (double *) buf;
  for (int k = 0; k < 6; ++k) {
    h0[k] = list[k];
    hlast[k] = list[6 + k];
  }
  ref_step = (bigint) list[12];
  nreset = (bigint) list[13];
  restored = 1;
}
