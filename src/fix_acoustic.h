/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix acoustic: stress- or strain-controlled cyclic (and creep) loading of a
   periodic box along one axis, with Nose-Hoover chain thermostat and MTK
   barostat dynamics (a subclass of FixNH, as fix npt), and per-cycle dynamic
   mechanical analysis.  Waveforms and the DMA fit live in
   kernels/dma_kernel.h; this class drives FixNH's targets each half step and
   samples strain and stress.
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

class FixAcoustic : public FixNH {
 public:
  FixAcoustic(class LAMMPS *, int, char **);
  ~FixAcoustic() override;
  void init() override;
  void setup(int) override;
  void initial_integrate(int) override;
  void final_integrate() override;
  void reset_dt() override;
  double compute_vector(int) override;
  int pack_restart_data(double *) override;
  void restart(char *) override;

  enum { STRESS = 0, STRAIN = 1 };
  enum { WAVE_VARIABLE = 0, WAVE_SINE = 1, WAVE_TRAPEZOID = 2, WAVE_CREEP = 3 };

  struct Settings;    // parsed command (defined in the .cpp)

 protected:
  int size_restart_global() override;
  void remap() override;

 private:
  FixAcoustic(class LAMMPS *, Settings &&);

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

}    // namespace LAMMPS_NS

#endif
#endif
