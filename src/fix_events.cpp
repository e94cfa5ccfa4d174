/* -------------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix events (see fix_events.h and doc/src/fix_events.rst)
------------------------------------------------------------------------- */

#include "fix_events.h"

#include "amorph_args.h"
#include "amorph_compat.h"
#include "amorph_ghosts.h"
#include "compute_nonaffine_atom.h"
#include "events_kernel.h"

#include "arg_info.h"
#include "atom.h"
#include "comm.h"
#include "compute.h"
#include "domain.h"
#include "error.h"
#include "group.h"
#include "input.h"
#include "memory.h"
#include "modify.h"
#include "update.h"
#include "variable.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>

using namespace LAMMPS_NS;
using namespace FixConst;
namespace EV = AMORPH::events;

static const char STYLE[] = "Fix events";
static constexpr int RESTART_VERSION = 1;
static constexpr int NRECORD = 7;    // tag, event, mobility, delta, x, y, z

/* ---------------------------------------------------------------------- */

FixEvents::FixEvents(LAMMPS *lmp, int narg, char **arg) :
    Fix(lmp, narg, arg), threshold(0.0), cutoff(0.0), minsize(1), append(false), fp(nullptr),
    prev(nullptr), has_prev(nullptr), event_id(nullptr), nmax_in(0), vec{}, cum_events(0.0),
    cum_damage(0.0), cum_recovery(0.0), last_eval(-1)
{
  const AMORPH::StyleArgs args(lmp, STYLE);
  // fix ID group events N mobility threshold keyword value ...
  if (narg < 6) AMORPH_NS::missing_cmd_args(FLERR, "fix events", error);
  nevery = args.integer("N", arg[3]);
  if (nevery <= 0) error->all(FLERR, "{}: N must be > 0, got {}", STYLE, arg[3]);
  parse_input(mobility, arg[4], "mobility");
  threshold = args.number("threshold", arg[5]);

  bool have_cutoff = false;
  int iarg = 6;
  while (iarg < narg) {
    const std::string kw = arg[iarg];
    if (kw != "cutoff" && kw != "disorder" && kw != "minsize" && kw != "file" && kw != "append")
      error->all(FLERR, "{}: unknown keyword '{}'", STYLE, kw);
    if (iarg + 1 >= narg)
      AMORPH_NS::missing_cmd_args(FLERR, std::string("fix events ") + kw, error);
    const char *val = arg[iarg + 1];
    if (kw == "cutoff") {
      cutoff = args.number(kw, val);
      if (cutoff <= 0.0) error->all(FLERR, "{}: cutoff must be > 0, got {}", STYLE, val);
      have_cutoff = true;
    } else if (kw == "disorder") {
      parse_input(disorder, val, "disorder");
    } else if (kw == "minsize") {
      minsize = args.integer(kw, val);
      if (minsize < 1) error->all(FLERR, "{}: minsize must be >= 1, got {}", STYLE, val);
    } else if (kw == "file") {
      filename = val;
    } else if (kw == "append") {
      append = args.logical(kw, val);
    } else {
      error->all(FLERR, "{}: unknown keyword '{}'", STYLE, kw);
    }
    iarg += 2;
  }
  if (!have_cutoff) error->all(FLERR, "{}: the keyword 'cutoff rc' is required", STYLE);
  if (disorder.text.empty())
    error->all(FLERR, "{}: the keyword 'disorder' is required (e.g. disorder c_pe)", STYLE);

  vector_flag = 1;
  size_vector = NVECTOR;
  global_freq = nevery;
  extvector = 0;
  peratom_flag = 1;
  size_peratom_cols = 0;
  peratom_freq = nevery;
  restart_global = 1;
  restart_peratom = 1;
  comm_forward = 1;

  FixEvents::grow_arrays(atom->nmax);
  atom->add_callback(Atom::GROW);
  atom->add_callback(Atom::RESTART);
  for (int i = 0; i < atom->nlocal; ++i) prev[i] = has_prev[i] = event_id[i] = 0.0;

  if (comm->me == 0 && !filename.empty()) open_file();
}

FixEvents::~FixEvents()
{
  if (copymode) return;
  atom->delete_callback(id, Atom::GROW);
  atom->delete_callback(id, Atom::RESTART);
  memory->destroy(prev);
  memory->destroy(has_prev);
  memory->destroy(event_id);
  if (fp) fclose(fp);
}

int FixEvents::setmask()
{
  return END_OF_STEP;
}

/* ----------------------------------------------------------------------
   per-atom inputs
------------------------------------------------------------------------- */

void FixEvents::parse_input(Input &in, const char *arg, const char *what)
{
  ArgInfo argi(arg, ArgInfo::COMPUTE | ArgInfo::FIX | ArgInfo::VARIABLE);
  if (argi.get_type() == ArgInfo::NONE || argi.get_type() == ArgInfo::UNKNOWN || argi.get_dim() > 1)
    error->all(FLERR, "{}: {} must be c_ID, c_ID[I], f_ID, f_ID[I] or v_name, got '{}'", STYLE,
               what, arg);
  in.text = arg;
  in.which = argi.get_type();
  in.id = argi.get_name();
  in.index = argi.get_index1();
  if (in.which == ArgInfo::VARIABLE && in.index != 0)
    error->all(FLERR, "{}: {} variable '{}' takes no index", STYLE, what, arg);
}

namespace {
// the checks of a compute or a fix as a per-atom input (kind: "compute" or "fix")
template <class T>
void check_peratom_source(Error *error, const T *src, const char *kind, const char *what,
                          const std::string &id, int index, const std::string &text)
{
  if (!src->peratom_flag)
    error->all(FLERR, "{}: {} {} '{}' does not compute per-atom values", STYLE, what, kind, id);
  if (index == 0 && src->size_peratom_cols != 0)
    error->all(FLERR, "{}: {} {} '{}' computes a per-atom array: name a column, e.g. {}[1]", STYLE,
               what, kind, id, text);
  if (index > 0 && src->size_peratom_cols == 0)
    error->all(FLERR, "{}: {} {} '{}' computes a per-atom vector: give no index", STYLE, what, kind,
               id);
  if (index > src->size_peratom_cols)
    error->all(FLERR, "{}: {} column {} of {} '{}' is out of range (it has {})", STYLE, what, index,
               kind, id, src->size_peratom_cols);
}

// the per-atom values of a compute or a fix (column index, 0: its vector) of the local atoms
template <class T> void copy_peratom(const T *src, int index, int nlocal, std::vector<double> &buf)
{
  if (index == 0)
    std::copy(src->vector_atom, src->vector_atom + nlocal, buf.begin());
  else
    for (int i = 0; i < nlocal; ++i) buf[i] = src->array_atom[i][index - 1];
}
}    // namespace

void FixEvents::resolve_input(Input &in, const char *what)
{
  in.compute = nullptr;
  in.fix = nullptr;
  in.ivar = -1;
  if (in.which == ArgInfo::COMPUTE) {
    in.compute = AMORPH_NS::compute_by_id(modify, in.id);
    if (!in.compute) error->all(FLERR, "{}: {} compute '{}' does not exist", STYLE, what, in.id);
    check_peratom_source(error, in.compute, "compute", what, in.id, in.index, in.text);
  } else if (in.which == ArgInfo::FIX) {
    in.fix = AMORPH_NS::fix_by_id(modify, in.id);
    if (!in.fix) error->all(FLERR, "{}: {} fix '{}' does not exist", STYLE, what, in.id);
    check_peratom_source(error, in.fix, "fix", what, in.id, in.index, in.text);
    if (nevery % in.fix->peratom_freq)
      error->all(FLERR, "{}: {} fix '{}' computes its values every {} steps, not on every {}th",
                 STYLE, what, in.id, in.fix->peratom_freq, nevery);
  } else {
    in.ivar = input->variable->find(in.id.c_str());
    if (in.ivar < 0) error->all(FLERR, "{}: {} variable '{}' does not exist", STYLE, what, in.id);
    if (!input->variable->atomstyle(in.ivar))
      error->all(FLERR, "{}: {} variable '{}' is not an atom-style variable", STYLE, what, in.id);
  }
}

// the input's current values of the local atoms into buf
void FixEvents::evaluate_input(Input &in, std::vector<double> &buf, const char *what)
{
  const int nlocal = atom->nlocal;
  buf.assign(std::max(nlocal, 1), 0.0);
  if (in.compute) {
    if (in.compute->invoked_peratom != update->ntimestep) {
      in.compute->compute_peratom();
      in.compute->invoked_flag |= Compute::INVOKED_PERATOM;
    }
    copy_peratom(in.compute, in.index, nlocal, buf);
  } else if (in.fix) {
    if (update->ntimestep % in.fix->peratom_freq)
      error->all(FLERR, "{}: {} fix '{}' has no values on step {}", STYLE, what, in.id,
                 update->ntimestep);
    copy_peratom(in.fix, in.index, nlocal, buf);
  } else {
    input->variable->compute_atom(in.ivar, igroup, buf.data(), 1, 0);
  }
  const int *mask = atom->mask;
  int bad = 0;
  for (int i = 0; i < nlocal; ++i)
    if ((mask[i] & groupbit) && !std::isfinite(buf[i])) bad = 1;
  int anybad = 0;
  MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, world);
  if (anybad)
    error->all(FLERR, "{} {}: {} '{}' is not finite for some atoms on step {}", STYLE, id, what,
               in.text, update->ntimestep);
}

/* ---------------------------------------------------------------------- */

void FixEvents::init()
{
  resolve_input(mobility, "mobility");
  resolve_input(disorder, "disorder");
  AMORPH::require_ghost_reach(lmp, STYLE, cutoff);
  // the mobility of a compute nonaffine/atom is over the interval only if its reference is
  // reset at the interval boundaries
  if (auto *na = dynamic_cast<ComputeNonaffineAtom *>(mobility.compute)) {
    const bigint every = na->reset_period();
    if (every != nevery)
      if (comm->me == 0)
        error->warning(FLERR,
                       "{} {}: compute {} does not reset its reference every {} steps "
                       "(reset every {}): the mobility is not that of the last interval",
                       STYLE, id, na->id, nevery, every);
  }
  // values of the inputs at the next interval end: computes such as pe/atom must tally on
  // that step (Modify::init() already adds the setup step, the start of the first interval)
  modify->addstep_compute_all(next_eval());
}

bigint FixEvents::next_eval() const
{
  return (update->ntimestep / nevery) * nevery + nevery;
}

void FixEvents::setup(int)
{
  capture_start();
}

// atoms without a disorder value at the interval start take the current one; a fix gives
// its values at its own output steps only (fix ave/atom: zeros before its first one), so a
// fix as the disorder quantity is first read at the end of the first interval
void FixEvents::capture_start()
{
  if (disorder.fix) return;
  const int nlocal = atom->nlocal;
  const int *mask = atom->mask;
  int need = 0;
  for (int i = 0; i < nlocal; ++i)
    if ((mask[i] & groupbit) && has_prev[i] == 0.0) need = 1;
  int any = 0;
  MPI_Allreduce(&need, &any, 1, MPI_INT, MPI_MAX, world);
  if (!any) return;
  evaluate_input(disorder, dis_buf, "disorder");
  for (int i = 0; i < nlocal; ++i)
    if ((mask[i] & groupbit) && has_prev[i] == 0.0) {
      prev[i] = dis_buf[i];
      has_prev[i] = 1.0;
    }
}

/* ----------------------------------------------------------------------
   the events of the interval that ends on this step
------------------------------------------------------------------------- */

void FixEvents::end_of_step()
{
  const bigint step = update->ntimestep;
  if (step % nevery || step == last_eval) return;

  evaluate_input(mobility, mob_buf, "mobility");
  evaluate_input(disorder, dis_buf, "disorder");

  const int nlocal = atom->nlocal;
  const int *mask = atom->mask;
  const tagint *tag = atom->tag;
  if ((int) cid.size() < atom->nmax) cid.resize(atom->nmax);
  for (int i = 0; i < nlocal; ++i)
    cid[i] = ((mask[i] & groupbit) && mob_buf[i] > threshold) ? (double) tag[i] : 0.0;
  connect();

  // members to rank 0
  std::vector<double> rec;
  for (int i = 0; i < nlocal; ++i) {
    if (cid[i] == 0.0) continue;
    const double delta = has_prev[i] != 0.0 ? dis_buf[i] - prev[i] : 0.0;
    const double *x = atom->x[i];
    rec.insert(rec.end(), {(double) tag[i], cid[i], mob_buf[i], delta, x[0], x[1], x[2]});
  }
  const int nme = (int) rec.size();
  std::vector<int> counts(comm->nprocs), displs(comm->nprocs);
  MPI_Gather(&nme, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, world);
  std::vector<double> all;
  if (comm->me == 0) {
    long total = 0;
    for (int p = 0; p < comm->nprocs; ++p) {
      displs[p] = (int) total;
      total += counts[p];
    }
    if (total > (long) INT_MAX)
      error->one(FLERR, "{} {}: too many active atoms to gather ({} values)", STYLE, id, total);
    all.resize(std::max(total, 1L));
  }
  MPI_Gatherv(rec.data(), nme, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE, 0,
              world);

  std::vector<double> accepted;    // ids of the events kept (minsize)
  double v[NVECTOR] = {};
  if (comm->me == 0) {
    std::vector<EV::Member> members(all.size() / NRECORD);
    for (std::size_t k = 0; k < members.size(); ++k) {
      const double *r = &all[NRECORD * k];
      EV::Member &m = members[k];
      m.tag = (std::int64_t) r[0];
      m.event = (std::int64_t) r[1];
      m.mobility = r[2];
      m.delta = r[3];
      for (int c = 0; c < 3; ++c) m.x[c] = r[4 + c];
    }
    EV::Box box;
    for (int c = 0; c < 3; ++c) {
      box.lo[c] = domain->boxlo[c];
      box.periodic[c] = domain->periodicity[c] != 0;
    }
    box.h[0] = domain->xprd;
    box.h[1] = domain->yprd;
    box.h[2] = domain->zprd;
    box.h[3] = domain->triclinic ? domain->yz : 0.0;
    box.h[4] = domain->triclinic ? domain->xz : 0.0;
    box.h[5] = domain->triclinic ? domain->xy : 0.0;
    const auto events = EV::aggregate(members, box, minsize);
    long active = 0, largest = 0;
    int ndamage = 0, nrecovery = 0;
    for (const auto &e : events) {
      accepted.push_back((double) e.id);
      active += e.size;
      largest = std::max(largest, e.size);
      if (e.sign > 0) ++ndamage;
      if (e.sign < 0) ++nrecovery;
      if (fp)
        AMORPH_NS::print(fp, "{} {} {} {:.10g} {:.10g} {} {:.10g} {:.10g} {:.10g}\n", step, e.id,
                         e.size, e.magnitude, e.delta, e.sign, e.centroid[0], e.centroid[1],
                         e.centroid[2]);
    }
    if (fp) fflush(fp);
    v[0] = (double) events.size();
    v[1] = ndamage;
    v[2] = nrecovery;
    v[6] = (double) active;
    v[7] = (double) largest;
  }
  int nacc = (int) accepted.size();
  MPI_Bcast(v, NVECTOR, MPI_DOUBLE, 0, world);
  MPI_Bcast(&nacc, 1, MPI_INT, 0, world);
  accepted.resize(nacc);
  if (nacc) MPI_Bcast(accepted.data(), nacc, MPI_DOUBLE, 0, world);

  cum_events += v[0];
  cum_damage += v[1];
  cum_recovery += v[2];
  v[3] = cum_events;
  v[4] = cum_damage;
  v[5] = cum_recovery;
  std::copy(v, v + NVECTOR, vec);

  for (int i = 0; i < nlocal; ++i) {
    event_id[i] = (cid[i] != 0.0 && std::binary_search(accepted.begin(), accepted.end(), cid[i]))
        ? cid[i]
        : 0.0;
    if (mask[i] & groupbit) {
      prev[i] = dis_buf[i];    // the start of the next interval
      has_prev[i] = 1.0;
    }
  }
  last_eval = step;
  modify->addstep_compute(step + nevery);
}

/* ----------------------------------------------------------------------
   connectivity: every active atom takes the smallest event id among its active
   neighbours within the cutoff (local and ghost atoms, i.e. across ranks and
   periodic boundaries) until no id changes anywhere: then each connected group
   of active atoms carries the smallest atom ID in it
------------------------------------------------------------------------- */

void FixEvents::connect()
{
  // cid holds the ids of the local atoms, sized to nmax by end_of_step(); within a run
  // current_ghosts() is a forward communication of x, which leaves nmax as it is
  AMORPH::current_ghosts(lmp);
  AMORPH_NS::forward_comm(comm, this);
  const int nlocal = atom->nlocal, nall = nlocal + atom->nghost;
  std::vector<int> act;
  std::vector<const double *> pts;
  for (int i = 0; i < nall; ++i)
    if (cid[i] != 0.0) {
      act.push_back(i);
      pts.push_back(atom->x[i]);
    }
  cells.build(pts.data(), (int) pts.size(), cutoff);
  std::vector<int> local_points;
  for (int k : cells.order())
    if (act[k] < nlocal) local_points.push_back(k);
  while (true) {
    int changed = 0;
    for (int k : local_points) {
      double &ci = cid[act[k]];
      cells.for_each_neighbor(k, [&](int j, double, double, double, double) {
        const double cj = cid[act[j]];
        if (cj < ci) {
          ci = cj;
          changed = 1;
        }
      });
    }
    int any = 0;
    MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, world);
    if (!any) break;
    AMORPH_NS::forward_comm(comm, this);
  }
}

int FixEvents::pack_forward_comm(int n, int *list, double *buf, int, int *)
{
  for (int k = 0; k < n; ++k) buf[k] = cid[list[k]];
  return n;
}

void FixEvents::unpack_forward_comm(int n, int first, double *buf)
{
  if ((int) cid.size() < first + n) cid.resize(first + n);
  for (int k = 0; k < n; ++k) cid[first + k] = buf[k];
}

/* ---------------------------------------------------------------------- */

double FixEvents::compute_vector(int n)
{
  return vec[n];
}

void FixEvents::open_file()
{
  bool fresh = true;
  if (append) {
    if (FILE *f = fopen(filename.c_str(), "r")) {
      fseek(f, 0, SEEK_END);
      fresh = ftell(f) == 0;
      fclose(f);
    }
  }
  fp = fopen(filename.c_str(), append ? "a" : "w");
  if (!fp)
    error->one(FLERR, "{} {}: cannot open event file {}: {}", STYLE, id, filename,
               utils::getsyserror());
  if (fresh) {
    AMORPH_NS::print(
        fp,
        "# AMORPH fix events v1: fix {} group {} N {} mobility {} threshold {} cutoff {} "
        "disorder {} minsize {}\n",
        id, group->names[igroup], nevery, mobility.text, threshold, cutoff, disorder.text, minsize);
    AMORPH_NS::print(fp, "# step event size magnitude delta sign xc yc zc\n");
    fflush(fp);
  }
}

/* ----------------------------------------------------------------------
   per-atom storage: disorder at the interval start, whether known, event id
------------------------------------------------------------------------- */

void FixEvents::grow_arrays(int nmax)
{
  memory->grow(prev, nmax, "events:prev");
  memory->grow(has_prev, nmax, "events:has_prev");
  memory->grow(event_id, nmax, "events:event_id");
  vector_atom = event_id;
  nmax_in = nmax;
}

void FixEvents::copy_arrays(int i, int j, int)
{
  prev[j] = prev[i];
  has_prev[j] = has_prev[i];
  event_id[j] = event_id[i];
}

void FixEvents::set_arrays(int i)
{
  // an atom created during an interval takes part from the next interval on
  prev[i] = has_prev[i] = event_id[i] = 0.0;
}

int FixEvents::pack_exchange(int i, double *buf)
{
  buf[0] = prev[i];
  buf[1] = has_prev[i];
  buf[2] = event_id[i];
  return 3;
}

int FixEvents::unpack_exchange(int nlocal, double *buf)
{
  prev[nlocal] = buf[0];
  has_prev[nlocal] = buf[1];
  event_id[nlocal] = buf[2];
  return 3;
}

int FixEvents::pack_restart(int i, double *buf)
{
  buf[0] = 4;    // size, as other fixes expect when skipping over this one
  buf[1] = prev[i];
  buf[2] = has_prev[i];
  buf[3] = event_id[i];
  return 4;
}

void FixEvents::unpack_restart(int nlocal, int nth)
{
  double **extra = atom->extra;
  int m = 0;
  for (int i = 0; i < nth; ++i) m += static_cast<int>(extra[nlocal][m]);
  if (static_cast<int>(extra[nlocal][m]) != 4)
    error->one(FLERR, "{} {}: per-atom restart data of unexpected size", STYLE, id);
  prev[nlocal] = extra[nlocal][m + 1];
  has_prev[nlocal] = extra[nlocal][m + 2];
  event_id[nlocal] = extra[nlocal][m + 3];
}

int FixEvents::size_restart(int)
{
  return 4;
}

int FixEvents::maxsize_restart()
{
  return 4;
}

void FixEvents::write_restart(FILE *f)
{
  if (comm->me != 0) return;
  std::vector<double> list = {
      (double) RESTART_VERSION, (double) nevery, cum_events, cum_damage, cum_recovery,
      (double) last_eval};
  list.insert(list.end(), vec, vec + NVECTOR);
  int size = (int) (list.size() * sizeof(double));
  fwrite(&size, sizeof(int), 1, f);
  fwrite(list.data(), sizeof(double), list.size(), f);
}

void FixEvents::restart(char *buf)
{
  auto *list = (double *) buf;
  if ((int) list[0] != RESTART_VERSION)
    error->all(FLERR, "{} {}: unsupported restart data version {}", STYLE, id, (int) list[0]);
  if ((bigint) list[1] != nevery)
    error->all(FLERR, "{} {}: the restart file was written with N = {}, this fix has N = {}", STYLE,
               id, (bigint) list[1], nevery);
  cum_events = list[2];
  cum_damage = list[3];
  cum_recovery = list[4];
  last_eval = (bigint) list[5];
  std::copy(list + 6, list + 6 + NVECTOR, vec);
}

double FixEvents::memory_usage()
{
  double bytes = 3.0 * nmax_in * sizeof(double);
  bytes += (double) (cid.capacity() + mob_buf.capacity() + dis_buf.capacity()) * sizeof(double);
  bytes += cells.memory_usage();
  return bytes;
}
