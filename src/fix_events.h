/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   fix events: discrete plastic events found in-situ.  Every N steps the atoms
   of the group whose mobility over the last interval (a per-atom quantity,
   typically D2min of a compute nonaffine/atom whose reference is reset every
   N steps) exceeds a threshold are grouped into events by connectivity within
   a cutoff (across MPI ranks and periodic boundaries: the smallest atom ID of
   each connected group, propagated through the ghost atoms); each event is a
   damage (+1) or a recovery (-1) event by the sign of the change of a
   disorder quantity (e.g. the potential energy per atom) summed over its
   atoms.  Per-event bookkeeping in kernels/events_kernel.h; rank 0 writes the
   event file.  doc/src/fix_events.rst.
------------------------------------------------------------------------- */

#ifdef FIX_CLASS
// clang-format off
FixStyle(events,FixEvents);
// clang-format on
#else

#ifndef AMORPH_FIX_EVENTS_H
#define AMORPH_FIX_EVENTS_H

#include "fix.h"

#include "cell_list.h"

#include <cstdio>
#include <string>
#include <vector>

namespace LAMMPS_NS {

class FixEvents : public Fix {
 public:
  FixEvents(class LAMMPS *, int, char **);
  ~FixEvents() override;
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

  int pack_forward_comm(int, int *, double *, int, int *) override;
  void unpack_forward_comm(int, int, double *) override;
  double memory_usage() override;

  enum { NVECTOR = 8 };

 private:
  // a per-atom input: c_ID, c_ID[I], f_ID, f_ID[I] or v_name
  struct Input {
    std::string text, id;
    int which = 0, index = 0;    // ArgInfo type, column (0: vector)
    int ivar = -1;
    class Compute *compute = nullptr;
    class Fix *fix = nullptr;
  };
  Input mobility, disorder;
  double threshold, cutoff;
  long minsize;
  std::string filename;
  bool append;
  FILE *fp;

  // per atom: disorder at the start of the interval, whether it is known, event id
  double *prev, *has_prev, *event_id;
  int nmax_in;
  std::vector<double> mob_buf, dis_buf;    // current values of the inputs (local atoms)

  double vec[NVECTOR];    // see compute_vector()
  double cum_events, cum_damage, cum_recovery;
  bigint last_eval;

  // local + ghost event ids during the connectivity search
  std::vector<double> cid;
  AMORPH::cells::CellList cells;

  void parse_input(Input &in, const char *arg, const char *what);
  void resolve_input(Input &in, const char *what);
  void evaluate_input(Input &in, std::vector<double> &buf, const char *what);
  void capture_start();
  void connect();
  void open_file();
  bigint next_eval() const;
};

}    // namespace LAMMPS_NS

#endif
#endif
