/* -------------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   compute boop/atom (see doc/src/compute_boop_atom.rst)

   Two passes per invocation:
   1. for each local atom: candidate neighbours within the cutoff from an
      occasional full neighbour list, selection (all / nnn / SANN), q_lm(i) =
      (1/N_b) sum_j Y_lm(r_j - r_i) and the Steinhardt invariants;
   2. forward communication of q_lm (m >= 0 only) to ghost atoms, then the
      Lechner-Dellago average q-bar_lm(i) = (q_lm(i) + sum_j q_lm(j))/(N_b+1)
      and Tanaka's s(i,j) over the same neighbours.
------------------------------------------------------------------------- */

#include "compute_boop_atom.h"

#include "amorph_compat.h"
#include "boop_kernel.h"

#include "atom.h"
#include "citeme.h"
#include "comm.h"
#include "error.h"
#include "force.h"
#include "memory.h"
#include "modify.h"
#include "neigh_list.h"
#include "neigh_request.h"
#include "neighbor.h"
#include "pair.h"
#include "update.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>

using namespace LAMMPS_NS;
using AMORPH::boop::SphericalHarmonics;
using AMORPH::boop::Wigner3jTable;

static constexpr double QL_EPSILON = 1.0e-6;

static const char cite_boop[] =
    "compute boop/atom (AMORPH): doi:10.1103/PhysRevB.28.784, doi:10.1063/1.2977970\n\n"
    "@Article{Steinhardt83,\n author = {P. J. Steinhardt and D. R. Nelson and M. Ronchetti},\n"
    " title = {Bond-Orientational Order in Liquids and Glasses},\n"
    " journal = {Phys.\\ Rev.~B}, year = 1983, volume = 28, pages = {784}\n}\n\n"
    "@Article{Lechner08,\n author = {W. Lechner and C. Dellago},\n"
    " title = {Accurate Determination of Crystal Structures Based on Averaged Local "
    "Bond Order Parameters},\n journal = {J.~Chem.\\ Phys.}, year = 2008, volume = 129,\n"
    " pages = {114707}\n}\n\n";

/* ---------------------------------------------------------------------- */

ComputeBoopAtom::ComputeBoopAtom(LAMMPS *lmp, int narg, char **arg) :
    Compute(lmp, narg, arg), list(nullptr), cutoff(0.0), cutsq(0.0), mode(NEIGH_CUTOFF), nnn(0),
    qflag(1), wflag(0), whflag(1), qbarflag(1), wbarflag(1), bondflag(1), bond_l(6),
    bond_slot(-1), bond_threshold(0.7), nhalf(0), nmax(0), boop(nullptr), qlm(nullptr),
    nsann_failed(0)
{
  if (lmp->citeme) lmp->citeme->add(cite_boop);

  degrees = {4, 6};
  const std::string style = "Compute boop/atom";
  auto yesno = [&](int iarg, const char *kw) {
    if (iarg + 1 >= narg) utils::missing_cmd_args(FLERR, style + " " + kw, error);
    return utils::logical(FLERR, arg[iarg + 1], false, lmp) ? 1 : 0;
  };

  int nmodes = 0;
  int iarg = 3;
  while (iarg < narg) {
    const std::string kw = arg[iarg];
    if (kw == "degrees") {
      if (iarg + 1 >= narg) utils::missing_cmd_args(FLERR, style + " degrees", error);
      int n = utils::inumeric(FLERR, arg[iarg + 1], false, lmp);
      if (n <= 0) error->all(FLERR, "{}: number of degrees must be > 0, got {}", style, n);
      if (iarg + 2 + n > narg) utils::missing_cmd_args(FLERR, style + " degrees", error);
      degrees.clear();
      for (int k = 0; k < n; ++k) {
        int l = utils::inumeric(FLERR, arg[iarg + 2 + k], false, lmp);
        if (l < 0 || l > AMORPH::boop::LMAX)
          error->all(FLERR, "{}: degree l = {} out of range 0..{}", style, l, AMORPH::boop::LMAX);
        if (std::find(degrees.begin(), degrees.end(), l) != degrees.end())
          error->all(FLERR, "{}: degree l = {} given twice", style, l);
        degrees.push_back(l);
      }
      iarg += 2 + n;
    } else if (kw == "cutoff") {
      if (iarg + 1 >= narg) utils::missing_cmd_args(FLERR, style + " cutoff", error);
      cutoff = utils::numeric(FLERR, arg[iarg + 1], false, lmp);
      if (cutoff <= 0.0) error->all(FLERR, "{}: cutoff must be > 0, got {}", style, cutoff);
      iarg += 2;
    } else if (kw == "nnn") {
      if (iarg + 1 >= narg) utils::missing_cmd_args(FLERR, style + " nnn", error);
      if (strcmp(arg[iarg + 1], "NULL") == 0) {
        mode = NEIGH_CUTOFF;
      } else {
        nnn = utils::inumeric(FLERR, arg[iarg + 1], false, lmp);
        if (nnn <= 0) error->all(FLERR, "{}: nnn must be > 0 or NULL, got {}", style, nnn);
        mode = NEIGH_NNN;
        ++nmodes;
      }
      iarg += 2;
    } else if (kw == "sann") {
      if (yesno(iarg, "sann")) {
        mode = NEIGH_SANN;
        ++nmodes;
      }
      iarg += 2;
    } else if (kw == "q") {
      qflag = yesno(iarg, "q");
      iarg += 2;
    } else if (kw == "w") {
      wflag = yesno(iarg, "w");
      iarg += 2;
    } else if (kw == "wh") {
      whflag = yesno(iarg, "wh");
      iarg += 2;
    } else if (kw == "qbar") {
      qbarflag = yesno(iarg, "qbar");
      iarg += 2;
    } else if (kw == "wbar") {
      wbarflag = yesno(iarg, "wbar");
      iarg += 2;
    } else if (kw == "bonds") {
      if (iarg + 1 >= narg) utils::missing_cmd_args(FLERR, style + " bonds", error);
      if (strcmp(arg[iarg + 1], "no") == 0) {
        bondflag = 0;
        iarg += 2;
      } else {
        if (iarg + 2 >= narg) utils::missing_cmd_args(FLERR, style + " bonds", error);
        bondflag = 1;
        bond_l = utils::inumeric(FLERR, arg[iarg + 1], false, lmp);
        bond_threshold = utils::numeric(FLERR, arg[iarg + 2], false, lmp);
        if (bond_threshold < -1.0 || bond_threshold > 1.0)
          error->all(FLERR, "{}: bonds threshold must be in [-1,1], got {}", style, bond_threshold);
        iarg += 3;
      }
    } else {
      error->all(FLERR, "{}: unknown keyword '{}'", style, kw);
    }
  }
  if (nmodes > 1) error->all(FLERR, "{}: choose only one of the nnn and sann keywords", style);
  if (bondflag && std::find(degrees.begin(), degrees.end(), bond_l) == degrees.end())
    error->all(FLERR, "{}: bonds degree l = {} must be one of the degrees", style, bond_l);

  try {
    ylm = std::make_unique<SphericalHarmonics>(degrees);
    for (int l : degrees) w3j.push_back(std::make_unique<Wigner3jTable>(l));
  } catch (std::exception &e) {
    error->all(FLERR, "{}: {}", style, e.what());
  }
  nhalf = ylm->half_size();
  if (bondflag) bond_slot = ylm->slot(bond_l);

  // column layout
  const int nl = (int) degrees.size();
  int ncol = 0;
  auto take = [&](int flag, int width) {
    int c = flag ? ncol : -1;
    if (flag) ncol += width;
    return c;
  };
  col_q = take(qflag, nl);
  col_w = take(wflag, nl);
  col_wh = take(whflag, nl);
  col_qbar = take(qbarflag, nl);
  col_wbar = take(wbarflag, nl);
  col_bond = take(bondflag, 2);
  col_nb = take(1, 1);

  peratom_flag = 1;
  size_peratom_cols = ncol;
  comm_forward = need_neighbors_of_neighbors() ? 2 * nhalf : 0;
}

/* ---------------------------------------------------------------------- */

ComputeBoopAtom::~ComputeBoopAtom()
{
  memory->destroy(boop);
  memory->destroy(qlm);
}

/* ---------------------------------------------------------------------- */

void ComputeBoopAtom::init()
{
  const double skin = neighbor->skin;
  if (cutoff == 0.0) {
    if (force->pair == nullptr)
      error->all(FLERR, "Compute boop/atom needs a pair style or the cutoff keyword");
    cutsq = force->pair->cutforce * force->pair->cutforce;
  } else {
    double cutghost = comm->cutghostuser;
    if (force->pair) cutghost = std::max(force->pair->cutforce + skin, cutghost);
    if (cutoff + skin > cutghost)
      error->all(FLERR,
                 "Compute boop/atom cutoff {} plus skin {} exceeds the ghost atom cutoff {}: "
                 "use comm_modify cutoff to increase it",
                 cutoff, skin, cutghost);
    cutsq = cutoff * cutoff;
  }
  auto req = neighbor->add_request(this, NeighConst::REQ_FULL | NeighConst::REQ_OCCASIONAL);
  if (cutoff > 0.0) req->set_cutoff(cutoff + skin);
}

void ComputeBoopAtom::init_list(int /*id*/, NeighList *ptr)
{
  list = ptr;
}

/* ----------------------------------------------------------------------
   candidates within the cutoff of local atom i, then the selection;
   returns N_b, the chosen neighbours are cand[0..N_b-1]
------------------------------------------------------------------------- */

int ComputeBoopAtom::select_neighbors(int i)
{
  double **x = atom->x;
  tagint *tag = atom->tag;
  const int *jlist = list->firstneigh[i];
  const int jnum = list->numneigh[i];
  cand.clear();
  for (int jj = 0; jj < jnum; ++jj) {
    const int j = jlist[jj] & NEIGHMASK;
    const double dx = x[j][0] - x[i][0];
    const double dy = x[j][1] - x[i][1];
    const double dz = x[j][2] - x[i][2];
    const double rsq = dx * dx + dy * dy + dz * dz;
    if (rsq < cutsq) cand.push_back({rsq, dx, dy, dz, j, tag[j]});
  }
  // a total order, so that the choice never depends on neighbour-list order (MPI ranks)
  auto closer = [](const Cand &a, const Cand &b) {
    if (a.rsq != b.rsq) return a.rsq < b.rsq;
    if (a.tag != b.tag) return a.tag < b.tag;
    if (a.dx != b.dx) return a.dx < b.dx;
    if (a.dy != b.dy) return a.dy < b.dy;
    return a.dz < b.dz;
  };
  const int n = (int) cand.size();
  if (mode == NEIGH_NNN) {
    if (n < nnn) return -1;    // caller reports the error collectively
    std::partial_sort(cand.begin(), cand.begin() + nnn, cand.end(), closer);
    return nnn;
  }
  if (mode == NEIGH_SANN) {
    std::sort(cand.begin(), cand.end(), closer);
    dist.resize(n);
    for (int k = 0; k < n; ++k) dist[k] = sqrt(cand[k].rsq);
    int m = AMORPH::boop::sann_count(dist.data(), n);
    if (m == AMORPH::boop::SANN_NOT_FOUND) {
      ++nsann_failed;
      return n;
    }
    return m;
  }
  return n;
}

/* ---------------------------------------------------------------------- */

void ComputeBoopAtom::per_degree_outputs(const double *re, const double *im, double *out_q,
                                         double *out_w, double *out_wh)
{
  for (int k = 0; k < (int) degrees.size(); ++k) {
    const int l = degrees[k];
    const double *r = re + ylm->half_offset(k);
    const double *m = im + ylm->half_offset(k);
    const double q = AMORPH::boop::ql_half(l, r, m);
    if (out_q) out_q[k] = q;
    if (out_w) out_w[k] = w3j[k]->wl_half(r, m);
    // w-hat is the ratio of two vanishing numbers when q_l -> 0: defined as 0 below
    // QL_EPSILON, as in compute orientorder/atom
    if (out_wh) out_wh[k] = q < QL_EPSILON ? 0.0 : w3j[k]->wl_hat_half(r, m);
  }
}

/* ---------------------------------------------------------------------- */

void ComputeBoopAtom::compute_peratom()
{
  invoked_peratom = update->ntimestep;

  if (atom->nmax > nmax) {
    memory->destroy(boop);
    memory->destroy(qlm);
    nmax = atom->nmax;
    memory->create(boop, nmax, size_peratom_cols, "boop/atom:boop");
    memory->create(qlm, nmax, 2 * nhalf, "boop/atom:qlm");
    array_atom = boop;
  }

  neighbor->build_one(list);

  const int nlocal = atom->nlocal;
  const int *mask = atom->mask;
  const bool second = need_neighbors_of_neighbors();
  if (nlocal > 0) memset(&boop[0][0], 0, sizeof(double) * nlocal * size_peratom_cols);
  if (nlocal > 0) memset(&qlm[0][0], 0, sizeof(double) * nlocal * 2 * nhalf);
  nb_first.assign(nlocal, 0);
  nb_num.assign(nlocal, 0);
  nb_list.clear();
  nsann_failed = 0;
  bigint ntoo_few = 0;

  // pass 1: neighbours, q_lm, Steinhardt invariants (q_lm of all local atoms when the
  // averaged outputs need them for neighbours outside the group)
  for (int ii = 0; ii < list->inum; ++ii) {
    const int i = list->ilist[ii];
    if (i >= nlocal) continue;
    if (!second && !(mask[i] & groupbit)) continue;
    const int nb = select_neighbors(i);
    if (nb < 0) {
      ++ntoo_few;
      continue;
    }
    double *re = qlm[i];
    double *im = qlm[i] + nhalf;
    if (nb > 0) {
      const double w = 1.0 / nb;
      for (int k = 0; k < nb; ++k) ylm->accumulate_half(cand[k].dx, cand[k].dy, cand[k].dz, w, re, im);
    }
    if (second) {
      nb_first[i] = (int) nb_list.size();
      nb_num[i] = nb;
      for (int k = 0; k < nb; ++k) nb_list.push_back(cand[k].j);
    }
    if (mask[i] & groupbit) {
      double *out = boop[i];
      per_degree_outputs(re, im, col_q >= 0 ? out + col_q : nullptr,
                         col_w >= 0 ? out + col_w : nullptr, col_wh >= 0 ? out + col_wh : nullptr);
      out[col_nb] = nb;
    }
  }

  bigint all;
  MPI_Allreduce(&ntoo_few, &all, 1, MPI_LMP_BIGINT, MPI_SUM, world);
  if (all > 0)
    error->all(FLERR,
               "Compute boop/atom: {} atoms have fewer than nnn = {} neighbours within the cutoff "
               "{}: increase the cutoff (and comm_modify cutoff) or decrease nnn",
               all, nnn, sqrt(cutsq));
  if (mode == NEIGH_SANN) {
    MPI_Allreduce(&nsann_failed, &all, 1, MPI_LMP_BIGINT, MPI_SUM, world);
    if (all > 0 && comm->me == 0)
      error->warning(FLERR,
                     "Compute boop/atom: SANN shell not closed within the cutoff {} for {} atoms; "
                     "they use all neighbours within the cutoff (increase the cutoff)",
                     sqrt(cutsq), all);
  }
  if (!second) return;

  // pass 2: q_lm of ghost atoms, then averaged outputs and bond crystallinity
  comm->forward_comm(this);

  bar.resize(2 * nhalf);
  for (int i = 0; i < nlocal; ++i) {
    if (!(mask[i] & groupbit)) continue;
    const int nb = nb_num[i];
    const int *nbs = nb_list.data() + nb_first[i];
    double *out = boop[i];
    if (qbarflag || wbarflag) {
      std::copy(qlm[i], qlm[i] + 2 * nhalf, bar.begin());
      for (int k = 0; k < nb; ++k) {
        const double *qj = qlm[nbs[k]];
        for (int c = 0; c < 2 * nhalf; ++c) bar[c] += qj[c];
      }
      const double inv = 1.0 / (nb + 1);
      for (double &v : bar) v *= inv;
      per_degree_outputs(bar.data(), bar.data() + nhalf, col_qbar >= 0 ? out + col_qbar : nullptr,
                         nullptr, col_wbar >= 0 ? out + col_wbar : nullptr);
    }
    if (bondflag) {
      const int off = ylm->half_offset(bond_slot);
      int ncryst = 0;
      double ssum = 0.0;
      for (int k = 0; k < nb; ++k) {
        const double *qj = qlm[nbs[k]];
        const double s = AMORPH::boop::bond_crystallinity_half(
            bond_l, qlm[i] + off, qlm[i] + nhalf + off, qj + off, qj + nhalf + off);
        ssum += s;
        if (s > bond_threshold) ++ncryst;
      }
      out[col_bond] = ncryst;
      out[col_bond + 1] = nb > 0 ? ssum / nb : 0.0;
    }
  }
}

/* ---------------------------------------------------------------------- */

int ComputeBoopAtom::pack_forward_comm(int n, int *idx, double *buf, int /*pbc_flag*/,
                                       int * /*pbc*/)
{
  int m = 0;
  for (int k = 0; k < n; ++k) {
    const double *q = qlm[idx[k]];
    for (int c = 0; c < 2 * nhalf; ++c) buf[m++] = q[c];
  }
  return m;
}

void ComputeBoopAtom::unpack_forward_comm(int n, int first, double *buf)
{
  int m = 0;
  for (int i = first; i < first + n; ++i) {
    double *q = qlm[i];
    for (int c = 0; c < 2 * nhalf; ++c) q[c] = buf[m++];
  }
}

/* ---------------------------------------------------------------------- */

double ComputeBoopAtom::memory_usage()
{
  double bytes = (double) nmax * size_peratom_cols * sizeof(double);
  bytes += (double) nmax * 2 * nhalf * sizeof(double);
  bytes += (double) (nb_first.capacity() + nb_num.capacity() + nb_list.capacity()) * sizeof(int);
  bytes += (double) cand.capacity() * sizeof(Cand);
  return bytes;
}
