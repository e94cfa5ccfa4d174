/* -------------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   compute nonaffine/atom (see doc/src/compute_nonaffine_atom.rst)

   Reference state
   * per atom (internal fix STORE/ATOM, migrates with the atoms and goes to
     restart files): the UNWRAPPED reference position X0 and the number n0 of
     reference neighbours within the cutoff (-1 while not yet counted);
   * global (internal helper fix NONAFFINE/ATOM/REF, restart files): the
     reference box H0, expressed in the lattice basis of the CURRENT box (box
     flips of triclinic boxes change the basis; the helper detects them every
     step and applies the same change of basis to H0), the last box seen and
     the reference step.  The helper also runs the reset schedule at the end
     of each step.

   Periodic images.  With H the current box (lattice vectors as columns) and
   img_i the image flags of atom i, the current unwrapped position is
   X_i = x_i + H img_i.  A ghost j, copy of atom J shifted by the lattice
   vector H m (m from the communication pattern), sits at
   x_j = X_J + H k_j with k_j = m - img_J.  Its reference position in the
   SAME periodic image is xr_j = X0_J + H0 k_j, and for a local atom
   xr_i = X0_i - H0 img_i.  Then for any pair
     d0 = xr_j - xr_i = X0_J - X0_i + H0 n,   d = x_j - x_i = X_J - X_i + H n
   with one integer image n: the reference bond (any periodic image within
   the cutoff in the reference box, so the minimum image in ordinary boxes)
   and the current bond with the same image.  xr is filled for local atoms
   and sent to ghosts by forward communication with the lattice shift
   H0 m, exactly as LAMMPS shifts x by H m.  Atoms crossing boundaries
   change img and k together, so nothing depends on where they are wrapped.

   Reference neighbours of a local atom i are all local or ghost j with
   |xr_j - xr_i| < rc (cell list on xr).  A reference neighbour that has
   moved beyond the ghost shell is detected by comparing with n0, counted
   when the reference was taken (or, if it was taken between runs, at the
   next setup after checking that the ghost shell must contain every
   reference neighbour).
------------------------------------------------------------------------- */

#include "compute_nonaffine_atom.h"
#include "fix_nonaffine_ref.h"

#include "amorph_args.h"
#include "amorph_compat.h"
#include "amorph_ghosts.h"
#include "box_frame.h"
#include "nonaffine_kernel.h"

#include "atom.h"
#include "citeme.h"
#include "comm.h"
#include "domain.h"
#include "error.h"
#include "fix.h"
#include "force.h"
#include "group.h"
#include "input.h"
#include "memory.h"
#include "modify.h"
#include "neighbor.h"
#include "pair.h"
#include "update.h"
#include "variable.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace LAMMPS_NS;

// the per-atom array of the internal fix STORE/ATOM
static double **store_array(Fix *store)
{
  return static_cast<AMORPH_NS::FixStoreAtom *>(store)->astore;
}
namespace NA = AMORPH::nonaffine;

static const char REF_STYLE[] = "NONAFFINE/ATOM/REF";
static const char STYLE[] = "Compute nonaffine/atom";

static const char cite_nonaffine[] =
    "compute nonaffine/atom (AMORPH): doi:10.1103/PhysRevE.57.7192, "
    "doi:10.2320/matertrans.MB200713\n\n"
    "@Article{FalkLanger98,\n author = {M. L. Falk and J. S. Langer},\n"
    " title = {Dynamics of Viscoplastic Deformation in Amorphous Solids},\n"
    " journal = {Phys.\\ Rev.~E}, year = 1998, volume = 57, pages = {7192}\n}\n\n"
    "@Article{Shimizu07,\n author = {F. Shimizu and S. Ogata and J. Li},\n"
    " title = {Theory of Shear Banding in Metallic Glasses and Molecular Dynamics "
    "Calculations},\n journal = {Mater.\\ Trans.}, year = 2007, volume = 48, pages = {2923}\n}\n\n";

// lattice vector k0 a + k1 b + k2 c of a box in LAMMPS h order
static inline void lattice_shift(const double *h, double k0, double k1, double k2, double *s)
{
  s[0] = k0 * h[0] + k1 * h[5] + k2 * h[4];
  s[1] = k1 * h[1] + k2 * h[3];
  s[2] = k2 * h[2];
}

static inline void image_of(imageint im, int &xb, int &yb, int &zb)
{
  xb = (im & IMGMASK) - IMGMAX;
  yb = (im >> IMGBITS & IMGMASK) - IMGMAX;
  zb = (im >> IMG2BITS) - IMGMAX;
}

/* ---------------------------------------------------------------------- */

ComputeNonaffineAtom::ComputeNonaffineAtom(LAMMPS *lmp, int narg, char **arg) :
    Compute(lmp, narg, arg), cutoff(0.0), cutsq(0.0), reset_mode(RESET_NONE), reset_every(0),
    ivar(-1), lost_mode(LOST_ERROR), defgrad_flag(0), strain_flag(0), col_F(-1), col_strain(-1),
    store(nullptr), ref(nullptr), frozen_step(-1), nmax(0), out(nullptr), xr(nullptr),
    bonds_valid(false), bonds_lastcall(-1), bonds_nreset(-1), bonds_nlocal(-1),
    bonds_nghost(-1), bonds_h0{0, 0, 0, 0, 0, 0}
{
  if (lmp->citeme) lmp->citeme->add(cite_nonaffine);
  if (domain->dimension != 3)
    error->all(FLERR, "{}: 2d simulations are not supported (the deformation gradient is 3x3)",
               STYLE);

  const AMORPH::StyleArgs args(lmp, STYLE);
  if (narg < 5) AMORPH_NS::missing_cmd_args(FLERR, "compute nonaffine/atom", error);
  if (strcmp(arg[3], "cutoff") != 0)
    error->all(FLERR, "{}: expected 'cutoff rc' after the style name, got '{}'", STYLE, arg[3]);
  cutoff = args.number("cutoff", arg[4]);
  if (!(cutoff > 0.0)) error->all(FLERR, "{}: cutoff must be > 0, got {}", STYLE, arg[4]);
  cutsq = cutoff * cutoff;

  auto yesno = [&](int iarg, const char *kw) {
    if (iarg + 1 >= narg) AMORPH_NS::missing_cmd_args(FLERR, std::string(STYLE) + " " + kw, error);
    return args.logical(kw, arg[iarg + 1]) ? 1 : 0;
  };
  int iarg = 5;
  while (iarg < narg) {
    const std::string kw = arg[iarg];
    if (kw == "reset") {
      if (iarg + 1 >= narg)
        AMORPH_NS::missing_cmd_args(FLERR, std::string(STYLE) + " reset", error);
      const std::string v = arg[iarg + 1];
      if (v == "no") {
        reset_mode = RESET_NONE;
        iarg += 2;
      } else if (v == "every") {
        if (iarg + 2 >= narg)
          AMORPH_NS::missing_cmd_args(FLERR, std::string(STYLE) + " reset every", error);
        reset_every = args.big("reset every", arg[iarg + 2]);
        if (reset_every <= 0)
          error->all(FLERR, "{}: reset every N needs N > 0, got {}", STYLE, arg[iarg + 2]);
        reset_mode = RESET_EVERY;
        iarg += 3;
      } else if (utils::strmatch(v, "^v_")) {
        reset_var = v.substr(2);
        reset_mode = RESET_VARIABLE;
        iarg += 2;
      } else {
        error->all(FLERR, "{}: reset must be 'no', 'every N' or 'v_name', got '{}'", STYLE, v);
      }
    } else if (kw == "lost") {
      if (iarg + 1 >= narg) AMORPH_NS::missing_cmd_args(FLERR, std::string(STYLE) + " lost", error);
      const std::string v = arg[iarg + 1];
      if (v == "error")
        lost_mode = LOST_ERROR;
      else if (v == "warn")
        lost_mode = LOST_WARN;
      else
        error->all(FLERR, "{}: lost must be 'error' or 'warn', got '{}'", STYLE, v);
      iarg += 2;
    } else if (kw == "defgrad") {
      defgrad_flag = yesno(iarg, "defgrad");
      iarg += 2;
    } else if (kw == "strain") {
      strain_flag = yesno(iarg, "strain");
      iarg += 2;
    } else {
      error->all(FLERR, "{}: unknown keyword '{}'", STYLE, kw);
    }
  }
  if (reset_mode == RESET_VARIABLE) {
    ivar = input->variable->find(reset_var.c_str());
    if (ivar < 0) error->all(FLERR, "{}: reset variable '{}' does not exist", STYLE, reset_var);
    if (!input->variable->equalstyle(ivar))
      error->all(FLERR, "{}: reset variable '{}' is not an equal-style variable", STYLE, reset_var);
  }

  int ncol = 5;
  if (defgrad_flag) {
    col_F = ncol;
    ncol += 9;
  }
  if (strain_flag) {
    col_strain = ncol;
    ncol += 6;
  }
  peratom_flag = 1;
  size_peratom_cols = ncol;
  create_attribute = 1;
  comm_forward = 3;

  // internal fixes: per-atom reference (STORE/ATOM: X0 x y z, n0; no ghosts, restart yes)
  // and the helper fix NONAFFINE/ATOM/REF (global state + reset schedule)
  id_store = std::string(id) + "_NONAFFINE_STORE";
  id_ref = std::string(id) + "_NONAFFINE_REF";
  store = dynamic_cast<AMORPH_NS::FixStoreAtom *>(
      modify->add_fix(id_store + " all " + AMORPH_NS::store_atom_args(4)));
  Fix *f = modify->add_fix(fmt::format("{} all {} {}", id_ref, REF_STYLE, id));
  ref = dynamic_cast<FixNonaffineAtomRef *>(f);
  if (!store || !ref) error->all(FLERR, "{}: could not create its internal fixes", STYLE);

  const bool got_store = store->restart_reset != 0;
  store->restart_reset = 0;
  if (got_store && ref->restored) {
    // continue with the reference read from the restart file
  } else {
    if (got_store != (ref->restored != 0) && comm->me == 0)
      error->warning(FLERR,
                     "{} {}: restart file holds only part of its reference state: "
                     "taking the current configuration as the new reference",
                     STYLE, id);
    capture_reference();
  }
  ref->restored = 0;
}

/* ---------------------------------------------------------------------- */

ComputeNonaffineAtom::~ComputeNonaffineAtom()
{
  // the fixes may already be gone when LAMMPS is being destroyed
  if (modify->nfix) {
    if (AMORPH_NS::fix_by_id(modify, id_ref)) modify->delete_fix(id_ref);
    if (AMORPH_NS::fix_by_id(modify, id_store)) modify->delete_fix(id_store);
  }
  memory->destroy(out);
  memory->destroy(xr);
}

/* ---------------------------------------------------------------------- */

void ComputeNonaffineAtom::find_fixes()
{
  store = dynamic_cast<AMORPH_NS::FixStoreAtom *>(AMORPH_NS::fix_by_id(modify, id_store));
  ref = dynamic_cast<FixNonaffineAtomRef *>(AMORPH_NS::fix_by_id(modify, id_ref));
  if (!store || !ref)
    error->all(FLERR, "{} {}: its internal fixes {} / {} were deleted", STYLE, id, id_store,
               id_ref);
}

void ComputeNonaffineAtom::init()
{
  bonds_valid = false;    // a new run: the atoms may have other indices
  find_fixes();
  if (domain->dimension != 3) error->all(FLERR, "{}: 2d simulations are not supported", STYLE);
  AMORPH::require_ghost_reach(lmp, STYLE, cutoff);
  if (reset_mode == RESET_VARIABLE) {
    ivar = input->variable->find(reset_var.c_str());
    if (ivar < 0) error->all(FLERR, "{}: reset variable '{}' does not exist", STYLE, reset_var);
    if (!input->variable->equalstyle(ivar))
      error->all(FLERR, "{}: reset variable '{}' is not an equal-style variable", STYLE, reset_var);
  }
}

/* ----------------------------------------------------------------------
   current configuration -> reference: X0 = unwrapped x, H0 = current box;
   the neighbour counts are taken at the next frame preparation
------------------------------------------------------------------------- */

void ComputeNonaffineAtom::capture_reference()
{
  sync_host_atoms();    // (from the constructor: the plain no-op; host data are current then)
  double **x0 = store_array(store);
  double **x = atom->x;
  imageint *image = atom->image;
  const int nlocal = atom->nlocal;
  for (int i = 0; i < nlocal; ++i) {
    domain->unmap(x[i], image[i], x0[i]);
    x0[i][3] = -1.0;
  }
  for (int k = 0; k < 6; ++k) ref->h0[k] = ref->hlast[k] = domain->h[k];
  ref->ref_step = update->ntimestep;
  ref->nreset++;
}

void ComputeNonaffineAtom::set_arrays(int i)
{
  // atoms created after the reference: reference = creation position, counted later
  if (!store) return;
  double **x0 = store_array(store);
  domain->unmap(atom->x[i], atom->image[i], x0[i]);
  x0[i][3] = -1.0;
}

/* ----------------------------------------------------------------------
   box flips (triclinic) change the lattice basis: apply the same change
   to the reference box (flips detected as in kernels/box_frame.h)
------------------------------------------------------------------------- */

void ComputeNonaffineAtom::track_box()
{
  double *h = domain->h;
  double *hl = ref->hlast;
  double *h0 = ref->h0;
  if (domain->triclinic) {
    const AMORPH::box::Flip f =
        AMORPH::box::detect_flip(h, hl, domain->xperiodic, domain->yperiodic);
    const long p = f.p, n = f.n, m = f.m;
    if (f.any()) {
      h0[4] += p * h0[5] + n * h0[0];    // c0 += p b0 + n a0 (old b0)
      h0[3] += p * h0[1];
      h0[5] += m * h0[0];    // b0 += m a0
    }
  }
  for (int k = 0; k < 6; ++k) hl[k] = h[k];
}

/* ----------------------------------------------------------------------
   reference positions in the current periodic images for local and ghost
   atoms, then the cell list on them
------------------------------------------------------------------------- */

void ComputeNonaffineAtom::sync_frame()
{
  // ghost positions as current as the owned ones (see amorph_ghosts.h); first, since
  // rebuilding the ghosts between runs may grow the atom arrays
  refresh_ghosts();
  if (atom->nmax > nmax) {
    memory->destroy(out);
    memory->destroy(xr);
    nmax = atom->nmax;
    memory->create(out, nmax, size_peratom_cols, "nonaffine/atom:out");
    memory->create(xr, nmax, 3, "nonaffine/atom:xr");
    array_atom = out;
  }
  track_box();
}

void ComputeNonaffineAtom::refresh_ghosts()
{
  AMORPH::current_ghosts(lmp);
}

/* ----------------------------------------------------------------------
   the reference bonds afresh: reference positions in the current periodic
   images (local + ghost), their cell list, the pending neighbour counts,
   the bond list
------------------------------------------------------------------------- */

void ComputeNonaffineAtom::rebuild_bonds()
{
  sync_host_atoms();
  reference_positions();
  resolve_pending_counts();
  build_bonds();
}

void ComputeNonaffineAtom::reference_positions()
{
  double **x0 = store_array(store);
  imageint *image = atom->image;
  const double *h0 = ref->h0;
  const int nlocal = atom->nlocal;
  for (int i = 0; i < nlocal; ++i) {
    int xb, yb, zb;
    image_of(image[i], xb, yb, zb);
    double s[3];
    lattice_shift(h0, -xb, -yb, -zb, s);
    xr[i][0] = x0[i][0] + s[0];
    xr[i][1] = x0[i][1] + s[1];
    xr[i][2] = x0[i][2] + s[2];
  }
  AMORPH_NS::forward_comm(comm, this);
  cells.build(xr, nlocal + atom->nghost, cutoff);
}

int ComputeNonaffineAtom::pack_forward_comm(int n, int *list, double *buf, int pbc_flag, int *pbc)
{
  int m = 0;
  double s[3] = {0.0, 0.0, 0.0};
  if (pbc_flag) lattice_shift(ref->h0, pbc[0], pbc[1], pbc[2], s);
  for (int k = 0; k < n; ++k) {
    const double *r = xr[list[k]];
    buf[m++] = r[0] + s[0];
    buf[m++] = r[1] + s[1];
    buf[m++] = r[2] + s[2];
  }
  return m;
}

void ComputeNonaffineAtom::unpack_forward_comm(int n, int first, double *buf)
{
  int m = 0;
  for (int i = first; i < first + n; ++i) {
    xr[i][0] = buf[m++];
    xr[i][1] = buf[m++];
    xr[i][2] = buf[m++];
  }
}

/* ----------------------------------------------------------------------
   count the reference neighbours of atoms whose count is pending.  Only
   allowed if the ghost shell must contain all of them: with
   A = H H0^-1 (box deformation since the reference) and v = X - A X0
   (displacement beyond the box's affine map), a reference bond d0 is now
   d = A d0 + v_j - v_i, so |d| <= |A| rc + |range of v| must fit within
   the ghost cutoff minus the skin.  True when the reference was just taken.
------------------------------------------------------------------------- */

void ComputeNonaffineAtom::resolve_pending_counts()
{
  double **x0 = store_array(store);
  const int nlocal = atom->nlocal;
  const int *mask = atom->mask;
  bigint npend = 0, all = 0;
  for (int i = 0; i < nlocal; ++i)
    if ((mask[i] & groupbit) && x0[i][3] < 0.0) ++npend;
  MPI_Allreduce(&npend, &all, 1, MPI_LMP_BIGINT, MPI_SUM, world);
  if (all == 0) return;

  // A = Hc H0^-1, non-periodic directions left undeformed
  const double *h = domain->h;
  const double *h0 = ref->h0;
  double Hc[9] = {h[0], h[5], h[4], 0.0, h[1], h[3], 0.0, 0.0, h[2]};
  const double H0[9] = {h0[0], h0[5], h0[4], 0.0, h0[1], h0[3], 0.0, 0.0, h0[2]};
  const int per[3] = {domain->xperiodic, domain->yperiodic, domain->zperiodic};
  for (int c = 0; c < 3; ++c)
    if (!per[c])
      for (int r = 0; r < 3; ++r) Hc[3 * r + c] = H0[3 * r + c];
  double H0inv[9], A[9];
  NA::invert3(H0, H0inv, 1e-300);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      A[3 * r + c] =
          Hc[3 * r] * H0inv[c] + Hc[3 * r + 1] * H0inv[3 + c] + Hc[3 * r + 2] * H0inv[6 + c];
  double **x = atom->x;
  imageint *image = atom->image;
  if (!per[0] && !per[1] && !per[2]) {
    // no periodic images: A = least-squares affine map of the whole system (e.g. a
    // rotated cluster), which only tightens the bound
    double sums[25] = {0.0};
    for (int i = 0; i < nlocal; ++i) {
      const double *X = x[i], *Y = x0[i];
      sums[0] += 1.0;
      for (int a = 0; a < 3; ++a) {
        sums[1 + a] += X[a];
        sums[4 + a] += Y[a];
        for (int b = 0; b < 3; ++b) {
          sums[7 + 3 * a + b] += X[a] * Y[b];
          sums[16 + 3 * a + b] += Y[a] * Y[b];
        }
      }
    }
    double g[25];
    MPI_Allreduce(sums, g, 25, MPI_DOUBLE, MPI_SUM, world);
    if (g[0] > 3.0) {
      double C[9], S[9], Sinv[9];
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) {
          C[3 * a + b] = g[7 + 3 * a + b] - g[1 + a] * g[4 + b] / g[0];
          S[3 * a + b] = g[16 + 3 * a + b] - g[4 + a] * g[4 + b] / g[0];
        }
      if (NA::invert3(S, Sinv))
        for (int r = 0; r < 3; ++r)
          for (int c = 0; c < 3; ++c)
            A[3 * r + c] =
                C[3 * r] * Sinv[c] + C[3 * r + 1] * Sinv[3 + c] + C[3 * r + 2] * Sinv[6 + c];
    }
  }
  double AtA[9], ev[3], evec[9];
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      AtA[3 * r + c] = A[r] * A[c] + A[3 + r] * A[3 + c] + A[6 + r] * A[6 + c];
  NA::symmetric_eigen3(AtA, ev, evec);
  const double normA = std::sqrt(std::max(ev[0], 0.0));

  double vmin[3], vmax[3];
  for (int d = 0; d < 3; ++d) {
    vmin[d] = std::numeric_limits<double>::max();
    vmax[d] = -std::numeric_limits<double>::max();
  }
  for (int i = 0; i < nlocal; ++i) {
    double X[3];
    domain->unmap(x[i], image[i], X);
    for (int d = 0; d < 3; ++d) {
      const double v =
          X[d] - (A[3 * d] * x0[i][0] + A[3 * d + 1] * x0[i][1] + A[3 * d + 2] * x0[i][2]);
      vmin[d] = std::min(vmin[d], v);
      vmax[d] = std::max(vmax[d], v);
    }
  }
  double gmin[3], gmax[3];
  MPI_Allreduce(vmin, gmin, 3, MPI_DOUBLE, MPI_MIN, world);
  MPI_Allreduce(vmax, gmax, 3, MPI_DOUBLE, MPI_MAX, world);
  double range = 0.0;
  for (int d = 0; d < 3; ++d) range += (gmax[d] - gmin[d]) * (gmax[d] - gmin[d]);
  range = std::sqrt(range);
  const double need = normA * cutoff + range + neighbor->skin;
  const double cutghost = AMORPH::ghost_cutoff(lmp);
  if (need > cutghost * (1.0 + 1e-12))
    error->all(FLERR,
               "{} {}: cannot count the reference neighbours of {} atoms: the configuration "
               "moved too far from the reference taken between runs (box stretch {:.4g}, "
               "relative displacements up to {:.4g}) for the ghost cutoff {}: use comm_modify "
               "cutoff {:.4g} (or larger), or take the reference during a run",
               STYLE, id, all, normA, range, cutghost, need);

  for (int i = 0; i < nlocal; ++i) {
    if (!(mask[i] & groupbit) || x0[i][3] >= 0.0) continue;
    int cnt = 0;
    cells.for_each_neighbor(i, [&](int, double, double, double, double) {
      ++cnt;
    });
    x0[i][3] = cnt;
  }
}

/* ---------------------------------------------------------------------- */

void ComputeNonaffineAtom::run_setup()
{
  frozen_step = -1;
  find_fixes();
  sync_frame();
  rebuild_bonds();
}

void ComputeNonaffineAtom::end_of_step_hook()
{
  track_box();
  bool reset = false;
  const bigint step = update->ntimestep;
  if (reset_mode == RESET_EVERY) {
    reset = (step % reset_every == 0) && step != ref->ref_step;
  } else if (reset_mode == RESET_VARIABLE) {
    modify->clearstep_compute();
    const double v = input->variable->compute_equal(ivar);
    modify->addstep_compute(step + 1);
    reset = (v != 0.0);
  }
  if (!reset) return;
  // values of this step are those with the old reference: compute them now (consumers
  // later in this step get them since invoked_peratom == step), then reset
  if (invoked_peratom != step) compute_peratom();
  capture_reference();
  frozen_step = step;
  sync_frame();
  rebuild_bonds();
}

/* ---------------------------------------------------------------------- */

int ComputeNonaffineAtom::modify_param(int narg, char **arg)
{
  if (strcmp(arg[0], "reference") == 0) {
    if (narg < 2) AMORPH_NS::missing_cmd_args(FLERR, "compute_modify reference", error);
    if (strcmp(arg[1], "now") != 0)
      error->all(FLERR, "{}: compute_modify reference takes 'now', got '{}'", STYLE, arg[1]);
    find_fixes();
    capture_reference();
    frozen_step = -1;
    return AMORPH_NS::consumed_compute_modify_args(arg, 2, dynamic_user);
  }
  return 0;
}

/* ---------------------------------------------------------------------- */

/* ----------------------------------------------------------------------
   the reference bonds are kept between evaluations while the atoms keep their
   local and ghost indices: within one run (init() drops them), without
   reneighbouring (neighbor->lastcall), with the same reference and box basis
------------------------------------------------------------------------- */

bool ComputeNonaffineAtom::bonds_current()
{
  int ok = bonds_valid && update->whichflag != 0 && neighbor->lastcall == bonds_lastcall &&
      ref->nreset == bonds_nreset && atom->nlocal == bonds_nlocal && atom->nghost == bonds_nghost;
  for (int k = 0; k < 6 && ok; ++k) ok = ref->h0[k] == bonds_h0[k];
  int all = 0;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, world);
  return all != 0;
}

void ComputeNonaffineAtom::build_bonds()
{
  const int nlocal = atom->nlocal;
  const int *mask = atom->mask;
  double **x0 = store_array(store);
  bond_atom.clear();
  bond_need.clear();
  bond_first.assign(1, 0);
  bond_j.clear();
  bond_d0.clear();
  // local atoms in cell-list order: their neighbours are close in memory
  for (const int i : cells.order()) {
    if (i >= nlocal || !(mask[i] & groupbit)) continue;
    bond_atom.push_back(i);
    bond_need.push_back((int) x0[i][3]);
    cells.for_each_neighbor(i, [&](int j, double dx, double dy, double dz, double) {
      bond_j.push_back(j);
      bond_d0.push_back(dx);
      bond_d0.push_back(dy);
      bond_d0.push_back(dz);
    });
    bond_first.push_back((int) bond_j.size());
  }
  bonds_valid = update->whichflag != 0;
  bonds_lastcall = neighbor->lastcall;
  bonds_nreset = ref->nreset;
  bonds_nlocal = nlocal;
  bonds_nghost = atom->nghost;
  for (int k = 0; k < 6; ++k) bonds_h0[k] = ref->h0[k];
  bonds_built();
}

void ComputeNonaffineAtom::compute_peratom()
{
  // at a reset step the values were computed with the previous reference just before
  // the reset: keep them for every consumer of this step
  if (frozen_step == update->ntimestep) {
    invoked_peratom = update->ntimestep;
    return;
  }
  invoked_peratom = update->ntimestep;
  find_fixes();
  sync_frame();
  if (!bonds_current()) rebuild_bonds();
  const bigint nlost = evaluate_bonds();
  bigint all = 0;
  MPI_Allreduce(&nlost, &all, 1, MPI_LMP_BIGINT, MPI_SUM, world);
  if (all > 0) {
    const std::string msg = fmt::format(
        "{} {}: {} atoms lost reference neighbours (they moved beyond the ghost atom cutoff {} "
        "since the reference of step {}, or atoms were deleted): increase comm_modify cutoff, "
        "reset the reference more often (reset keyword, compute_modify {} reference now) or "
        "use a smaller cutoff",
        STYLE, id, all, AMORPH::ghost_cutoff(lmp), ref->ref_step, id);
    if (lost_mode == LOST_ERROR)
      error->all(FLERR, "{}", msg);
    else if (comm->me == 0)
      error->warning(FLERR, "{}; their values are 0 with flag -1", msg);
  }
}

/* ----------------------------------------------------------------------
   the output rows of the local atoms from the bond list (kernels/nonaffine_kernel.h);
   returns the number of local atoms that lost reference neighbours
------------------------------------------------------------------------- */

bigint ComputeNonaffineAtom::evaluate_bonds()
{
  const int ncol = size_peratom_cols;
  if (atom->nlocal > 0) memset(&out[0][0], 0, sizeof(double) * atom->nlocal * ncol);
  const AMORPH::Rows x{atom->x};
  const AMORPH::Flat bj{bond_j.data()};
  const AMORPH::Strided<3> d0{bond_d0.data()};
  bigint nlost = 0;
  const int nat = (int) bond_atom.size();
  for (int a = 0; a < nat; ++a) {
    const int i = bond_atom[a];
    if (NA::evaluate_bonds(x, i, bj, d0, bond_first[a], bond_first[a + 1], bond_need[a], col_F,
                           col_strain, AMORPH::Row{out[i]}))
      ++nlost;
  }
  return nlost;
}

/* ---------------------------------------------------------------------- */

double ComputeNonaffineAtom::memory_usage()
{
  double bytes = (double) nmax * size_peratom_cols * sizeof(double);
  bytes += (double) nmax * 3 * sizeof(double);
  bytes += cells.memory_usage();
  bytes += (double) (bond_atom.capacity() + bond_need.capacity() + bond_first.capacity() +
                     bond_j.capacity()) *
      sizeof(int);
  bytes += (double) bond_d0.capacity() * sizeof(double);
  return bytes;
}
