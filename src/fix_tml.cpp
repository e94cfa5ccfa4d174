/* -------------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix tml (see doc/src/fix_tml.rst)

   Windows.  Window m (m = 0, 1, ...) starts at step t0 = start + m*every
   and records, for every atom of the group, the squared displacement of its
   UNWRAPPED position (image flags, current box) at t0 + lag_steps[k],
   k = 0..d-1.  It completes at t0 + L (L = longest lag); at most
   nwin = ceil(L/every) windows are active at once and window m uses slot
   m % nwin (a completion is processed before a start at the same step, so
   the slot of window m is free again when window m + nwin starts).
   Per atom and slot: reference position (3), in-group flag at the start,
   d squared displacements.  These arrays belong to this fix (grow/copy/
   exchange/restart callbacks), so they migrate with the atoms and go to
   restart files; the schedule (slot start steps, temperature sums, next
   lag) is global restart state.  Only steps with an event are processed
   (end_of_step compares with next_event).

   Temperature.  T of a window = mean of the temperature samples taken at
   its start and at each of its lags (a number, an equal-style variable or
   a compute's global scalar); the features are log10(max(dr2, floor)/T).

   Training rows are gathered on rank 0 (each rank sends its rows in turn,
   rank 0 sorts them by atom ID and writes them with the kernel's
   FeatureWriter), so the file does not depend on the number of ranks.
   The model is read (or built from feature files) on rank 0, broadcast as
   bytes and validated on every rank; each rank classifies its own atoms.
------------------------------------------------------------------------- */

#include "fix_tml.h"

#include "amorph_args.h"
#include "amorph_compat.h"
#include "tml_check.h"
#include "tml_model.h"

#include "atom.h"
#include "citeme.h"
#include "comm.h"
#include "compute.h"
#include "domain.h"
#include "error.h"
#include "force.h"
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
#include <exception>
#include <fstream>
#include <numeric>
#include <set>

using namespace LAMMPS_NS;
using namespace FixConst;
namespace TML = AMORPH::tml;

static const char STYLE[] = "Fix tml";
static constexpr int RESTART_VERSION = 4;    // 3: without the continuous box; 2: one origin

static const char cite_tml[] =
    "fix tml (AMORPH): machine-learned temperature T_ML\n\n"
    "@Article{TMLacoustoplastic,\n"
    " title = {Machine learning atomic dynamics to unfold the origin of plasticity in metallic "
    "glasses: From thermo- to acousto-plastic flow},\n"
    " journal = {Sci.\\ China Mater.}, note = {kNN machine-learned temperature}\n}\n\n";

// keywords that end a list argument (lags ..., model features ...)
static const std::set<std::string> KEYWORDS = {
    "temp",    "lags",     "every",     "start",   "nwindows",  "train", "format",
    "label",   "model",    "savemodel", "k",       "threshold", "floor", "features",
    "threads", "classify", "affine",    "origins", "check"};

/* ---------------------------------------------------------------------- */

FixTML::FixTML(LAMMPS *lmp, int narg, char **arg) :
    Fix(lmp, narg, arg), every(0), start(0), nwindows_max(0), nwin(1), temp_mode(-1),
    temp_const(0.0), label(0.0), label_given(0), threshold(0.0), threshold_given(0),
    dr2_floor(TML::DEFAULT_DR2_FLOOR), floor_given(0), features_flag(-1), affine_remove(1),
    nthreads(1), norigins(1), origin_dt(0.0), origin_steps(0), kneigh(0),
    check_per_class((bigint) AMORPH::tml::DEFAULT_CHECK_PER_CLASS), dt_defined(0.0),
    train_binary(0), slot_cols(0), hist_cols(0), out_cols(0), hist(nullptr), out(nullptr),
    windows_started(0), windows_done(0), last_processed(-1), next_event(-1), restored_global(0),
    restored_peratom(0), g_start(-1.0), g_mean(0.0), g_frac(0.0), g_temp(0.0), g_count(0.0)
{
  if (lmp->citeme) lmp->citeme->add(cite_tml);
  if (narg < 5) AMORPH_NS::missing_cmd_args(FLERR, "fix tml", error);

  nthreads = std::max(1, comm->nthreads);
  const AMORPH::StyleArgs args(lmp, STYLE);
  int lags_given = 0, k_given = 0, every_given = 0;
  std::vector<std::string> model_files;
  int model_from_features = 0;
  std::string save_model, classify_in, classify_out;

  auto need = [&](int iarg, int n, const char *kw) {
    if (iarg + n >= narg) AMORPH_NS::missing_cmd_args(FLERR, std::string(STYLE) + " " + kw, error);
  };
  // value of keyword kw (at iarg) that must be one of two words: 0 for the first, 1 for the second
  auto pick = [&](int iarg, const char *kw, const std::string &a, const std::string &b) {
    need(iarg, 1, kw);
    const std::string v = arg[iarg + 1];
    if (v != a && v != b)
      error->all(FLERR, "{}: {} must be '{}' or '{}', got '{}'", STYLE, kw, a, b, v);
    return v == a ? 0 : 1;
  };
  auto list_end = [&](int iarg) {
    int j = iarg;
    while (j < narg && KEYWORDS.count(arg[j]) == 0) ++j;
    return j;
  };

  int iarg = 3;
  while (iarg < narg) {
    const std::string kw = arg[iarg];
    if (kw == "temp") {
      need(iarg, 1, "temp");
      const std::string v = arg[iarg + 1];
      if (utils::strmatch(v, "^v_")) {
        temp_mode = TEMP_VARIABLE;
        temp_id = v.substr(2);
      } else if (utils::strmatch(v, "^c_")) {
        temp_mode = TEMP_COMPUTE;
        temp_id = v.substr(2);
      } else {
        temp_mode = TEMP_CONST;
        temp_const = args.number("temp", v.c_str());
        if (!(temp_const > 0.0) || !std::isfinite(temp_const))
          error->all(FLERR, "{}: temp must be > 0, got {}", STYLE, v);
      }
      iarg += 2;
    } else if (kw == "lags") {
      const int j = list_end(iarg + 1);
      if (j == iarg + 1) error->all(FLERR, "{}: lags needs at least one lag time", STYLE);
      lags.clear();
      for (int a = iarg + 1; a < j; ++a) {
        const double v = args.number("lags", arg[a]);
        if (!(v > 0.0) || !std::isfinite(v))
          error->all(FLERR, "{}: lag times must be > 0, got {}", STYLE, arg[a]);
        if (!lags.empty() && !(v > lags.back()))
          error->all(FLERR, "{}: lag times must be increasing, got {} after {}", STYLE, arg[a],
                     lags.back());
        lags.push_back(v);
      }
      lags_given = 1;
      iarg = j;
    } else if (kw == "every") {
      need(iarg, 1, "every");
      every = args.big("every", arg[iarg + 1]);
      if (every <= 0)
        error->all(FLERR, "{}: every must be > 0 steps, got {}", STYLE, arg[iarg + 1]);
      every_given = 1;
      iarg += 2;
    } else if (kw == "start") {
      need(iarg, 1, "start");
      start = args.big("start", arg[iarg + 1]);
      if (start < 0) error->all(FLERR, "{}: start must be >= 0, got {}", STYLE, arg[iarg + 1]);
      iarg += 2;
    } else if (kw == "nwindows") {
      need(iarg, 1, "nwindows");
      nwindows_max = args.big("nwindows", arg[iarg + 1]);
      if (nwindows_max < 0)
        error->all(FLERR, "{}: nwindows must be >= 0, got {}", STYLE, arg[iarg + 1]);
      iarg += 2;
    } else if (kw == "train") {
      need(iarg, 1, "train");
      train_file = arg[iarg + 1];
      iarg += 2;
    } else if (kw == "format") {
      train_binary = pick(iarg, "format", "text", "binary");
      iarg += 2;
    } else if (kw == "label") {
      need(iarg, 1, "label");
      label = args.number("label", arg[iarg + 1]);
      if (!std::isfinite(label)) error->all(FLERR, "{}: label must be finite", STYLE);
      label_given = 1;
      iarg += 2;
    } else if (kw == "model") {
      need(iarg, 1, "model");
      model_files.clear();
      if (strcmp(arg[iarg + 1], "features") == 0) {
        const int j = list_end(iarg + 2);
        if (j == iarg + 2)
          error->all(FLERR, "{}: model features needs at least one feature file", STYLE);
        for (int a = iarg + 2; a < j; ++a) model_files.emplace_back(arg[a]);
        model_from_features = 1;
        iarg = j;
      } else {
        model_files.emplace_back(arg[iarg + 1]);
        model_from_features = 0;
        iarg += 2;
      }
    } else if (kw == "savemodel") {
      need(iarg, 1, "savemodel");
      save_model = arg[iarg + 1];
      iarg += 2;
    } else if (kw == "k") {
      need(iarg, 1, "k");
      const int kv = args.integer("k", arg[iarg + 1]);
      if (kv <= 0) error->all(FLERR, "{}: k must be > 0, got {}", STYLE, arg[iarg + 1]);
      kneigh = (unsigned) kv;
      k_given = 1;
      iarg += 2;
    } else if (kw == "threshold") {
      need(iarg, 1, "threshold");
      threshold = args.number("threshold", arg[iarg + 1]);
      threshold_given = 1;
      iarg += 2;
    } else if (kw == "floor") {
      need(iarg, 1, "floor");
      dr2_floor = args.number("floor", arg[iarg + 1]);
      if (!(dr2_floor > 0.0) || !std::isfinite(dr2_floor))
        error->all(FLERR, "{}: floor must be > 0, got {}", STYLE, arg[iarg + 1]);
      floor_given = 1;
      iarg += 2;
    } else if (kw == "features") {
      need(iarg, 1, "features");
      features_flag = args.logical("features", arg[iarg + 1]) ? 1 : 0;
      iarg += 2;
    } else if (kw == "affine") {
      affine_remove = 1 - pick(iarg, "affine", "remove", "keep");
      iarg += 2;
    } else if (kw == "threads") {
      need(iarg, 1, "threads");
      nthreads = args.integer("threads", arg[iarg + 1]);
      if (nthreads <= 0) error->all(FLERR, "{}: threads must be > 0, got {}", STYLE, arg[iarg + 1]);
      iarg += 2;
    } else if (kw == "check") {
      need(iarg, 1, "check");
      check_per_class = args.big("check", arg[iarg + 1]);
      if (check_per_class < 0)
        error->all(FLERR, "{}: check must be >= 0 instances per class, got {}", STYLE,
                   arg[iarg + 1]);
      iarg += 2;
    } else if (kw == "origins") {
      need(iarg, 2, "origins");
      norigins = args.integer("origins", arg[iarg + 1]);
      if (norigins < 1 || norigins > 1000)
        error->all(FLERR, "{}: origins M must be between 1 and 1000, got {}", STYLE, arg[iarg + 1]);
      origin_dt = args.number("origins", arg[iarg + 2]);
      if (!(origin_dt > 0.0) || !std::isfinite(origin_dt))
        error->all(FLERR, "{}: origins spacing must be > 0, got {}", STYLE, arg[iarg + 2]);
      iarg += 3;
    } else if (kw == "classify") {
      need(iarg, 2, "classify");
      classify_in = arg[iarg + 1];
      classify_out = arg[iarg + 2];
      iarg += 3;
    } else {
      error->all(FLERR, "{}: unknown keyword '{}'", STYLE, kw);
    }
  }

  if (temp_mode < 0)
    error->all(FLERR, "{}: keyword 'temp' (a number, v_name or c_ID) is required", STYLE);
  // default floor: 1e-10 Angstrom^2 in the distance units of the unit style
  if (!floor_given) dr2_floor = TML::DEFAULT_DR2_FLOOR * force->angstrom * force->angstrom;
  check_temp_source();
  if (save_model.size() && !model_from_features)
    error->all(FLERR, "{}: savemodel needs 'model features file1 ...'", STYLE);
  if (classify_in.size() && model_files.empty())
    error->all(FLERR, "{}: classify needs a model ('model file' or 'model features ...')", STYLE);
  if (!train_file.empty() && !label_given && temp_mode != TEMP_CONST && comm->me == 0)
    error->warning(FLERR,
                   "{}: training labels will be the window-averaged temperature of {}; "
                   "use 'label T' for one label per run",
                   STYLE, temp_id);

  // ---- model (prediction mode)
  if (!model_files.empty()) {
    parse_model(model_files, model_from_features, save_model);
    if (!lags_given)
      lags = model->lags();
    else {
      try {
        model->check_compatible(lags, update->unit_style);
      } catch (std::exception &e) {
        error->all(FLERR, "{}: lags or units do not match the model: {}", STYLE, e.what());
      }
    }
    if (model->units() != update->unit_style)
      error->all(FLERR, "{}: the model was trained in units '{}' but the unit style is '{}'", STYLE,
                 model->units(), update->unit_style);
    check_recording(model->metadata(),
                    model_from_features ? "model built from the feature files"
                                        : "model '" + model_files[0] + "'");
    if (!floor_given)
      dr2_floor = model->dr2_floor();
    else if (dr2_floor != model->dr2_floor())
      error->all(FLERR, "{}: floor {} differs from the model's floor {}", STYLE, dr2_floor,
                 model->dr2_floor());
    if (!k_given) kneigh = model->k_default();
    if (kneigh > model->size())
      error->all(FLERR, "{}: k = {} is larger than the {} training instances of the model {}",
                 STYLE, kneigh, model->size(), model_files[0]);
    try {
      knn = std::make_unique<TML::KNNRegressor>(*model, kneigh);
    } catch (std::exception &e) {
      error->all(FLERR, "{}: cannot set up the kNN search: {}", STYLE, e.what());
    }
    if (check_per_class > 0) report_model_check();
    if (!classify_in.empty()) classify_file(classify_in, classify_out);
  } else if (k_given && comm->me == 0) {
    error->warning(FLERR, "{}: k is ignored without a model", STYLE);
  }

  // ---- default lags: 0.2 ... 200 ps (1-2-5 steps), converted to the unit style
  if (lags.empty()) {
    if (strcmp(update->unit_style, "lj") == 0)
      error->all(FLERR,
                 "{}: unit style lj has no physical time unit: give the lag times with "
                 "'lags dt1 dt2 ...'",
                 STYLE);
    const double ps = 1000.0 * force->femtosecond;
    for (double v : {0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0})
      lags.push_back(v * ps);
  }
  try {
    recording().validate();
  } catch (std::exception &e) {
    error->all(FLERR, "{}: {}", STYLE, e.what());
  }

  // ---- lags in steps, window schedule
  dt_defined = update->dt;
  cbox.reset(domain->h);
  check_timestep("defined");
  build_events();
  const bigint L = ev_off.back();    // window length: last origin + longest lag
  if (!every_given) every = L;
  const bigint nw = (L + every - 1) / every;
  if (nw > 1000)
    error->all(FLERR,
               "{}: every {} with a longest lag of {} steps needs {} simultaneous windows "
               "(at most 1000)",
               STYLE, every, L, nw);
  nwin = (int) nw;
  if (features_flag < 0) features_flag = model ? 0 : 1;

  const int d = (int) lags.size();
  slot_cols = 4 + d + 3 * (norigins - 1);
  hist_cols = nwin * slot_cols;
  out_cols = features_flag ? 1 + d : 1;
  init_slots();

  // ---- training output (rank 0)
  if (!train_file.empty()) {
    rank0_try("cannot open the training feature file", [&]() {
      writer = std::make_unique<TML::FeatureWriter>(train_file, recording(),
                                                    train_binary ? TML::FeatureFormat::Binary
                                                                 : TML::FeatureFormat::Text);
    });
  }

  // ---- outputs
  peratom_flag = 1;
  size_peratom_cols = features_flag ? 1 + d : 0;
  peratom_freq = 1;
  vector_flag = 1;
  size_vector = 6;
  global_freq = 1;
  extvector = 0;
  restart_global = 1;
  restart_peratom = 1;
  create_attribute = 1;
  nevery = 1;
  maxexchange = hist_cols + out_cols;

  FixTML::grow_arrays(atom->nmax);
  atom->add_callback(Atom::GROW);
  atom->add_callback(Atom::RESTART);
  for (int i = 0; i < atom->nlocal; ++i) {
    for (int c = 0; c < hist_cols; ++c) hist[i][c] = 0.0;
    for (int c = 0; c < out_cols; ++c) out[i][c] = 0.0;
  }
}

/* ---------------------------------------------------------------------- */

FixTML::~FixTML()
{
  if (modify->nfix && atom) {
    atom->delete_callback(id, Atom::GROW);
    atom->delete_callback(id, Atom::RESTART);
  }
  if (writer) {
    try {
      writer->close();
    } catch (std::exception &e) {
      if (comm->me == 0) error->warning(FLERR, "{} {}: {}", STYLE, id, e.what());
    }
  }
  memory->destroy(hist);
  memory->destroy(out);
}

int FixTML::setmask()
{
  return END_OF_STEP;
}

void FixTML::init_slots()
{
  slot_t0.assign(nwin, -1);
  slot_tsum.assign(nwin, 0.0);
  slot_tcount.assign(nwin, 0);
  slot_next.assign(nwin, 0);
}

/* ----------------------------------------------------------------------
   errors thrown on rank 0 only (file I/O) become error->all on every rank
------------------------------------------------------------------------- */

void FixTML::fail(const std::string &msg)
{
  error->all(FLERR,
             std::string(STYLE) + ": " +
                 msg);    // the overload that is [[noreturn]] in all versions
}

template <typename F> void FixTML::rank0_try(const char *what, F &&f)
{
  std::string msg;
  int flag = 0;
  if (comm->me == 0) {
    try {
      f();
    } catch (std::exception &e) {
      msg = e.what();
      flag = 1;
    }
  }
  MPI_Bcast(&flag, 1, MPI_INT, 0, world);
  if (!flag) return;
  int len = (int) msg.size();
  MPI_Bcast(&len, 1, MPI_INT, 0, world);
  msg.resize(len);
  MPI_Bcast(&msg[0], len, MPI_CHAR, 0, world);
  fail(std::string(what) + ": " + msg);
}

static void bcast_bytes(std::vector<unsigned char> &buf, MPI_Comm world)
{
  unsigned long long n = buf.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, world);
  buf.resize(n);
  const std::size_t chunk = 1u << 30;
  for (std::size_t off = 0; off < n; off += chunk) {
    const int len = (int) std::min<std::size_t>(chunk, n - off);
    MPI_Bcast(buf.data() + off, len, MPI_UNSIGNED_CHAR, 0, world);
  }
}

/* ----------------------------------------------------------------------
   model: read (or build from feature files) on rank 0, broadcast, validate
------------------------------------------------------------------------- */

/* ----------------------------------------------------------------------
   how this fix records features (the metadata of its feature files), and
   the check of a model's training against it
------------------------------------------------------------------------- */

TML::Metadata FixTML::recording() const
{
  TML::Metadata meta;
  meta.units = update->unit_style;
  meta.lags = lags;
  meta.dr2_floor = dr2_floor;
  meta.affine = affine_remove ? TML::AFFINE_REMOVE : TML::AFFINE_KEEP;
  meta.origins = (std::uint32_t) norigins;
  return meta;
}

void FixTML::check_recording(const TML::Metadata &trained, const std::string &what)
{
  try {
    const TML::Metadata now = recording();
    for (const std::string &w : TML::check_recording(trained, now.affine, now.origins, what))
      if (comm->me == 0) error->warning(FLERR, "{} {}: {}", STYLE, id, w);
  } catch (std::exception &e) {
    error->all(FLERR, "{} {}: {}", STYLE, id, e.what());
  }
}

void FixTML::parse_model(const std::vector<std::string> &files, int from_features,
                         const std::string &save)
{
  std::vector<unsigned char> bytes;
  std::string source;
  if (from_features) {
    source = "T_ML model built from " + std::to_string(files.size()) + " feature file(s)";
    rank0_try("cannot build the model from the feature files", [&]() {
      // TML::build_model() (metadata and recording settings checked over all files), with
      // the default k limited to the number of instances
      const TML::Model all = TML::build_model(files, 1);
      const std::size_t kd = std::min<std::size_t>(kneigh ? kneigh : TML::DEFAULT_K, all.size());
      TML::Model m(all.metadata(), all.labels(), all.features(), (std::uint32_t) kd);
      bytes = m.to_bytes();
      if (!save.empty()) m.save(save);
      utils::logmesg(
          lmp, "{}: model of {} instances x {} features built from {} feature file(s){}\n", STYLE,
          m.size(), m.dim(), files.size(), save.empty() ? std::string() : ", saved to " + save);
    });
  } else {
    source = "T_ML model file '" + files[0] + "'";
    rank0_try("cannot read the model file", [&]() {
      std::ifstream in(files[0], std::ios::binary);
      if (!in) throw std::runtime_error("cannot open '" + files[0] + "': " + std::strerror(errno));
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (in.bad()) throw std::runtime_error("read error on '" + files[0] + "'");
    });
  }
  bcast_bytes(bytes, world);
  try {
    model =
        std::make_unique<TML::Model>(TML::Model::from_bytes(bytes.data(), bytes.size(), source));
  } catch (std::exception &e) {
    error->all(FLERR, "{}: bad model: {}", STYLE, e.what());
  }
}

/* ----------------------------------------------------------------------
   model check on rank 0: per-class counts, leave-one-out T_ML of a
   subsample, AUC of adjacent classes; warnings name overlapping classes
------------------------------------------------------------------------- */

void FixTML::report_model_check()
{
  if (comm->me != 0) return;
  if ((std::size_t) kneigh + 1 > model->size()) {
    error->warning(FLERR, "{}: model check skipped: k + 1 = {} exceeds the {} instances", STYLE,
                   kneigh + 1, model->size());
    return;
  }
  try {
    const TML::ModelCheck mc = TML::check_model(*model, kneigh, (std::size_t) check_per_class,
                                                TML::DEFAULT_MIN_AUC, (unsigned) nthreads);
    utils::logmesg(lmp, "{} {}: {}", STYLE, id, mc.summary());
    for (const std::string &w : mc.warnings()) error->warning(FLERR, "{} {}: {}", STYLE, id, w);
  } catch (std::exception &e) {
    error->warning(FLERR, "{}: model check failed: {}", STYLE, e.what());
  }
}

/* ----------------------------------------------------------------------
   classify the rows of a feature file (labels ignored) and write
   "label T_ML" per row; rows split over the ranks; timings to the log
------------------------------------------------------------------------- */

void FixTML::classify_file(const std::string &qfile, const std::string &ofile)
{
  const int d = (int) model->dim();
  std::vector<double> X, labels;
  unsigned long long n = 0;
  rank0_try("cannot classify the feature file", [&]() {
    TML::FeatureSet set = TML::read_features(qfile);
    TML::check_compatible(set.meta, model->lags(), model->units(),
                          "feature file '" + qfile + "' (classify)");
    // the query rows were recorded as set.meta says: compare with the model's training
    for (const std::string &w :
         TML::check_recording(model->metadata(), set.meta.affine, set.meta.origins,
                              "model for classify of '" + qfile + "'"))
      error->warning(FLERR, "{}: {}", STYLE, w);
    X = std::move(set.features);
    labels = std::move(set.labels);
    n = labels.size();
  });
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, world);
  if (n * (unsigned long long) d > (unsigned long long) INT_MAX)
    fail("classify: feature file '" + qfile + "' is too large (more than 2^31 values)");
  X.resize(n * d);
  MPI_Bcast(X.data(), (int) (n * d), MPI_DOUBLE, 0, world);

  const int nprocs = comm->nprocs, me = comm->me;
  std::vector<int> counts(nprocs), displs(nprocs);
  for (int p = 0; p < nprocs; ++p) {
    const bigint lo = (bigint) n * p / nprocs, hi = (bigint) n * (p + 1) / nprocs;
    counts[p] = (int) (hi - lo);
    displs[p] = (int) lo;
  }
  std::vector<double> mine(counts[me]), all(me == 0 ? n : 0);
  MPI_Barrier(world);
  const double t0 = MPI_Wtime();
  if (counts[me] > 0) {
    try {
      knn->predict_batch(X.data() + (std::size_t) displs[me] * d, counts[me], mine.data(),
                         (unsigned) nthreads);
    } catch (std::exception &e) {
      error->one(FLERR, "{}: classify '{}': {}", STYLE, qfile, e.what());
    }
  }
  const double tlocal = MPI_Wtime() - t0;
  double tmax = 0.0;
  MPI_Allreduce(&tlocal, &tmax, 1, MPI_DOUBLE, MPI_MAX, world);
  MPI_Gatherv(mine.data(), counts[me], MPI_DOUBLE, all.data(), counts.data(), displs.data(),
              MPI_DOUBLE, 0, world);
  rank0_try("cannot write the classify output", [&]() {
    std::FILE *fp = std::fopen(ofile.c_str(), "w");
    if (!fp) throw std::runtime_error("cannot open '" + ofile + "': " + std::strerror(errno));
    fmt::print(fp, "# fix tml classify: {} rows of {}, model {} x {}, k = {}\n# label T_ML\n", n,
               qfile, model->size(), model->dim(), kneigh);
    for (unsigned long long i = 0; i < n; ++i) fmt::print(fp, "{} {}\n", labels[i], all[i]);
    if (std::fclose(fp) != 0) throw std::runtime_error("write error on '" + ofile + "'");
  });
  if (me == 0)
    utils::logmesg(lmp,
                   "{}: classified {} rows of {} in {:.6f} s ({:.1f} rows/s; k = {}, {} thread(s) "
                   "x {} rank(s)) -> {}\n",
                   STYLE, n, qfile, tmax, tmax > 0 ? n / tmax : 0.0, kneigh, nthreads, nprocs,
                   ofile);
}

/* ----------------------------------------------------------------------
   lags in steps; they must be multiples of the timestep, which must not
   change after the fix was defined (the window slots depend on it)
------------------------------------------------------------------------- */

void FixTML::check_timestep(const char *when)
{
  const double dt = update->dt;
  if (!(dt > 0.0)) error->all(FLERR, "{}: timestep must be > 0", STYLE);
  // a time (lag or origin spacing) as a whole number of steps
  auto whole_steps = [&](double t, const char *what) {
    const double r = t / dt;
    const bigint s = (bigint) std::llround(r);
    if (s < 1 || std::fabs(s * dt - t) > 1.0e-6 * t)
      error->all(FLERR,
                 "{}: {} {} is not a multiple of the timestep {} ({}/dt = {}); choose "
                 "times that are whole numbers of steps",
                 STYLE, what, t, dt, what, r);
    return s;
  };
  std::vector<bigint> steps;
  for (double lag : lags) {
    const bigint s = whole_steps(lag, "lag");
    if (!steps.empty() && s <= steps.back())
      error->all(FLERR, "{}: lags {} and {} are the same number of steps ({})", STYLE,
                 lags[steps.size() - 1], lag, s);
    steps.push_back(s);
  }
  const bigint osteps = norigins > 1 ? whole_steps(origin_dt, "origins spacing") : 0;
  if (!lag_steps.empty() && (steps != lag_steps || osteps != origin_steps))
    error->all(FLERR,
               "{}: the timestep changed from {} (when the fix was {}) to {}: the lags would "
               "change; define the fix after the timestep command",
               STYLE, dt_defined, when, dt);
  lag_steps = steps;
  origin_steps = osteps;
}

/* ----------------------------------------------------------------------
   the events of a window relative to its start t0: origin j (j = 0..M-1)
   at offset j*origin_steps takes its reference positions, and its lag k is
   recorded at j*origin_steps + lag_steps[k]; offset 0 is the window start
   (start_window).  With one origin the events are the lags.
------------------------------------------------------------------------- */

void FixTML::build_events()
{
  std::vector<std::pair<bigint, std::pair<int, int>>> all;    // (offset, (origin, lag or -1))
  for (int j = 0; j < norigins; ++j) {
    const bigint o = (bigint) j * origin_steps;
    if (j > 0) all.push_back({o, {j, -1}});
    for (int k = 0; k < (int) lag_steps.size(); ++k) all.push_back({o + lag_steps[k], {j, k}});
  }
  // at equal offsets: references before lags, then by origin and lag
  std::sort(all.begin(), all.end());
  ev_off.clear();
  ev_origin.clear();
  ev_lags.clear();
  for (auto &e : all) {
    if (ev_off.empty() || ev_off.back() != e.first) {
      ev_off.push_back(e.first);
      ev_origin.emplace_back();
      ev_lags.emplace_back();
    }
    if (e.second.second < 0)
      ev_origin.back().push_back(e.second.first);
    else
      ev_lags.back().push_back(e.second);
  }
}

// the variable or compute giving T exists and is of the right kind (checked when the fix is
// defined and again at each init: it may have been deleted or redefined in between)
void FixTML::check_temp_source()
{
  if (temp_mode == TEMP_VARIABLE) {
    const int ivar = input->variable->find(temp_id.c_str());
    if (ivar < 0) error->all(FLERR, "{}: temp variable '{}' does not exist", STYLE, temp_id);
    if (!input->variable->equalstyle(ivar))
      error->all(FLERR, "{}: temp variable '{}' is not an equal-style variable", STYLE, temp_id);
  } else if (temp_mode == TEMP_COMPUTE) {
    Compute *c = AMORPH_NS::compute_by_id(modify, temp_id);
    if (!c) error->all(FLERR, "{}: temp compute '{}' does not exist", STYLE, temp_id);
    if (!c->scalar_flag)
      error->all(FLERR, "{}: temp compute '{}' does not compute a global scalar", STYLE, temp_id);
  }
}

void FixTML::init()
{
  check_timestep("defined");
  check_temp_source();
}

/* ---------------------------------------------------------------------- */

void FixTML::setup(int /*vflag*/)
{
  const bigint t = update->ntimestep;
  bool dropped = false;
  if (restored_global) {
    // LAMMPS matches the per-atom restart record by the style name with its suffix (e.g.
    // tml/kk), the global one without it in newer versions: the window history may be
    // missing while the schedule came back (a restart of fix tml/kk read by fix tml)
    int any = restored_peratom, all = 0;
    MPI_Allreduce(&any, &all, 1, MPI_INT, MPI_MAX, world);
    bool busy = false;
    for (int s = 0; s < nwin; ++s) busy |= slot_t0[s] >= 0;
    if (!all && busy) {
      init_slots();
      if (comm->me == 0)
        error->warning(FLERR,
                       "{} {}: the restart file holds this fix's window schedule but not its "
                       "per-atom window history (written by another style, e.g. {}): the windows "
                       "in progress were dropped",
                       STYLE, id, utils::strmatch(style, "/kk") ? "tml" : "tml/kk");
    }
    restored_global = restored_peratom = 0;
  }
  if (t < last_processed) {
    // reset_timestep backwards: the windows in progress cannot continue
    for (int s = 0; s < nwin; ++s) dropped |= slot_t0[s] >= 0;
    init_slots();
    last_processed = -1;
  } else {
    for (int s = 0; s < nwin; ++s) {
      if (slot_t0[s] < 0) continue;
      const bigint due = slot_t0[s] + ev_off[slot_next[s]];
      if (due < t || (due == t && t == last_processed)) {
        slot_t0[s] = -1;
        dropped = true;
      }
    }
  }
  if (dropped && comm->me == 0)
    error->warning(FLERR, "{} {}: the time step jumped to {}: windows in progress were dropped",
                   STYLE, id, t);
  track_box(true);
  sync_atoms_for_events();
  process_step();
}

void FixTML::end_of_step()
{
  const bool event = update->ntimestep == next_event;
  track_box(event);
  if (event) {
    sync_atoms_for_events();
    process_step();
  }
}

/* ----------------------------------------------------------------------
   affine remove: follow the box every step (flips of triclinic boxes, see
   kernels/box_frame.h) and, at events, the frame in which positions are kept:
   the continuous box, with shrink-wrapped dimensions as Cartesian coordinates
------------------------------------------------------------------------- */

void FixTML::track_box(bool frame_needed)
{
  if (!affine_remove) return;
  if (domain->triclinic) cbox.update(domain->h, domain->xperiodic, domain->yperiodic);
  if (!frame_needed) return;
  bool shrink[3];
  for (int d = 0; d < 3; ++d)
    shrink[d] = domain->boundary[d][0] >= 2 || domain->boundary[d][1] >= 2;
  double hc[6];
  for (int k = 0; k < 6; ++k) hc[k] = domain->triclinic ? cbox.hc()[k] : domain->h[k];
  try {
    frame = AMORPH::box::affine_frame(hc, domain->boxlo, shrink);
  } catch (std::exception &e) {
    error->all(FLERR, "{} {}: {}", STYLE, id, e.what());
  }
}

/* ---------------------------------------------------------------------- */

double FixTML::sample_temperature()
{
  double T = 0.0;
  if (temp_mode == TEMP_CONST) return temp_const;
  modify->clearstep_compute();
  if (temp_mode == TEMP_VARIABLE) {
    const int ivar = input->variable->find(temp_id.c_str());
    if (ivar < 0) error->all(FLERR, "{}: temp variable '{}' does not exist", STYLE, temp_id);
    T = input->variable->compute_equal(ivar);
  } else {
    Compute *c = AMORPH_NS::compute_by_id(modify, temp_id);
    if (!c) error->all(FLERR, "{}: temp compute '{}' does not exist", STYLE, temp_id);
    if (c->invoked_scalar != update->ntimestep) c->compute_scalar();
    T = c->scalar;
  }
  if (!(T > 0.0) || !std::isfinite(T))
    error->all(FLERR, "{}: temperature {} from {}_{} is not > 0 at step {}", STYLE, T,
               temp_mode == TEMP_VARIABLE ? "v" : "c", temp_id, update->ntimestep);
  return T;
}

void FixTML::process_step()
{
  const bigint t = update->ntimestep;
  if (t == last_processed) {
    compute_next_event();
    return;
  }
  const int nev = (int) ev_off.size();
  bool have_T = false;
  double T = 0.0;
  auto temp = [&]() {
    if (!have_T) {
      T = sample_temperature();
      have_T = true;
    }
    return T;
  };

  // lags due now, completions
  for (int s = 0; s < nwin; ++s) {
    if (slot_t0[s] < 0) continue;
    while (slot_next[s] < nev && slot_t0[s] + ev_off[slot_next[s]] == t) {
      const int e = slot_next[s];
      for (int j : ev_origin[e]) record_origin(s, j);
      for (auto &jk : ev_lags[e]) record_lag(s, jk.first, jk.second);
      slot_tsum[s] += temp();
      slot_tcount[s] += 1;
      slot_next[s] += 1;
    }
    if (slot_next[s] == nev) complete_window(s);
  }

  // a window starts now
  if (t >= start && (t - start) % every == 0 &&
      (nwindows_max == 0 || windows_started < nwindows_max)) {
    const int s = (int) (((t - start) / every) % nwin);
    if (slot_t0[s] >= 0) error->all(FLERR, "{}: internal error: window slot {} is busy", STYLE, s);
    start_window(s);
    slot_t0[s] = t;
    slot_tsum[s] = temp();
    slot_tcount[s] = 1;
    slot_next[s] = 0;
    windows_started++;
  }
  last_processed = t;
  compute_next_event();
}

void FixTML::compute_next_event()
{
  const bigint t = update->ntimestep;
  bigint next = -1;
  auto take = [&](bigint s) {
    if (s > t && (next < 0 || s < next)) next = s;
  };
  for (int s = 0; s < nwin; ++s)
    if (slot_t0[s] >= 0) take(slot_t0[s] + ev_off[slot_next[s]]);
  if (nwindows_max == 0 || windows_started < nwindows_max) {
    if (t < start)
      take(start);
    else
      take(start + ((t - start) / every + 1) * every);
  }
  next_event = next;
  if (next >= 0 && temp_mode != TEMP_CONST) modify->addstep_compute(next);
}

/* ---------------------------------------------------------------------- */

/* ----------------------------------------------------------------------
   positions kept at a window start: unwrapped Cartesian coordinates, or, with
   affine remove, unwrapped fractional coordinates s = H^-1 (x - boxlo), so that
   H(t) (s(t) - s(t0)) is the displacement without the box's affine deformation
   (e.g. the strain of fix acoustic or fix deform)
------------------------------------------------------------------------- */

void FixTML::reference_coords(int i, double *out) const
{
  double xu[3];
  domain->unmap(atom->x[i], atom->image[i], xu);
  if (!affine_remove) {
    for (int d = 0; d < 3; ++d) out[d] = xu[d];
    return;
  }
  frame.fractional(xu, out);
}

void FixTML::start_window(int s)
{
  int *mask = atom->mask;
  const int nlocal = atom->nlocal, base = s * slot_cols;
  for (int i = 0; i < nlocal; ++i) {
    double *h = hist[i] + base;
    for (int c = 0; c < slot_cols; ++c) h[c] = 0.0;
    reference_coords(i, h);
    h[3] = (mask[i] & groupbit) ? 1.0 : 0.0;
  }
}

// per-atom slot layout: ref x y z of origin 0, in-group flag, d sums of squared
// displacements, then ref x y z of origins 1..M-1
double *FixTML::origin_ref(double *h, int j) const
{
  return j == 0 ? h : h + 4 + lag_steps.size() + 3 * (j - 1);
}

void FixTML::record_origin(int s, int j)
{
  const int nlocal = atom->nlocal, base = s * slot_cols;
  for (int i = 0; i < nlocal; ++i) {
    double *h = hist[i] + base;
    if (h[3] == 0.0) continue;
    reference_coords(i, origin_ref(h, j));
  }
}

void FixTML::record_lag(int s, int j, int k)
{
  const int nlocal = atom->nlocal, base = s * slot_cols;
  double c[3], ds[3], dx[3];
  for (int i = 0; i < nlocal; ++i) {
    double *h = hist[i] + base;
    if (h[3] == 0.0) continue;
    const double *r = origin_ref(h, j);
    reference_coords(i, c);
    for (int a = 0; a < 3; ++a) ds[a] = dx[a] = c[a] - r[a];
    if (affine_remove) frame.cartesian(ds, dx);    // fractional -> Cartesian, current frame
    h[4 + k] += dx[0] * dx[0] + dx[1] * dx[1] + dx[2] * dx[2];    // sum over the origins
  }
}

void FixTML::complete_window(int s)
{
  const int nlocal = atom->nlocal, d = (int) lag_steps.size(), base = s * slot_cols;
  int *mask = atom->mask;
  tagint *tag = atom->tag;
  const double T = slot_tsum[s] / slot_tcount[s];

  // features of the atoms that were in the group at the start and still are
  std::vector<int> which;
  which.reserve(nlocal);
  for (int i = 0; i < nlocal; ++i)
    if (hist[i][base + 3] != 0.0 && (mask[i] & groupbit)) which.push_back(i);
  const int n = (int) which.size();
  std::vector<double> F((std::size_t) n * d);
  std::vector<double> dr2(d);
  for (int q = 0; q < n; ++q) {
    for (int k = 0; k < d; ++k) dr2[k] = hist[which[q]][base + 4 + k] / norigins;
    try {
      TML::compute_features(dr2.data(), d, T, dr2_floor, &F[(std::size_t) q * d]);
    } catch (std::exception &e) {
      error->one(FLERR, "{}: atom {}: {}", STYLE, tag[which[q]], e.what());
    }
  }

  for (int i = 0; i < nlocal; ++i)
    for (int c = 0; c < out_cols; ++c) out[i][c] = 0.0;
  double sums[3] = {(double) n, 0.0, 0.0};    // count, sum T_ML, count above threshold
  if (knn) {
    std::vector<double> pred(n);
    try {
      if (n > 0) knn->predict_batch(F.data(), n, pred.data(), (unsigned) nthreads);
    } catch (std::exception &e) {
      error->one(FLERR, "{}: kNN prediction failed: {}", STYLE, e.what());
    }
    for (int q = 0; q < n; ++q) {
      out[which[q]][0] = pred[q];
      sums[1] += pred[q];
      if (threshold_given && pred[q] > threshold) sums[2] += 1.0;
    }
  }
  if (features_flag)
    for (int q = 0; q < n; ++q)
      for (int k = 0; k < d; ++k) out[which[q]][1 + k] = F[(std::size_t) q * d + k];

  double tot[3];
  MPI_Allreduce(sums, tot, 3, MPI_DOUBLE, MPI_SUM, world);
  g_start = (double) slot_t0[s];
  g_count = tot[0];
  g_mean = (knn && tot[0] > 0) ? tot[1] / tot[0] : 0.0;
  g_frac = (knn && tot[0] > 0) ? tot[2] / tot[0] : 0.0;
  g_temp = T;
  windows_done++;

  if (writer || !train_file.empty()) {
    std::vector<double> rows((std::size_t) n * (d + 1));
    for (int q = 0; q < n; ++q) {
      rows[(std::size_t) q * (d + 1)] = (double) tag[which[q]];
      std::copy(&F[(std::size_t) q * d], &F[(std::size_t) q * d] + d,
                &rows[(std::size_t) q * (d + 1) + 1]);
    }
    write_training(rows, n, label_given ? label : T);
  }
  slot_t0[s] = -1;
}

/* ----------------------------------------------------------------------
   gather (tag, features) rows on rank 0 (one rank at a time), sort by
   atom ID, write with the label
------------------------------------------------------------------------- */

void FixTML::write_training(const std::vector<double> &rows, int nrows, double lab)
{
  const int d = (int) lag_steps.size(), w = d + 1;
  const int me = comm->me, nprocs = comm->nprocs;
  std::vector<int> counts(nprocs);
  MPI_Gather(&nrows, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, world);
  std::vector<double> all;
  if (me == 0) {
    std::size_t total = 0;
    for (int c : counts) total += (std::size_t) c;
    all.resize(total * w);
    std::copy(rows.begin(), rows.end(), all.begin());
    std::size_t off = rows.size();
    for (int p = 1; p < nprocs; ++p) {
      // chunks of at most INT_MAX / w rows
      std::size_t left = (std::size_t) counts[p];
      const std::size_t chunk = (std::size_t)(INT_MAX / w);
      while (left > 0) {
        const std::size_t m = std::min(left, chunk);
        MPI_Recv(all.data() + off, (int) (m * w), MPI_DOUBLE, p, 0, world, MPI_STATUS_IGNORE);
        off += m * w;
        left -= m;
      }
    }
  } else {
    std::size_t left = (std::size_t) nrows, off = 0;
    const std::size_t chunk = (std::size_t)(INT_MAX / w);
    while (left > 0) {
      const std::size_t m = std::min(left, chunk);
      MPI_Send(rows.data() + off, (int) (m * w), MPI_DOUBLE, 0, 0, world);
      off += m * w;
      left -= m;
    }
  }
  rank0_try("cannot write the training feature file", [&]() {
    const std::size_t total = all.size() / w;
    std::vector<std::size_t> order(total);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return all[a * w] < all[b * w];
    });
    for (std::size_t r : order) writer->write(lab, &all[r * w + 1]);
    writer->flush();
  });
}

/* ---------------------------------------------------------------------- */

double FixTML::compute_vector(int n)
{
  switch (n) {
    case 0:
      return g_start;
    case 1:
      return g_mean;
    case 2:
      return g_frac;
    case 3:
      return g_temp;
    case 4:
      return (double) windows_done;
    case 5:
      return g_count;
  }
  return 0.0;
}

/* ---------------------------------------------------------------------- */

void FixTML::grow_arrays(int nmax)
{
  memory->grow(hist, nmax, hist_cols, "tml:hist");
  memory->grow(out, nmax, out_cols, "tml:out");
  if (features_flag)
    array_atom = out;
  else
    vector_atom = (out && nmax > 0) ? out[0] : nullptr;    // contiguous, 1 column
}

void FixTML::copy_arrays(int i, int j, int /*delflag*/)
{
  for (int c = 0; c < hist_cols; ++c) hist[j][c] = hist[i][c];
  for (int c = 0; c < out_cols; ++c) out[j][c] = out[i][c];
}

void FixTML::set_arrays(int i)
{
  // an atom created during a window takes no part in the windows in progress
  for (int c = 0; c < hist_cols; ++c) hist[i][c] = 0.0;
  for (int c = 0; c < out_cols; ++c) out[i][c] = 0.0;
}

int FixTML::pack_exchange(int i, double *buf)
{
  int m = 0;
  for (int c = 0; c < hist_cols; ++c) buf[m++] = hist[i][c];
  for (int c = 0; c < out_cols; ++c) buf[m++] = out[i][c];
  return m;
}

int FixTML::unpack_exchange(int nlocal, double *buf)
{
  int m = 0;
  for (int c = 0; c < hist_cols; ++c) hist[nlocal][c] = buf[m++];
  for (int c = 0; c < out_cols; ++c) out[nlocal][c] = buf[m++];
  return m;
}

int FixTML::pack_restart(int i, double *buf)
{
  // buf[0] = size, as other fixes expect when skipping over this one
  int m = 1;
  for (int c = 0; c < hist_cols; ++c) buf[m++] = hist[i][c];
  for (int c = 0; c < out_cols; ++c) buf[m++] = out[i][c];
  buf[0] = m;
  return m;
}

void FixTML::unpack_restart(int nlocal, int nth)
{
  double **extra = atom->extra;
  int m = 0;
  for (int i = 0; i < nth; ++i) m += static_cast<int>(extra[nlocal][m]);
  const int size = static_cast<int>(extra[nlocal][m]);
  if (size != 1 + hist_cols + out_cols)
    error->one(FLERR,
               "{} {}: per-atom restart data of {} values, expected {}: the lags, every or "
               "features settings differ from those of the run that wrote the restart file",
               STYLE, id, size, 1 + hist_cols + out_cols);
  m++;
  restored_peratom = 1;
  for (int c = 0; c < hist_cols; ++c) hist[nlocal][c] = extra[nlocal][m++];
  for (int c = 0; c < out_cols; ++c) out[nlocal][c] = extra[nlocal][m++];
}

int FixTML::maxsize_restart()
{
  return 1 + hist_cols + out_cols;
}

int FixTML::size_restart(int /*nlocal*/)
{
  return 1 + hist_cols + out_cols;
}

/* ----------------------------------------------------------------------
   global restart: settings (checked on read) and the window schedule
------------------------------------------------------------------------- */

void FixTML::write_restart(FILE *fp)
{
  if (comm->me != 0) return;
  std::vector<double> list;
  list.push_back(RESTART_VERSION);
  list.push_back((double) lag_steps.size());
  for (bigint s : lag_steps) list.push_back((double) s);
  list.push_back((double) every);
  list.push_back((double) start);
  list.push_back((double) nwin);
  list.push_back((double) out_cols);
  list.push_back((double) affine_remove);
  list.push_back((double) norigins);
  list.push_back((double) origin_steps);
  list.push_back((double) nwindows_max);
  list.push_back((double) windows_started);
  list.push_back((double) windows_done);
  list.push_back((double) last_processed);
  for (double g : {g_start, g_mean, g_frac, g_temp, g_count}) list.push_back(g);
  for (int s = 0; s < nwin; ++s) {
    list.push_back((double) slot_t0[s]);
    list.push_back(slot_tsum[s]);
    list.push_back((double) slot_tcount[s]);
    list.push_back((double) slot_next[s]);
  }
  for (int k = 3; k < 6; ++k) list.push_back(cbox.hc()[k]);    // version 4
  int size = (int) (list.size() * sizeof(double));
  fwrite(&size, sizeof(int), 1, fp);
  fwrite(list.data(), sizeof(double), list.size(), fp);
}

void FixTML::restart(char *buf)
{
  auto *list = (double *) buf;
  std::size_t m = 0;
  const int version = (int) list[m++];
  if (version < 2 || version > RESTART_VERSION)
    error->all(FLERR, "{} {}: unsupported restart data version {}", STYLE, id, version);
  const std::size_t d = (std::size_t) list[m++];
  std::vector<bigint> steps(d);
  for (std::size_t k = 0; k < d; ++k) steps[k] = (bigint) list[m++];
  const bigint every_r = (bigint) list[m++];
  const bigint start_r = (bigint) list[m++];
  const int nwin_r = (int) list[m++];
  const int outc_r = (int) list[m++];
  const int affine_r = (int) list[m++];
  int norig_r = 1;
  bigint osteps_r = 0;
  if (version >= 3) {
    norig_r = (int) list[m++];
    osteps_r = (bigint) list[m++];
  }
  restored_global = 1;
  if (steps != lag_steps || every_r != every || start_r != start || nwin_r != nwin ||
      outc_r != out_cols || affine_r != affine_remove || norig_r != norigins ||
      osteps_r != origin_steps)
    error->all(FLERR,
               "{} {}: the restart file was written with different settings (lags in steps, "
               "every, start, features, affine or origins): use the same fix tml command after "
               "read_restart",
               STYLE, id);
  m++;    // nwindows_max: the new command's value applies
  windows_started = (bigint) list[m++];
  windows_done = (bigint) list[m++];
  last_processed = (bigint) list[m++];
  g_start = list[m++];
  g_mean = list[m++];
  g_frac = list[m++];
  g_temp = list[m++];
  g_count = list[m++];
  for (int s = 0; s < nwin; ++s) {
    slot_t0[s] = (bigint) list[m++];
    slot_tsum[s] = list[m++];
    slot_tcount[s] = (int) list[m++];
    slot_next[s] = (int) list[m++];
  }
  // the continuous box tilts the windows in progress refer to (older files: the box)
  double tilt[3] = {domain->h[3], domain->h[4], domain->h[5]};
  if (version >= 4)
    for (double &v : tilt) v = list[m++];
  cbox.restore(domain->h, tilt);
}

double FixTML::memory_usage()
{
  double bytes = (double) atom->nmax * (hist_cols + out_cols) * sizeof(double);
  if (model) bytes += (double) model->size() * (model->dim() + 1) * sizeof(double) * 2.0;
  return bytes;
}
