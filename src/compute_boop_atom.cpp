/* -------------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   compute boop/atom (see doc/src/compute_boop_atom.rst)

   Two passes per invocation:
   1. for each local atom: candidate neighbours within the cutoff from a cell
      list of local and ghost atoms (or Voronoi faces), selection (all / nnn /
      SANN; kernels/neighbor_select.h), q_lm(i) =
      (1/N_b) sum_j Y_lm(r_j - r_i) and the Steinhardt invariants;
   2. forward communication of q_lm (m >= 0 only) to ghost atoms, then the
      Lechner-Dellago average q-bar_lm(i) = (q_lm(i) + sum_j q_lm(j))/(N_b+1)
      and Tanaka's s(i,j) over the same neighbours.
------------------------------------------------------------------------- */

#include "compute_boop_atom.h"

#include "amorph_args.h"
#include "amorph_compat.h"
#include "amorph_ghosts.h"
#include "boop_kernel.h"

#include "atom.h"
#include "citeme.h"
#include "comm.h"
#include "error.h"
#include "force.h"
#include "memory.h"
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
    Compute(lmp, narg, arg), cutoff(0.0), cutsq(0.0), mode(NEIGH_CUTOFF), nnn(0), voro_area(0),
    qflag(1), wflag(0), whflag(1), qbarflag(1), wbarflag(1), bondflag(1), bond_l(6), bond_slot(-1),
    bond_threshold(0.7), nhalf(0), nmax(0), boop(nullptr), qlm(nullptr), nsann_failed(0)
{
  if (lmp->citeme) lmp->citeme->add(cite_boop);

  degrees = {4, 6};
  const std::string style = "Compute boop/atom";
  const AMORPH::StyleArgs args(lmp, style);
  auto yesno = [&](int iarg, const char *kw) {
    if (iarg + 1 >= narg) AMORPH_NS::missing_cmd_args(FLERR, style + " " + kw, error);
    return args.logical(kw, arg[iarg + 1]) ? 1 : 0;
  };

  int nmodes = 0;
  int iarg = 3;
  while (iarg < narg) {
    const std::string kw = arg[iarg];
    if (kw == "degrees") {
      if (iarg + 1 >= narg) AMORPH_NS::missing_cmd_args(FLERR, style + " degrees", error);
      int n = args.integer("degrees", arg[iarg + 1]);
      if (n <= 0) error->all(FLERR, "{}: number of degrees must be > 0, got {}", style, n);
      if (iarg + 2 + n > narg) AMORPH_NS::missing_cmd_args(FLERR, style + " degrees", error);
      degrees.clear();
      for (int k = 0; k < n; ++k) {
        int l = args.integer("degrees", arg[iarg + 2 + k]);
        if (l < 0 || l > AMORPH::boop::LMAX)
          error->all(FLERR, "{}: degree l = {} out of range 0..{}", style, l, AMORPH::boop::LMAX);
        if (std::find(degrees.begin(), degrees.end(), l) != degrees.end())
          error->all(FLERR, "{}: degree l = {} given twice", style, l);
        degrees.push_back(l);
      }
      iarg += 2 + n;
    } else if (kw == "cutoff") {
      if (iarg + 1 >= narg) AMORPH_NS::missing_cmd_args(FLERR, style + " cutoff", error);
      cutoff = args.number("cutoff", arg[iarg + 1]);
      if (cutoff <= 0.0) error->all(FLERR, "{}: cutoff must be > 0, got {}", style, cutoff);
      iarg += 2;
    } else if (kw == "nnn") {
      if (iarg + 1 >= narg) AMORPH_NS::missing_cmd_args(FLERR, style + " nnn", error);
      if (strcmp(arg[iarg + 1], "NULL") == 0) {
        mode = NEIGH_CUTOFF;
      } else {
        nnn = args.integer("nnn", arg[iarg + 1]);
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
    } else if (kw == "voronoi") {
      if (iarg + 1 >= narg) AMORPH_NS::missing_cmd_args(FLERR, style + " voronoi", error);
      const std::string v = arg[iarg + 1];
      if (v == "area" || args.logical("voronoi", v.c_str())) {
#ifndef AMORPH_HAVE_VORO
        error->all(FLERR,
                   "{}: keyword voronoi needs voro++, but AMORPH was built without it "
                   "(install voro++, e.g. Debian voro++-dev, and rebuild)",
                   style);
#endif
        mode = NEIGH_VORONOI;
        voro_area = (v == "area") ? 1 : 0;
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
      if (iarg + 1 >= narg) AMORPH_NS::missing_cmd_args(FLERR, style + " bonds", error);
      if (strcmp(arg[iarg + 1], "no") == 0) {
        bondflag = 0;
        iarg += 2;
      } else {
        if (iarg + 2 >= narg) AMORPH_NS::missing_cmd_args(FLERR, style + " bonds", error);
        bondflag = 1;
        bond_l = args.integer("bonds", arg[iarg + 1]);
        bond_threshold = args.number("bonds", arg[iarg + 2]);
        if (bond_threshold < -1.0 || bond_threshold > 1.0)
          error->all(FLERR, "{}: bonds threshold must be in [-1,1], got {}", style, bond_threshold);
        iarg += 3;
      }
    } else {
      error->all(FLERR, "{}: unknown keyword '{}'", style, kw);
    }
  }
  if (nmodes > 1)
    error->all(FLERR, "{}: choose only one of the nnn, sann and voronoi keywords", style);
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
  for (const auto &w : w3j) w3j_views.push_back(w->view());

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
  // neighbours come from our own cell list over local + ghost atoms (no LAMMPS neighbour
  // list: LAMMPS would build one with the full pair cutoff + skin, however small ours is)
  double rc = cutoff;
  if (rc == 0.0) {
    if (force->pair == nullptr)
      error->all(FLERR, "Compute boop/atom needs a pair style or the cutoff keyword");
    rc = force->pair->cutforce;
  }
  cutsq = rc * rc;
}

/* ----------------------------------------------------------------------
   candidates within the cutoff of local atom i, then the selection;
   returns N_b, the chosen neighbours are cand[0..N_b-1]
------------------------------------------------------------------------- */

int ComputeBoopAtom::select_neighbors(int i)
{
  using AMORPH::neigh::Rule;
  if (mode == NEIGH_VORONOI) {
    voronoi.candidates(i, atom->x, atom->tag, voro_area != 0, cand);
    return voronoi.faces(i);
  }
  AMORPH::neigh::cutoff_candidates(cells, i, atom->tag, cand);
  const Rule rule = mode == NEIGH_NNN ? Rule::NEAREST
      : mode == NEIGH_SANN            ? Rule::SANN
                                      : Rule::CUTOFF;
  const AMORPH::neigh::Selection sel = selector.select(cand, rule, nnn);
  if (sel.too_few) return -1;    // caller reports the error collectively
  if (sel.sann_open) ++nsann_failed;
  return sel.count;
}

/* ---------------------------------------------------------------------- */

void ComputeBoopAtom::compute_peratom()
{
  invoked_peratom = update->ntimestep;

  // a compute defined after the last run and read at once (e.g. by the Python module) has
  // not been initialised: its cutoff is unknown
  if (!(cutsq > 0.0))
    error->all(FLERR,
               "Compute boop/atom {} was not initialised: run 0 (or a run) after "
               "defining it",
               id);
  // ghost positions as current as the owned ones (see amorph_ghosts.h); first, since
  // rebuilding the ghosts between runs may grow the atom arrays
  refresh_ghosts();
  if (atom->nmax > nmax) {
    memory->destroy(boop);
    memory->destroy(qlm);
    nmax = atom->nmax;
    memory->create(boop, nmax, size_peratom_cols, "boop/atom:boop");
    memory->create(qlm, nmax, 2 * nhalf, "boop/atom:qlm");
    array_atom = boop;
  }
  sync_host_atoms();
  find_bonds();
  evaluate_pass1();
  if (!need_neighbors_of_neighbors()) return;
  ghost_qlm();
  evaluate_pass2();
}

void ComputeBoopAtom::refresh_ghosts()
{
  AMORPH::current_ghosts(lmp);
}

/* ----------------------------------------------------------------------
   the neighbours of the atoms of pass 1 (bond list), with the collective
   errors and warnings of the selection
------------------------------------------------------------------------- */

void ComputeBoopAtom::find_bonds()
{
  if (mode == NEIGH_VORONOI) {
    // one voro++ container with all local and ghost atoms: a local atom's cell must not
    // touch its walls, i.e. the ghost shell must be thick enough
    voronoi.compute(atom->x, atom->nlocal, atom->nlocal + atom->nghost);
    bigint nwall = voronoi.nwall, all;
    MPI_Allreduce(&nwall, &all, 1, MPI_LMP_BIGINT, MPI_SUM, world);
    if (all > 0)
      error->all(FLERR,
                 "Compute boop/atom voronoi: {} Voronoi cells reach the edge of the ghost atom "
                 "region: increase comm_modify cutoff",
                 all);
  } else {
    // ghost atoms must hold every neighbour within the cutoff, also after the atoms moved by
    // up to half the neighbour skin since the ghosts were chosen (as for compute rdf); known
    // only after the setup of a run (Neighbor and Comm are initialised after computes)
    const double cutghost = comm->get_comm_cutoff();
    if (sqrt(cutsq) + neighbor->skin > cutghost)
      error->all(FLERR,
                 "Compute boop/atom cutoff {} plus neighbor skin {} exceeds the ghost atom "
                 "cutoff {}: use comm_modify cutoff {} (or larger)",
                 sqrt(cutsq), neighbor->skin, cutghost, sqrt(cutsq) + neighbor->skin);
    cells.build(atom->x, atom->nlocal + atom->nghost, sqrt(cutsq));
  }

  const int nlocal = atom->nlocal;
  const int *mask = atom->mask;
  const bool second = need_neighbors_of_neighbors();
  eval_atom.clear();
  eval_out.clear();
  bond_first.assign(1, 0);
  bond_j.clear();
  bond_vec.clear();
  nsann_failed = 0;
  bigint ntoo_few = 0;
  for (int i = 0; i < nlocal; ++i) {
    const int in_group = (mask[i] & groupbit) ? 1 : 0;
    if (!second && !in_group) continue;
    const int nb = select_neighbors(i);
    if (nb < 0) {
      ++ntoo_few;
      continue;
    }
    eval_atom.push_back(i);
    eval_out.push_back(in_group);
    for (int k = 0; k < nb; ++k) {
      bond_j.push_back(cand[k].j);
      bond_vec.insert(bond_vec.end(), {cand[k].dx, cand[k].dy, cand[k].dz, cand[k].w});
    }
    bond_first.push_back((int) bond_j.size());
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
}

AMORPH::boop::BoopSetup ComputeBoopAtom::setup() const
{
  return {ylm->tables(),  w3j_views.data(),
          degrees.data(), (int) degrees.size(),
          nhalf,          col_q,
          col_w,          col_wh,
          col_qbar,       col_wbar,
          col_bond,       col_nb,
          bond_l,         bond_slot,
          bond_threshold};
}

/* ----------------------------------------------------------------------
   the passes over the atoms (kernels/boop_kernel.h): q_lm of the atoms of
   pass 1 and their invariants; after the q_lm of the ghosts arrived, the
   averaged invariants and the bond order of the group's atoms
------------------------------------------------------------------------- */

void ComputeBoopAtom::evaluate_pass1()
{
  const int nlocal = atom->nlocal;
  if (nlocal > 0) memset(&boop[0][0], 0, sizeof(double) * nlocal * size_peratom_cols);
  if (nlocal > 0) memset(&qlm[0][0], 0, sizeof(double) * nlocal * 2 * nhalf);
  const AMORPH::boop::BoopSetup s = setup();
  const AMORPH::Strided<4> bvec{bond_vec.data()};
  const AMORPH::Rows q{qlm};
  for (int a = 0; a < (int) eval_atom.size(); ++a) {
    const int i = eval_atom[a];
    AMORPH::boop::atom_pass1(s, i, bvec, bond_first[a], bond_first[a + 1], q, eval_out[a] != 0,
                             AMORPH::Row{boop[i]});
  }
}

void ComputeBoopAtom::ghost_qlm()
{
  AMORPH_NS::forward_comm(comm, this);
}

void ComputeBoopAtom::evaluate_pass2()
{
  const AMORPH::boop::BoopSetup s = setup();
  const AMORPH::Flat bj{bond_j.data()};
  const AMORPH::Rows q{qlm};
  for (int a = 0; a < (int) eval_atom.size(); ++a) {
    if (!eval_out[a]) continue;
    const int i = eval_atom[a];
    AMORPH::boop::atom_pass2(s, i, bj, bond_first[a], bond_first[a + 1], q, AMORPH::Row{boop[i]});
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
  bytes += (double) (eval_atom.capacity() + eval_out.capacity() + bond_first.capacity() +
                     bond_j.capacity()) *
      sizeof(int);
  bytes += (double) bond_vec.capacity() * sizeof(double);
  bytes += (double) cand.capacity() * sizeof(AMORPH::neigh::Candidate);
  bytes += cells.memory_usage();
  bytes += voronoi.memory_usage();
  return bytes;
}
