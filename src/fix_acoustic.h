/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix acoustic: stress- or strain-controlled cyclic (and creep) loading of a
   periodic box along one axis, with Nose-Hoover chain thermostat and MTK
   barostat dynamics (a subclass of FixNH, as fix npt), and per-cycle dynamic
   mechanical analysis.  Waveforms and the DMA fit live in
   kernels/dma_kernel.h; this class drives FixNH's targets each half step and
   samples strain and stress.  A template on its integrator class, so that
   fix acoustic/kk (src/KOKKOS) is the same code on LAMMPS's FixNHKokkos.
------------------------------------------------------------------------- */

#ifdef FIX_CLASS
// clang-format off
FixStyle(acoustic,FixAcoustic);
// clang-format on
#else

#ifndef AMORPH_FIX_ACOUSTIC_H
#define AMORPH_FIX_ACOUSTIC_H

#include "fix_nh.h"

#include <cstdio>
#include <memory>
#include <string>

namespace AMORPH {
namespace dma {
  class Waveform;
  class DMAAccumulator;
}    // namespace dma
}    // namespace AMORPH

namespace LAMMPS_NS {

namespace acoustic_detail {
  struct Settings;    // the parsed command (fix_acoustic_impl.h)
}    // namespace acoustic_detail

// the settings' constants, shared by the instantiations
struct FixAcousticBase {
  enum { STRESS = 0, STRAIN = 1 };
  enum { WAVE_VARIABLE = 0, WAVE_SINE = 1, WAVE_TRAPEZOID = 2, WAVE_CREEP = 3 };
};

// fix acoustic on the integrator NH: FixNH (fix acoustic) or LAMMPS's FixNHKokkos
// (fix acoustic/kk, src/KOKKOS); definitions in fix_acoustic_impl.h
template <class NH> class FixAcousticT : public NH, public FixAcousticBase {
 public:
  FixAcousticT(class LAMMPS *, int, char **);
  ~FixAcousticT() override;
  void init() override;
  void setup(int) override;
  void initial_integrate(int) override;
  void final_integrate() override;
  void reset_dt() override;
  double compute_vector(int) override;
  int pack_restart_data(double *) override;
  void restart(char *) override;

 protected:
  int size_restart_global() override;
  void remap() override;
  // the style of its temperature compute: temp (fix acoustic), temp/kk (fix acoustic/kk)
  static const char *temp_style();
  // x_a <- fix + (x_a - fix) * scale for the atoms the barostat dilates (strain control),
  // on the host copy; fix acoustic/kk does it on the device
  virtual void scale_positions(int a, double fix, double scale);

  // what the definitions use of Fix and FixNH (dependent base: named here once)
  using NH::allremap;
  using NH::atom;
  using NH::box_change;
  using NH::comm;
  using NH::compute_sigma;
  using NH::copymode;
  using NH::deviatoric_flag;
  using NH::dilate_group_bit;
  using NH::domain;
  using NH::error;
  using NH::extvector;
  using NH::fixedpoint;
  using NH::force;
  using NH::h0_inv;
  using NH::id;
  using NH::id_press;
  using NH::id_temp;
  using NH::input;
  using NH::lmp;
  using NH::memory;
  using NH::modify;
  using NH::p_current;
  using NH::p_flag;
  using NH::p_hydro;
  using NH::p_start;
  using NH::p_stop;
  using NH::p_target;
  using NH::pcomputeflag;
  using NH::pdim;
  using NH::pstat_flag;
  using NH::size_vector;
  using NH::style;
  using NH::tcomputeflag;
  using NH::time_depend;
  using NH::tstat_flag;
  using NH::update;
  using NH::vector_flag;
  using NH::vol0;

 private:
  FixAcousticT(class LAMMPS *, acoustic_detail::Settings &&);

  // settings
  int axis;       // loading axis 0,1,2
  int control;    // STRESS or STRAIN
  int wkind;      // WAVE_*
  std::unique_ptr<AMORPH::dma::Waveform> wave;
  std::string varname;
  int ivar;
  double period;    // loading period (0: aperiodic, no DMA)
  double p_lat;     // pressure on the two other axes
  FILE *fp;         // per-cycle DMA file (rank 0)

  // loading clock: t(step) = t_base + (step - step_base) * dt_clock
  int started;
  bigint step_base;
  double t_base, dt_clock;
  double length0;    // reference box length along the axis (strain 0)

  double tgt_now, tgt_next, tgt_half;    // targets at t_n, t_n+1, t_n+1/2
  int nremap;                            // remap() calls in this step
  double eps_cur, sig_cur;               // last sample

  // cycle accounting and DMA
  std::unique_ptr<AMORPH::dma::DMAAccumulator> acc;
  int need_first_sample;
  bigint cycle;    // index of the running cycle = completed cycles
  int counting;    // 1 while cycles are analysed
  double *last;    // results of the last completed cycle

  double time_of(bigint step) const;
  double target_at(double t);
  double evaluate_variable();
  void apply_stress_targets(double value);
  void strain_remap(double strain);
  void sample(double t);
  void close_cycle();
  void write_cycle_line();
};

using FixAcoustic = FixAcousticT<FixNH>;
template <> const char *FixAcousticT<FixNH>::temp_style();
extern template class FixAcousticT<FixNH>;

}    // namespace LAMMPS_NS

#endif
#endif
