/* -------------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   compute pdf/aniso (see doc/src/compute_pdf_aniso.rst)

   Each pair of group atoms within the cutoff is counted once over all ranks: a
   local atom i takes the neighbours j (local or ghost, from a cell list over
   local + ghost atoms) with tag(j) > tag(i); a pair between two periodic images
   of the same atom is taken once by the sign of its vector.  Every pair adds to
   the sets of both orders (i,j) and (j,i), as compute rdf counts them, so g0
   equals compute rdf for the same bins.  The histograms hold integer counts and
   P2 sums; they are summed over ranks with MPI_Allreduce.
------------------------------------------------------------------------- */

#include "compute_pdf_aniso.h"

#include "amorph_args.h"
#include "amorph_compat.h"
#include "amorph_ghosts.h"
#include "pdf_kernel.h"

#include "atom.h"
#include "citeme.h"
#include "comm.h"
#include "domain.h"
#include "error.h"
#include "memory.h"
#include "neighbor.h"
#include "update.h"

#include <cmath>
#include <cstring>
#include <exception>
#include <string>

using namespace LAMMPS_NS;
using AMORPH::pdf::AnisoHistogram;
using AMORPH::pdf::Target;

static const char cite_pdf[] =
    "compute pdf/aniso (AMORPH): doi:10.1103/PhysRevLett.128.155501\n\n"
    "@Article{Wang22,\n author = {H. Wang and W. Dmowski and Y. Tong and Z. Wang and "
    "Y. Yokoyama and J. Ketkaew and J. Schroers and T. Egami},\n"
    " title = {Nonaffine Strains Control Ductility of Metallic Glasses},\n"
    " journal = {Phys.\\ Rev.\\ Lett.}, year = 2022, volume = 128, pages = {155501}\n}\n\n";

static const std::string STYLE = "Compute pdf/aniso";

/* ---------------------------------------------------------------------- */

ComputePdfAniso::ComputePdfAniso(LAMMPS *lmp, int narg, char **arg) :
    Compute(lmp, narg, arg), nbin(0), axis(2), npairs(0), nset(1), ncol_set(4), rc(0.0), affine(0),
    spline(0), aff_eps(0.0), aff_nu(0.0), initialised(false)
{
  if (lmp->citeme) lmp->citeme->add(cite_pdf);
  const AMORPH::StyleArgs args(lmp, STYLE);

  if (narg < 7) AMORPH_NS::missing_cmd_args(FLERR, STYLE + " (Nbin rc axis x|y|z)", error);
  nbin = args.integer("Nbin", arg[3]);
  if (nbin <= 0) error->all(FLERR, "{}: Nbin must be > 0, got {}", STYLE, nbin);
  rc = args.number("rc", arg[4]);
  if (rc <= 0.0) error->all(FLERR, "{}: rc must be > 0, got {}", STYLE, rc);
  if (strcmp(arg[5], "axis") != 0)
    error->all(FLERR, "{}: expected 'axis x|y|z' after rc, got '{}'", STYLE, arg[5]);
  if (strcmp(arg[6], "x") == 0)
    axis = 0;
  else if (strcmp(arg[6], "y") == 0)
    axis = 1;
  else if (strcmp(arg[6], "z") == 0)
    axis = 2;
  else
    error->all(FLERR, "{}: axis must be x, y or z, got '{}'", STYLE, arg[6]);
  if (domain->dimension != 3) error->all(FLERR, "{} works in 3d only", STYLE);

  const int ntypes = atom->ntypes;
  auto is_keyword = [](const char *s) {
    return strcmp(s, "weights") == 0 || strcmp(s, "affine") == 0 || strcmp(s, "bins") == 0;
  };

  // type pairs
  int iarg = 7;
  std::vector<const char *> types;
  while (iarg < narg && !is_keyword(arg[iarg])) types.push_back(arg[iarg++]);
  if (types.size() % 2)
    error->all(FLERR, "{}: atom types must come in pairs, got {} type argument(s)", STYLE,
               types.size());
  npairs = (int) types.size() / 2;
  auto bounds = [&](const char *s, int k, int &lo, int &hi) {
    if (utils::is_integer(s)) {
      const int t = args.integer("type pair " + std::to_string(k + 1), s);
      if (t < 1 || t > ntypes)
        error->all(FLERR, "{}: type {} in type pair {} is out of range 1..{}", STYLE, t, k + 1,
                   ntypes);
      lo = hi = t;
    } else {
      const bool label = AMORPH_NS::is_type_label(atom, s);
      if (!label && !strchr(s, '*'))
        error->all(FLERR, "{}: '{}' is neither an atom type (in type pair {}) nor a keyword", STYLE,
                   s, k + 1);
      AMORPH_NS::type_bounds(FLERR, s, ntypes, lo, hi, lmp);
      if (lo < 1 || hi > ntypes || lo > hi)
        error->all(FLERR, "{}: bad type '{}' in type pair {}", STYLE, s, k + 1);
    }
  };
  for (int k = 0; k < npairs; ++k) {
    int a, b, c, d;
    bounds(types[2 * k], k, a, b);
    bounds(types[2 * k + 1], k, c, d);
    // as compute rdf: single types in the order (lower, higher)
    int swapped = 0;
    if (a == b && c == d && a > c) {
      swapped = 1;
      std::swap(a, c);
      std::swap(b, d);
    }
    rev.push_back(swapped);
    ilo.push_back(a);
    ihi.push_back(b);
    jlo.push_back(c);
    jhi.push_back(d);
  }

  // keywords
  weight.assign(ntypes + 1, 1.0);
  while (iarg < narg) {
    const std::string kw = arg[iarg];
    if (kw == "weights") {
      if (iarg + ntypes >= narg)
        error->all(FLERR, "{}: weights needs one value per atom type ({})", STYLE, ntypes);
      double sum = 0.0;
      for (int t = 1; t <= ntypes; ++t) {
        weight[t] = args.number("weights", arg[iarg + t]);
        if (weight[t] < 0.0)
          error->all(FLERR, "{}: weights must be >= 0, got {} for type {}", STYLE, weight[t], t);
        sum += weight[t];
      }
      if (!(sum > 0.0)) error->all(FLERR, "{}: at least one weight must be > 0", STYLE);
      iarg += 1 + ntypes;
    } else if (kw == "affine") {
      if (iarg + 2 >= narg) AMORPH_NS::missing_cmd_args(FLERR, STYLE + " affine (eps nu)", error);
      aff_eps = args.number("affine eps", arg[iarg + 1]);
      aff_nu = args.number("affine nu", arg[iarg + 2]);
      if (!(aff_eps > 0.0 && aff_eps < 0.5))
        error->all(FLERR, "{}: affine eps must be in (0, 0.5), got {}", STYLE, aff_eps);
      if (!(aff_nu > -1.0 && aff_nu <= 0.5))
        error->all(FLERR, "{}: affine nu must be in (-1, 0.5], got {}", STYLE, aff_nu);
      affine = 1;
      iarg += 3;
    } else if (kw == "bins") {
      if (iarg + 1 >= narg)
        AMORPH_NS::missing_cmd_args(FLERR, STYLE + " bins (hard|spline)", error);
      if (strcmp(arg[iarg + 1], "hard") == 0)
        spline = 0;
      else if (strcmp(arg[iarg + 1], "spline") == 0)
        spline = 1;
      else
        error->all(FLERR, "{}: bins must be hard or spline, got '{}'", STYLE, arg[iarg + 1]);
      iarg += 2;
    } else {
      error->all(FLERR, "{}: unknown keyword '{}' (type pairs come before the keywords)", STYLE,
                 kw);
    }
  }

  // sets: the type pairs, then the total (the only set without type pairs)
  nset = npairs + 1;
  ncol_set = affine ? 5 : 4;
  try {
    hist =
        std::make_unique<AnisoHistogram>(nbin, rc, nset, affine != 0, aff_eps, aff_nu, spline != 0);
  } catch (std::exception &e) {
    error->all(FLERR, "{}: {}", STYLE, e.what());
  }
  build_targets();

  array_flag = 1;
  extarray = 0;
  size_array_rows = nbin;
  size_array_cols = 1 + nset * ncol_set;
  memory->create(array, nbin, size_array_cols, "pdf/aniso:array");
  for (int b = 0; b < nbin; ++b) {
    array[b][0] = (b + 0.5) * hist->delr();
    for (int c = 1; c < size_array_cols; ++c) array[b][c] = 0.0;
  }
  g0.resize(nbin);
  c0.resize(nbin);
  g2.resize(nbin);
  c2.resize(nbin);
  dg2.resize(nbin);
}

/* ---------------------------------------------------------------------- */

ComputePdfAniso::~ComputePdfAniso()
{
  memory->destroy(array);
}

/* ----------------------------------------------------------------------
   targets of an unordered pair of types (a, b): the sets of both orders, as
   compute rdf counts a pair once with i and once with j as the central atom
------------------------------------------------------------------------- */

void ComputePdfAniso::build_targets()
{
  const int ntypes = atom->ntypes;
  targets.assign((ntypes + 1) * (ntypes + 1), {});
  for (int a = 1; a <= ntypes; ++a)
    for (int b = 1; b <= ntypes; ++b) {
      auto &t = targets[a * (ntypes + 1) + b];
      auto add = [&](int set, double w) {
        for (auto &e : t)
          if (e.set == set) {
            e.w += w;
            return;
          }
        t.push_back({set, w});
      };
      for (int m = 0; m < npairs; ++m) {
        if (a >= ilo[m] && a <= ihi[m] && b >= jlo[m] && b <= jhi[m]) add(m, 1.0);
        if (b >= ilo[m] && b <= ihi[m] && a >= jlo[m] && a <= jhi[m]) add(m, 1.0);
      }
      const double w = 2.0 * weight[a] * weight[b];
      if (w != 0.0) add(npairs, w);
    }
}

/* ---------------------------------------------------------------------- */

void ComputePdfAniso::init()
{
  if (atom->tag_enable == 0) error->all(FLERR, "{} requires atom IDs", STYLE);
  if (atom->natoms > MAXTAGINT) error->all(FLERR, "{}: too many atoms", STYLE);
  initialised = true;
}

/* ---------------------------------------------------------------------- */

void ComputePdfAniso::compute_array()
{
  invoked_array = update->ntimestep;
  if (!initialised)
    error->all(FLERR, "{} {} was not initialised: run 0 (or a run) after defining it", STYLE, id);

  // ghost atoms must hold every pair within reach, also after the atoms moved by up to half
  // the neighbour skin since the ghosts were chosen (as compute rdf requires)
  const double reach = hist->reach();
  const double cutghost = comm->get_comm_cutoff();
  if (reach + neighbor->skin > cutghost)
    error->all(FLERR,
               "{} cutoff {} plus neighbor skin {} exceeds the ghost atom cutoff {}: "
               "use comm_modify cutoff {} (or larger)",
               STYLE, reach, neighbor->skin, cutghost, reach + neighbor->skin);

  AMORPH::current_ghosts(lmp);
  const int nlocal = atom->nlocal;
  const int nall = nlocal + atom->nghost;
  double **x = atom->x;
  const int *mask = atom->mask;
  const int *type = atom->type;
  const tagint *tag = atom->tag;
  const int ntypes = atom->ntypes;
  cells.build(x, nall, reach);

  hist->clear();
  const double tol = 1e-10 * rc;
  for (int i = 0; i < nlocal; ++i) {
    if (!(mask[i] & groupbit)) continue;
    const tagint ti = tag[i];
    const std::vector<Target> *trow = &targets[type[i] * (ntypes + 1)];
    cells.for_each_neighbor(i, [&](int j, double dx, double dy, double dz, double rsq) {
      const tagint tj = tag[j];
      if (tj < ti) return;
      if (tj == ti) {
        // two images of one atom: the pair once, by the sign of its vector
        if (dz < -tol) return;
        if (dz <= tol) {
          if (dy < -tol) return;
          if (dy <= tol && dx < 0.0) return;
        }
      }
      if (!(mask[j] & groupbit)) return;
      const auto &t = trow[type[j]];
      if (t.empty()) return;
      const double d[3] = {dx, dy, dz};
      hist->add(d, rsq, axis, t.data(), (int) t.size());
    });
  }

  auto &raw = hist->raw();
  histall.resize(raw.size());
  MPI_Allreduce(raw.data(), histall.data(), (int) raw.size(), MPI_DOUBLE, MPI_SUM, world);

  // normalisation: counts of group atoms per type (and weights) over all ranks
  std::vector<double> cnt(ntypes + 1, 0.0), all(ntypes + 1, 0.0);
  for (int i = 0; i < nlocal; ++i)
    if (mask[i] & groupbit) cnt[type[i]] += 1.0;
  MPI_Allreduce(cnt.data(), all.data(), ntypes + 1, MPI_DOUBLE, MPI_SUM, world);

  const double volume = domain->xprd * domain->yprd * domain->zprd;
  const size_t stride = (size_t) nset * nbin;
  for (int m = 0; m < nset; ++m) {
    double icount = 0.0, normfac = 0.0;
    if (m < npairs) {
      // as compute rdf: normfac = jcount - duplicates / icount
      double ic = 0.0, jc = 0.0, dup = 0.0;
      for (int t = ilo[m]; t <= ihi[m]; ++t) ic += all[t];
      for (int t = jlo[m]; t <= jhi[m]; ++t) jc += all[t];
      for (int t = ilo[m]; t <= ihi[m]; ++t)
        if (t >= jlo[m] && t <= jhi[m]) dup += all[t];
      if (rev[m] && AMORPH_RDF_REVERSED_COORDINATION) {
        // entered as J I: coordination of I atoms around a J atom (dup = 0 here)
        icount = jc;
        normfac = jc > 0.0 ? ic - dup / jc : 0.0;
      } else {
        icount = ic;
        normfac = ic > 0.0 ? jc - dup / ic : 0.0;
      }
    } else {
      // total, weighted: pairs i != j with weights w_i w_j, sum = W^2 - sum w^2
      double w1 = 0.0, w2 = 0.0;
      for (int t = 1; t <= ntypes; ++t) {
        w1 += all[t] * weight[t];
        w2 += all[t] * weight[t] * weight[t];
      }
      icount = w1;
      normfac = w1 > 0.0 ? w1 - w2 / w1 : 0.0;
    }
    const double *h0 = &histall[(size_t) m * nbin];
    const double *h2 = &histall[stride + (size_t) m * nbin];
    const double *ht = affine ? &histall[2 * stride + (size_t) m * nbin] : nullptr;
    AMORPH::pdf::normalise(nbin, hist->delr(), volume, icount, normfac, h0, h2, ht, aff_eps,
                           g0.data(), c0.data(), g2.data(), c2.data(), dg2.data());
    const int c = 1 + m * ncol_set;
    for (int b = 0; b < nbin; ++b) {
      array[b][c] = g0[b];
      array[b][c + 1] = c0[b];
      array[b][c + 2] = g2[b];
      array[b][c + 3] = c2[b];
      if (affine) array[b][c + 4] = dg2[b];
    }
  }
}

/* ---------------------------------------------------------------------- */

double ComputePdfAniso::memory_usage()
{
  double bytes = (double) nbin * size_array_cols * sizeof(double);
  bytes += 2.0 * (double) hist->raw().size() * sizeof(double);
  bytes += cells.memory_usage();
  return bytes;
}
