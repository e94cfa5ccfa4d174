/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix acoustic: the definitions of FixAcousticT<NH> (fix_acoustic.h), for
   its instantiations on FixNH (fix acoustic, fix_acoustic.cpp) and on
   LAMMPS's FixNHKokkos (fix acoustic/kk, src/KOKKOS).  Include only from
   those .cpp files.  See doc/src/fix_acoustic.rst.

   FixNH (Nose-Hoover chains + MTK barostat, as fix npt) with the pressure
   target of the loading axis following a waveform (stress control), or with
   the loading axis removed from the barostat and its length prescribed
   (strain control); the two other axes are barostatted at p_lat.

   Stress targets.  FixNH applies a non-hydrostatic target through the
   reference cell (h0, vol0 fixed at the first run): at equilibrium of its
   barostat equation the Cauchy stress on axis i is
       P_i = p_hydro + c_i (p_target_i - p_hydro),
       c_i = (vol0/V) (h_ii h0inv_ii)^2,   p_hydro = mean of p_target.
   Given the wanted Cauchy targets P*_i we solve for p_target each half step:
       m = sum(P*_i / c_i) / sum(1 / c_i),  p_target_i = m + (P*_i - m)/c_i
   so that the measured stress follows the waveform at any strain (not only
   at small strain).  The first half step uses the target and box at t_n, the
   second those at t_n+1 (FixNH::compute_press_target() is not virtual, so
   the target enters through p_start = p_stop, which it copies exactly).

   Strain control.  remap() (virtual in FixNH) is called twice per step for
   half steps; after FixNH's own remap of the lateral axes we set the loading
   axis length to L0 (1 + eps(t)) at t_n+1/2 and t_n+1, affinely.
------------------------------------------------------------------------- */

#ifndef AMORPH_FIX_ACOUSTIC_IMPL_H
#define AMORPH_FIX_ACOUSTIC_IMPL_H

#include "fix_acoustic.h"

#include "amorph_args.h"
#include "amorph_compat.h"
#include "dma_kernel.h"

#include "atom.h"
#include "comm.h"
#include "domain.h"
#include "error.h"
#include "force.h"
#include "input.h"
#include "memory.h"
#include "modify.h"
#include "update.h"
#include "variable.h"

#include <cmath>
#include <cstring>
#include <exception>
#include <vector>

namespace LAMMPS_NS {
namespace acoustic_detail {

  using AMORPH::dma::Creep;
  using AMORPH::dma::DMAAccumulator;
  using AMORPH::dma::DMAResult;
  using AMORPH::dma::Sine;
  using AMORPH::dma::Trapezoid;
  using AMORPH::dma::Waveform;

  constexpr double PI = AMORPH::dma::PI;
  constexpr int MIN_STEPS_PER_PERIOD = 10;
  inline const char *const AXES[3] = {"x", "y", "z"};

  // The results of a completed cycle, in one table.  Its order is that of the global vector
  // (entries 6-19, after the live values), of the DMA file columns after "cycle t_start", and of
  // `last` (then t_start), which the restart record keeps.
  struct CycleColumn {
    const char *name;                    // DMA file header
    double (*get)(const DMAResult &);    // from the cycle's fit
    bool integer;                        // written to the file as an integer
  };
  inline const CycleColumn CYCLE_COLUMNS[] = {
      {"eps0",
       [](const DMAResult &r) {
         return r.strain_amp;
       },
       false},
      {"sig0",
       [](const DMAResult &r) {
         return r.stress_amp;
       },
       false},
      {"delta",
       [](const DMAResult &r) {
         return r.delta;
       },
       false},
      {"E_storage",
       [](const DMAResult &r) {
         return r.E_storage;
       },
       false},
      {"E_loss",
       [](const DMAResult &r) {
         return r.E_loss;
       },
       false},
      {"tan_delta",
       [](const DMAResult &r) {
         return r.tan_delta;
       },
       false},
      {"W_loop",
       [](const DMAResult &r) {
         return r.W_loop;
       },
       false},
      {"W_fit",
       [](const DMAResult &r) {
         return r.W_fit;
       },
       false},
      {"eps_phase",
       [](const DMAResult &r) {
         return r.strain_phase;
       },
       false},
      {"sig_phase",
       [](const DMAResult &r) {
         return r.stress_phase;
       },
       false},
      {"eps_mean",
       [](const DMAResult &r) {
         return r.strain_mean;
       },
       false},
      {"sig_mean",
       [](const DMAResult &r) {
         return r.stress_mean;
       },
       false},
      {"valid",
       [](const DMAResult &r) {
         return r.valid ? 1.0 : 0.0;
       },
       true},
      {"nsamples",
       [](const DMAResult &r) {
         return (double) r.nsamples;
       },
       true},
  };
  constexpr int NCYCLE = sizeof(CYCLE_COLUMNS) / sizeof(CYCLE_COLUMNS[0]);
  constexpr int L_TSTART = NCYCLE;    // `last`: the table's values, then the cycle's start time
  constexpr int NLAST = NCYCLE + 1;

  // global vector (1-based indices in the documentation): the live values, then the table
  enum { V_TIME = 0, V_TARGET, V_STRESS, V_STRAIN, V_CYCLE, V_CYCLE_COLUMNS };
  constexpr int NVECTOR = V_CYCLE_COLUMNS + NCYCLE;

  // restart record of this fix (before FixNH's own record)
  constexpr double RESTART_TAG = 6173.0 + 1.0 / 4.0;    // "acoustic", version 1
  enum {
    R_TAG = 0,
    R_AXIS,
    R_CONTROL,
    R_KIND,
    R_STARTED,
    R_STEPBASE,
    R_TBASE,
    R_DT,
    R_L0,
    R_TGT,
    R_CYCLE,
    R_COUNTING,
    R_FIRST,
    R_PERIOD,
    R_EPS,
    R_SIG,
    R_WAVE,    // Waveform::MAX_ARRAY values
    R_LAST = R_WAVE + Waveform::MAX_ARRAY,
    R_ACC = R_LAST + NLAST,
    R_SIZE = R_ACC + DMAAccumulator::STATE_SIZE
  };

  /* ----------------------------------------------------------------------
   the parsed command, and the argument list handed to FixNH
------------------------------------------------------------------------- */

  struct Settings : FixAcousticBase {
    // the loading
    int axis = 2, control = FixAcousticBase::STRESS, kind = FixAcousticBase::WAVE_SINE;
    Waveform wave;
    std::string varname;
    double period = 0.0, p_lat = 0.0;
    // output
    std::string file;
    // the FixNH command this fix is (ID group acoustic temp ... x P P pdamp ...)
    std::vector<std::string> nh;

    Settings(LAMMPS *lmp_in, int narg_in, char **arg_in) :
        lmp(lmp_in), error(lmp_in->error), args(lmp_in, style), narg(narg_in), arg(arg_in)
    {
      if (narg < 6) AMORPH_NS::missing_cmd_args(FLERR, "fix acoustic", error);
      parse_axis_and_control();
      parse_waveform();
      parse_keywords();
      check_box();
      build_nh_command();
    }

    // argv of the FixNH command; the pointers are valid while this object lives and nh is
    // unchanged (e.g. for the duration of the FixNH constructor call)
    std::vector<char *> nh_argv()
    {
      std::vector<char *> v;
      for (auto &a : nh) v.push_back(&a[0]);
      return v;
    }

   private:
    const std::string style = "Fix acoustic";
    LAMMPS *lmp;
    Error *error;
    const AMORPH::StyleArgs args;
    int narg;
    char **arg;
    int iarg = 6;
    // FixNH settings collected from the keywords
    std::vector<std::string> pass;
    std::string temp[3], pdamp;
    bool have_temp = false, have_period = false;

    void parse_axis_and_control()
    {
      const std::string ax = arg[3];
      if (ax == "x")
        axis = 0;
      else if (ax == "y")
        axis = 1;
      else if (ax == "z")
        axis = 2;
      else
        error->all(FLERR, "{}: loading axis must be x, y or z, got '{}'", style, ax);

      const std::string ctl = arg[4];
      if (ctl == "stress")
        control = STRESS;
      else if (ctl == "strain")
        control = STRAIN;
      else
        error->all(FLERR, "{}: control must be 'stress' or 'strain', got '{}'", style, ctl);
    }

    void parse_waveform()
    {
      const std::string wname = arg[5];
      auto need = [&](int n, const char *what) {
        if (iarg + n > narg) AMORPH_NS::missing_cmd_args(FLERR, style + " " + what, error);
      };
      auto num = [&](int k) {
        return args.number(wname, arg[iarg + k]);
      };
      try {
        if (wname == "sine") {
          need(4, "sine");
          const double amp = num(0), freq = num(1), mean = num(2), phase = num(3);
          if (!(freq > 0.0))
            error->all(FLERR, "{}: sine frequency must be > 0, got {}", style, arg[iarg + 1]);
          wave = Waveform(Sine(mean, amp, freq, phase * PI / 180.0));
          kind = WAVE_SINE;
          period = 1.0 / freq;
          iarg += 4;
        } else if (wname == "trapezoid") {
          need(7, "trapezoid");
          const int nc = args.integer("trapezoid ncycles", arg[iarg + 6]);
          wave = Waveform(Trapezoid(num(0), num(1), num(2), num(3), num(4), num(5), nc));
          kind = WAVE_TRAPEZOID;
          period = wave.period();
          iarg += 7;
        } else if (wname == "creep") {
          need(2, "creep");
          const double rate = num(0), hold = num(1);
          if (!(rate > 0.0))
            error->all(FLERR, "{}: creep rate must be > 0, got {}", style, arg[iarg]);
          wave = Waveform(Creep(hold, rate, 0.0));
          kind = WAVE_CREEP;
          period = 0.0;
          iarg += 2;
        } else if (utils::strmatch(wname, "^v_")) {
          varname = wname.substr(2);
          if (varname.empty()) error->all(FLERR, "{}: empty variable name in '{}'", style, wname);
          kind = WAVE_VARIABLE;
        } else {
          error->all(FLERR, "{}: waveform must be sine, trapezoid, creep or v_name, got '{}'",
                     style, wname);
        }
      } catch (std::invalid_argument &e) {
        error->all(FLERR, "{}: {}", style, e.what());
      }
    }

    // keywords; FixNH ones are passed on
    void parse_keywords()
    {
      while (iarg < narg) {
        const std::string kw = arg[iarg];
        auto vals = [&](int n) {
          if (iarg + n >= narg) AMORPH_NS::missing_cmd_args(FLERR, style + " " + kw, error);
        };
        if (kw == "temp") {
          vals(3);
          for (int k = 0; k < 3; ++k) {
            temp[k] = arg[iarg + 1 + k];
            if (k < 2 && !(args.number("temp", arg[iarg + 1 + k]) > 0.0))
              error->all(FLERR, "{}: temp must be > 0, got {}", style, temp[k]);
          }
          if (!(args.number("temp", arg[iarg + 3]) > 0.0))
            error->all(FLERR, "{}: temp damping must be > 0, got {}", style, temp[2]);
          have_temp = true;
          iarg += 4;
        } else if (kw == "pdamp") {
          vals(1);
          pdamp = arg[iarg + 1];
          const double pd = args.number("pdamp", pdamp.c_str());
          if (!(pd > 0.0)) error->all(FLERR, "{}: pdamp must be > 0, got {}", style, pdamp);
          iarg += 2;
        } else if (kw == "lateral") {
          vals(1);
          p_lat = args.number("lateral", arg[iarg + 1]);
          iarg += 2;
        } else if (kw == "period") {
          vals(1);
          period = args.number("period", arg[iarg + 1]);
          if (!(period > 0.0))
            error->all(FLERR, "{}: period must be > 0, got {}", style, arg[iarg + 1]);
          have_period = true;
          iarg += 2;
        } else if (kw == "file") {
          vals(1);
          file = arg[iarg + 1];
          iarg += 2;
        } else if (kw == "tchain" || kw == "pchain" || kw == "mtk" || kw == "tloop" ||
                   kw == "ploop" || kw == "drag" || kw == "dilate") {
          vals(1);
          pass.push_back(kw);
          pass.emplace_back(arg[iarg + 1]);
          iarg += 2;
        } else if (kw == "fixedpoint") {
          vals(3);
          for (int k = 0; k < 4; ++k) pass.emplace_back(arg[iarg + k]);
          iarg += 4;
        } else {
          error->all(FLERR, "{}: unknown keyword '{}'", style, kw);
        }
      }
      if (!have_temp) error->all(FLERR, "{}: the temp keyword is required", style);
      if (pdamp.empty()) error->all(FLERR, "{}: the pdamp keyword is required", style);
      if (have_period && kind != WAVE_VARIABLE)
        error->all(FLERR, "{}: the period keyword is only for a v_name waveform", style);
    }

    void check_box()
    {
      Domain *domain = lmp->domain;
      if (domain->dimension != 3) error->all(FLERR, "{} requires a 3d simulation", style);
      if (domain->triclinic)
        error->all(FLERR,
                   "{} requires an orthogonal simulation box: with tilt factors the stress targets "
                   "and the uniaxial strain are not those of the loading axis (see the fix "
                   "acoustic doc page, Restrictions, for the reasons and what to do instead)",
                   style);
      if (!domain->periodicity[axis])
        error->all(FLERR, "{}: loading axis {} is not periodic", style, AXES[axis]);
      for (int i = 0; i < 3; ++i)
        if (i != axis && !domain->periodicity[i])
          error->all(FLERR, "{}: lateral axis {} is not periodic (it is barostatted)", style,
                     AXES[i]);
    }

    void build_nh_command()
    {
      // FixNH command: ID group acoustic temp ... x P P pdamp ... (loading axis
      // barostatted only under stress control; its target is set every step)
      nh = {arg[0], arg[1], arg[2], "temp", temp[0], temp[1], temp[2]};
      const std::string plat = fmt::format("{:.17g}", p_lat);
      for (int i = 0; i < 3; ++i) {
        if (i == axis && control == STRAIN) continue;
        nh.insert(nh.end(), {AXES[i], plat, plat, pdamp});
      }
      nh.insert(nh.end(), pass.begin(), pass.end());
    }
  };

}    // namespace acoustic_detail

using namespace acoustic_detail;
using namespace FixConst;

/* ---------------------------------------------------------------------- */

template <class NH>
FixAcousticT<NH>::FixAcousticT(LAMMPS *lmp, int narg, char **arg) :
    FixAcousticT(lmp, Settings(lmp, narg, arg))
{
}

template <class NH>
FixAcousticT<NH>::FixAcousticT(LAMMPS *lmp, Settings &&s) :
    NH(lmp, (int) s.nh.size(), s.nh_argv().data()), axis(s.axis), control(s.control), wkind(s.kind),
    wave(std::make_unique<Waveform>(s.wave)), varname(s.varname), ivar(-1), period(s.period),
    p_lat(s.p_lat), fp(nullptr), started(0), step_base(0), t_base(0.0), dt_clock(0.0), length0(0.0),
    tgt_now(0.0), tgt_next(0.0), tgt_half(0.0), nremap(0), eps_cur(0.0), sig_cur(0.0),
    need_first_sample(1), cycle(0), counting(0), last(nullptr)
{
  if (!tstat_flag || !pstat_flag) error->all(FLERR, "Fix acoustic: internal setup of FixNH failed");

  // computes for temperature and pressure, as fix npt (group all)
  id_temp = utils::strdup(std::string(id) + "_temp");
  modify->add_compute(fmt::format("{} all {}", id_temp, temp_style()));
  tcomputeflag = 1;
  id_press = utils::strdup(std::string(id) + "_press");
  modify->add_compute(fmt::format("{} all pressure {}", id_press, id_temp));
  pcomputeflag = 1;

  // outputs replace FixNH's vector; the scalar stays FixNH's energy (ecouple)
  vector_flag = 1;
  size_vector = NVECTOR;
  extvector = 0;
  AMORPH_NS::set_thermo_modify_colname(this, 0);
  time_depend = 1;
  if (control == STRAIN) box_change |= (Fix::BOX_CHANGE_X << axis);

  // other fixes already changing our box dimensions (the fix array, not get_fix_list():
  // while a fix is being replaced the list still holds the deleted one)
  for (int ifix = 0; ifix < modify->nfix; ++ifix) {
    const Fix *f = modify->fix[ifix];
    if (!f || strcmp(f->id, id) == 0) continue;
    for (int i = 0; i < 3; ++i)
      if (f->box_change & (Fix::BOX_CHANGE_X << i))
        error->all(FLERR,
                   "Fix acoustic: fix {} (style {}) already changes the box along {}, which fix "
                   "acoustic controls (loading axis {}, the others barostatted): unfix it first",
                   f->id, f->style, AXES[i], AXES[axis]);
  }

  memory->create(last, NLAST, "acoustic:last");
  for (int k = 0; k < NLAST; ++k) last[k] = 0.0;
  if (period > 0.0) {
    acc = std::make_unique<DMAAccumulator>(2.0 * PI / period, 0.0);
    counting = 1;
  } else
    acc = std::make_unique<DMAAccumulator>();

  if (!s.file.empty() && comm->me == 0) {
    fp = fopen(s.file.c_str(), "w");
    if (!fp)
      error->one(FLERR, "Fix acoustic: cannot open file {}: {}", s.file, utils::getsyserror());
    std::string columns = "# cycle t_start";
    for (const auto &c : CYCLE_COLUMNS) columns += std::string(" ") + c.name;
    AMORPH_NS::print(fp,
                     "# fix acoustic {}: one line per completed cycle (stress in pressure units, "
                     "tensile > 0; angles in radians)\n{}\n",
                     id, columns);
    fflush(fp);
  }
}

/* ---------------------------------------------------------------------- */

template <class NH> FixAcousticT<NH>::~FixAcousticT()
{
  if (copymode) return;
  memory->destroy(last);
  if (fp) fclose(fp);
}

/* ---------------------------------------------------------------------- */

template <class NH> void FixAcousticT<NH>::init()
{
  NH::init();

  if (utils::strmatch(update->integrate_style, "^respa"))
    error->all(FLERR, "Fix acoustic does not support run_style respa");
  if (domain->triclinic)
    error->all(FLERR,
               "Fix acoustic requires an orthogonal simulation box (see the fix "
               "acoustic doc page, Restrictions)");
  if (control == STRAIN && AMORPH_FIXNH_HAS_RIGID())
    error->all(FLERR, "Fix acoustic: strain control does not support rigid bodies");

  if (wkind == WAVE_VARIABLE) {
    ivar = input->variable->find(varname.c_str());
    if (ivar < 0) error->all(FLERR, "Fix acoustic: variable {} does not exist", varname);
    if (!input->variable->equalstyle(ivar))
      error->all(FLERR, "Fix acoustic: variable {} is not equal-style", varname);
  }

  if (period > 0.0 && period < MIN_STEPS_PER_PERIOD * update->dt)
    error->all(FLERR,
               "Fix acoustic: loading period {} is shorter than {} timesteps (timestep {}): "
               "lower the frequency or the timestep",
               period, MIN_STEPS_PER_PERIOD, update->dt);
}

/* ---------------------------------------------------------------------- */

template <class NH> double FixAcousticT<NH>::time_of(bigint step) const
{
  return t_base + (double) (step - step_base) * dt_clock;
}

template <class NH> double FixAcousticT<NH>::evaluate_variable()
{
  modify->clearstep_compute();
  const double v = input->variable->compute_equal(ivar);
  modify->addstep_compute(update->ntimestep + 1);
  return v;
}

template <class NH> double FixAcousticT<NH>::target_at(double t)
{
  if (wkind == WAVE_VARIABLE) return evaluate_variable();
  return wave->value(t);
}

/* ----------------------------------------------------------------------
   FixNH targets for the Cauchy stress targets of this fix (see the top)
------------------------------------------------------------------------- */

template <class NH> void FixAcousticT<NH>::apply_stress_targets(double value)
{
  const double *h = domain->h;
  const double volume = domain->xprd * domain->yprd * domain->zprd;
  double want[3], c[3];
  double num = 0.0, den = 0.0;
  for (int i = 0; i < 3; ++i) {
    if (!p_flag[i]) continue;
    want[i] = (i == axis) ? -value : p_lat;    // P = -sigma
    const double s = h[i] * h0_inv[i];
    c[i] = (vol0 > 0.0) ? vol0 / volume * s * s : 1.0;
    num += want[i] / c[i];
    den += 1.0 / c[i];
  }
  const double m = num / den;
  p_hydro = 0.0;
  for (int i = 0; i < 3; ++i) {
    if (!p_flag[i]) continue;
    p_target[i] = p_start[i] = p_stop[i] = m + (want[i] - m) / c[i];
    p_hydro += p_target[i];
  }
  p_hydro /= pdim;
  if (deviatoric_flag) compute_sigma();
}

/* ---------------------------------------------------------------------- */

template <class NH> void FixAcousticT<NH>::setup(int vflag)
{
  if (!started) {
    started = 1;
    step_base = update->ntimestep;
    t_base = 0.0;
    dt_clock = update->dt;
    length0 = domain->prd[axis];
  } else if (dt_clock != update->dt) {
    t_base = time_of(update->ntimestep);
    step_base = update->ntimestep;
    dt_clock = update->dt;
  }

  const double t = time_of(update->ntimestep);
  tgt_now = target_at(t);
  if (control == STRESS) apply_stress_targets(tgt_now);

  NH::setup(vflag);

  if (need_first_sample) {
    need_first_sample = 0;
    sample(t);
  } else {
    eps_cur = (domain->prd[axis] - length0) / length0;
    sig_cur = -p_current[axis];
  }
}

/* ---------------------------------------------------------------------- */

template <class NH> void FixAcousticT<NH>::initial_integrate(int vflag)
{
  const double t_now = time_of(update->ntimestep - 1);
  const double t_next = time_of(update->ntimestep);
  tgt_next = target_at(t_next);

  if (control == STRESS) {
    apply_stress_targets(tgt_now);
  } else {
    tgt_half = (wkind == WAVE_VARIABLE) ? 0.5 * (tgt_now + tgt_next)
                                        : wave->value(0.5 * (t_now + t_next));
    nremap = 0;
  }
  NH::initial_integrate(vflag);
}

/* ---------------------------------------------------------------------- */

template <class NH> void FixAcousticT<NH>::final_integrate()
{
  if (control == STRESS) apply_stress_targets(tgt_next);
  NH::final_integrate();
  tgt_now = tgt_next;
  sample(time_of(update->ntimestep));
}

/* ----------------------------------------------------------------------
   FixNH remaps the barostatted (lateral) axes; strain control then sets
   the loading axis: first call of a step -> t_n+1/2, second -> t_n+1
------------------------------------------------------------------------- */

template <class NH> void FixAcousticT<NH>::remap()
{
  NH::remap();
  if (control == STRAIN) {
    strain_remap(nremap == 0 ? tgt_half : tgt_next);
    ++nremap;
  }
}

template <class NH> void FixAcousticT<NH>::strain_remap(double strain)
{
  const int a = axis;
  const double lo = domain->boxlo[a], hi = domain->boxhi[a];
  const double fix = fixedpoint[a];
  const double scale = length0 * (1.0 + strain) / (hi - lo);
  if (!(scale > 0.0) || !std::isfinite(scale))
    error->all(FLERR, "Fix acoustic: strain {} gives a box length <= 0 along {}", strain, AXES[a]);

  scale_positions(a, fix, scale);
  domain->boxlo[a] = fix + (lo - fix) * scale;
  domain->boxhi[a] = fix + (hi - fix) * scale;
  domain->set_global_box();
  domain->set_local_box();
}

template <class NH> void FixAcousticT<NH>::scale_positions(int a, double fix, double scale)
{
  double **x = atom->x;
  const int *mask = atom->mask;
  const int nlocal = atom->nlocal;
  if (allremap) {
    for (int i = 0; i < nlocal; ++i) x[i][a] = fix + (x[i][a] - fix) * scale;
  } else {
    for (int i = 0; i < nlocal; ++i)
      if (mask[i] & dilate_group_bit) x[i][a] = fix + (x[i][a] - fix) * scale;
  }
}

/* ----------------------------------------------------------------------
   one sample per step (after NH::final_integrate: the pressure tensor
   is that of the end of the step); closes a cycle at its end time
------------------------------------------------------------------------- */

template <class NH> void FixAcousticT<NH>::sample(double t)
{
  eps_cur = (domain->prd[axis] - length0) / length0;
  sig_cur = -p_current[axis];
  if (!counting) return;
  acc->add(t, eps_cur, sig_cur);
  const double t_end = (double) (cycle + 1) * period;
  if (t >= t_end - 0.5 * dt_clock) close_cycle();
}

template <class NH> void FixAcousticT<NH>::close_cycle()
{
  const DMAResult r = acc->finish();
  for (int k = 0; k < NCYCLE; ++k) last[k] = CYCLE_COLUMNS[k].get(r);
  last[L_TSTART] = r.t_start;
  write_cycle_line();

  ++cycle;
  acc->next_cycle((double) cycle * period);
  // a trapezoid with a finite number of cycles stops being analysed after them
  if (wkind == WAVE_TRAPEZOID) {
    const long nc = wave->trapezoid()->ncycles();
    if (nc > 0 && cycle >= nc) counting = 0;
  }
}

template <class NH> void FixAcousticT<NH>::write_cycle_line()
{
  if (!fp) return;
  AMORPH_NS::print(fp, "{} {:.10g}", cycle, last[L_TSTART]);
  for (int k = 0; k < NCYCLE; ++k) {
    if (CYCLE_COLUMNS[k].integer)
      AMORPH_NS::print(fp, " {}", (bigint) last[k]);
    else
      AMORPH_NS::print(fp, " {:.10g}", last[k]);
  }
  AMORPH_NS::print(fp, "\n");
  fflush(fp);
}

/* ---------------------------------------------------------------------- */

template <class NH> void FixAcousticT<NH>::reset_dt()
{
  if (started) {
    t_base = time_of(update->ntimestep);
    step_base = update->ntimestep;
    dt_clock = update->dt;
  }
  NH::reset_dt();
  if (period > 0.0 && period < MIN_STEPS_PER_PERIOD * update->dt)
    error->all(FLERR,
               "Fix acoustic: loading period {} is shorter than {} timesteps (timestep {}): "
               "lower the frequency or the timestep",
               period, MIN_STEPS_PER_PERIOD, update->dt);
}

/* ----------------------------------------------------------------------
   global vector, see the documentation for the indices (1-based there)
------------------------------------------------------------------------- */

template <class NH> double FixAcousticT<NH>::compute_vector(int n)
{
  switch (n) {
    case V_TIME:
      return started ? time_of(update->ntimestep) : 0.0;
    case V_TARGET:
      return tgt_now;
    case V_STRESS:
      return sig_cur;
    case V_STRAIN:
      return eps_cur;
    case V_CYCLE:
      return (double) cycle;
    default:
      return (n >= V_CYCLE_COLUMNS && n < NVECTOR) ? last[n - V_CYCLE_COLUMNS] : 0.0;
  }
}

/* ----------------------------------------------------------------------
   restart: [R_SIZE, this fix's record..., FixNH's record...]
------------------------------------------------------------------------- */

template <class NH> int FixAcousticT<NH>::size_restart_global()
{
  return 1 + R_SIZE + NH::size_restart_global();
}

template <class NH> int FixAcousticT<NH>::pack_restart_data(double *list)
{
  list[0] = R_SIZE;
  double *r = list + 1;
  for (int k = 0; k < R_SIZE; ++k) r[k] = 0.0;
  r[R_TAG] = RESTART_TAG;
  r[R_AXIS] = axis;
  r[R_CONTROL] = control;
  r[R_KIND] = wkind;
  r[R_STARTED] = started;
  r[R_STEPBASE] = (double) step_base;
  r[R_TBASE] = t_base;
  r[R_DT] = dt_clock;
  r[R_L0] = length0;
  r[R_TGT] = tgt_now;
  r[R_CYCLE] = (double) cycle;
  r[R_COUNTING] = counting;
  r[R_FIRST] = need_first_sample;
  r[R_PERIOD] = period;
  r[R_EPS] = eps_cur;
  r[R_SIG] = sig_cur;
  if (wkind != WAVE_VARIABLE) wave->to_array(r + R_WAVE);
  for (int k = 0; k < NLAST; ++k) r[R_LAST + k] = last[k];
  acc->pack(r + R_ACC);
  return 1 + R_SIZE + NH::pack_restart_data(list + 1 + R_SIZE);
}

template <class NH> void FixAcousticT<NH>::restart(char *buf)
{
  auto *list = (double *) buf;
  const int n = (int) list[0];
  const double *r = list + 1;
  if (n != R_SIZE || r[R_TAG] != RESTART_TAG)
    error->all(FLERR, "Fix acoustic: the restart record of fix {} has a wrong size or version", id);
  auto mismatch = [&](const char *what) {
    error->all(FLERR,
               "Fix acoustic: the {} of fix {} differs from the one in the restart file; use a "
               "new fix ID to start a new loading",
               what, id);
  };
  if ((int) r[R_AXIS] != axis) mismatch("loading axis");
  if ((int) r[R_CONTROL] != control) mismatch("control (stress/strain)");
  if ((int) r[R_KIND] != wkind) mismatch("waveform");
  if (wkind != WAVE_VARIABLE) {
    std::vector<double> mine = wave->to_array();
    for (int k = 0; k < (int) mine.size(); ++k)
      if (mine[k] != r[R_WAVE + k]) mismatch("waveform");
  } else if (r[R_PERIOD] != period) {
    mismatch("period");
  }

  started = (int) r[R_STARTED];
  step_base = (bigint) r[R_STEPBASE];
  t_base = r[R_TBASE];
  dt_clock = r[R_DT];
  length0 = r[R_L0];
  tgt_now = r[R_TGT];
  cycle = (bigint) r[R_CYCLE];
  counting = (int) r[R_COUNTING];
  need_first_sample = (int) r[R_FIRST];
  eps_cur = r[R_EPS];
  sig_cur = r[R_SIG];
  for (int k = 0; k < NLAST; ++k) last[k] = r[R_LAST + k];
  try {
    acc->unpack(r + R_ACC);
  } catch (std::exception &e) {
    error->all(FLERR, "Fix acoustic: bad restart record: {}", e.what());
  }

  NH::restart((char *) (list + 1 + R_SIZE));
}

}    // namespace LAMMPS_NS

#endif
