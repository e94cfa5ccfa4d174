/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix tml: the machine-learned temperature T_ML (doc/src/Science.rst, section 1).
   Records per-atom squared displacements (unwrapped) at several lag times
   over possibly overlapping windows; writes labelled training features
   (training mode) and/or classifies every atom of each completed window
   with a kNN model (prediction mode).  The numerics (features, files, model,
   kNN) live in kernels/tml_model.h; this class keeps the per-atom window
   history (migrates with atoms, restart files), the window schedule, the
   MPI gathering of training rows and the per-atom/global outputs.
------------------------------------------------------------------------- */

#ifdef FIX_CLASS
// clang-format off
FixStyle(tml,FixTML);
// clang-format on
#else

#ifndef AMORPH_FIX_TML_H
#define AMORPH_FIX_TML_H

#include "fix.h"

#include "box_frame.h"

#include <memory>
#include <string>
#include <vector>

namespace AMORPH {
namespace tml {
  struct Metadata;
  class Model;
  class KNNRegressor;
  class FeatureWriter;
}    // namespace tml
}    // namespace AMORPH

namespace LAMMPS_NS {

class FixTML : public Fix {
 public:
  FixTML(class LAMMPS *, int, char **);
  ~FixTML() override;
  int setmask() override;
  void init() override;
  void setup(int) override;
  void end_of_step() override;
  double compute_vector(int) override;

  void grow_arrays(int) override;
  void copy_arrays(int, int, int) override;
  void set_arrays(int) override;
  int pack_exchange(int, double *) override;
  int unpack_exchange(int, double *) override;
  int pack_restart(int, double *) override;
  void unpack_restart(int, int) override;
  int size_restart(int) override;
  int maxsize_restart() override;
  void write_restart(FILE *) override;
  void restart(char *) override;
  double memory_usage() override;

  enum { TEMP_CONST, TEMP_VARIABLE, TEMP_COMPUTE };

 protected:
  // called before the atoms are read at an event step (window start, lag, completion)
  // and at setup; fix tml/kk brings the positions, images and masks to the host here,
  // so that a KOKKOS run copies them only at events, not every step
  virtual void sync_atoms_for_events() {}
  // the temperature is a number (not a compute or variable, which may read any atom data)
  bool temp_is_constant() const { return temp_mode == TEMP_CONST; }

 private:
  // ---- settings
  std::vector<double> lags;         // time units, increasing
  std::vector<bigint> lag_steps;    // lags / dt
  bigint every;                     // window starts every N steps
  bigint start;                     // first window start step (start + m*every)
  bigint nwindows_max;              // 0: unlimited
  int nwin;                         // window slots (max. simultaneously active windows)
  int temp_mode;
  double temp_const;
  std::string temp_id;    // variable name or compute ID
  double label;           // training label (label_given)
  int label_given;
  double threshold;
  int threshold_given;
  double dr2_floor;
  int floor_given;
  int features_flag;
  int affine_remove;                  // 1: displacements relative to the box's affine deformation
  AMORPH::box::ContinuousBox cbox;    // the box without its flips (affine_remove)
  AMORPH::box::Frame frame;           // affine frame of the current step (affine_remove)
  int nthreads;
  int norigins;           // time origins per window (1: the paper's single origin)
  double origin_dt;       // spacing of the origins (time units)
  bigint origin_steps;    // ... in steps
  unsigned kneigh;
  bigint check_per_class;    // model check: instances per class (0: no check)
  double dt_defined;         // timestep when the fix was defined

  // ---- training output (rank 0)
  std::string train_file;
  int train_binary;
  std::unique_ptr<AMORPH::tml::FeatureWriter> writer;

  // ---- prediction (replicated on every rank)
  std::unique_ptr<AMORPH::tml::Model> model;
  std::unique_ptr<AMORPH::tml::KNNRegressor> knn;

  // ---- per-atom data (own arrays, migrate with atoms, restart)
  // hist[i]: per slot s: ref x y z (unwrapped; fractional box coordinates with
  // affine_remove), in-group flag, dr2[d]
  int slot_cols, hist_cols, out_cols;
  double **hist;
  double **out;    // T_ML, features[d]

  // ---- events of a window, relative to its start (offsets > 0, ascending): at
  // ev_off[e] the origins ev_origin[e] take their reference positions and the
  // (origin, lag) pairs ev_lags[e] record a squared displacement
  std::vector<bigint> ev_off;
  std::vector<std::vector<int>> ev_origin;
  std::vector<std::vector<std::pair<int, int>>> ev_lags;

  // ---- window schedule (global, restart)
  std::vector<bigint> slot_t0;      // -1: free
  std::vector<double> slot_tsum;    // sum of temperature samples
  std::vector<int> slot_tcount;
  std::vector<int> slot_next;    // index of the next event (ev_off) of the window
  bigint windows_started, windows_done, last_processed, next_event;
  int restored_global, restored_peratom;    // restart records received (checked in setup)

  // ---- global outputs of the latest completed window
  double g_start, g_mean, g_frac, g_temp, g_count;

  // helpers
  void parse_model(const std::vector<std::string> &files, int from_features,
                   const std::string &save);
  void report_model_check();
  void classify_file(const std::string &qfile, const std::string &ofile);
  void check_timestep(const char *when);
  AMORPH::tml::Metadata recording() const;
  void check_recording(const AMORPH::tml::Metadata &trained, const std::string &what);
  double sample_temperature();
  void process_step();
  void reference_coords(int i, double *out) const;
  void track_box(bool frame_needed);
  void check_temp_source();
  void start_window(int slot);
  void build_events();
  double *origin_ref(double *h, int j) const;
  void record_origin(int slot, int j);
  void record_lag(int slot, int j, int k);
  void complete_window(int slot);
  void write_training(const std::vector<double> &rows, int nrows, double lab);
  void compute_next_event();
  void init_slots();
  [[noreturn]] void fail(const std::string &msg);
  template <typename F> void rank0_try(const char *what, F &&f);
};

}    // namespace LAMMPS_NS

#endif
#endif
