// AMORPH - LAMMPS plugin package, GPL-2.0
//
// events_kernel.h -- LAMMPS-independent bookkeeping of discrete plastic events
// (fix events, doc/src/fix_events.rst).  No LAMMPS, no MPI.
//
// An event is a connected group of active atoms (atoms whose mobility over the
// interval exceeded the threshold, connected by distances below the cutoff,
// across periodic boundaries); the connectivity itself is found by the style
// (across MPI ranks).  Given the members of all events, each with the event's
// id (the smallest atom ID in it), aggregate() gives per event
//   size      number of atoms
//   magnitude sum of the members' mobilities (e.g. D2min)
//   delta     sum of the members' change of the disorder quantity over the
//             interval (e.g. potential energy)
//   sign      +1 damage (delta > 0, disordering), -1 recovery (delta < 0), 0
//   centroid  mean position, members taken in the minimum image of the
//             event's first member (smallest ID), wrapped into the box
// The sums run over the members in ID order, so that the result does not depend
// on the order in which the members are given (e.g. on the number of ranks).
// ---------------------------------------------------------------------------

#ifndef AMORPH_EVENTS_KERNEL_H
#define AMORPH_EVENTS_KERNEL_H

#include <cstdint>
#include <vector>

namespace AMORPH {
namespace events {

  // periodic box in LAMMPS order h = (xprd, yprd, zprd, yz, xz, xy), lower corner lo
  struct Box {
    double lo[3] = {0.0, 0.0, 0.0};
    double h[6] = {1.0, 1.0, 1.0, 0.0, 0.0, 0.0};
    bool periodic[3] = {true, true, true};
  };

  struct Member {
    std::int64_t tag = 0;      // atom ID
    std::int64_t event = 0;    // event id: the smallest atom ID of its event
    double mobility = 0.0;
    double delta = 0.0;
    double x[3] = {0.0, 0.0, 0.0};
  };

  struct Event {
    std::int64_t id = 0;
    long size = 0;
    double magnitude = 0.0;
    double delta = 0.0;
    int sign = 0;
    double centroid[3] = {0.0, 0.0, 0.0};
  };

  // d (Cartesian) -> its minimum image: fractional components of periodic
  // dimensions reduced to [-1/2, 1/2]
  void minimum_image(const Box &box, double d[3]);

  // x -> its periodic image inside the box (periodic dimensions)
  void wrap(const Box &box, double x[3]);

  // events with at least minsize members, sorted by id
  std::vector<Event> aggregate(std::vector<Member> members, const Box &box, long minsize);

  // +1, -1 or 0: the kind of an event with this change of the disorder quantity
  inline int kind(double delta)
  {
    return delta > 0.0 ? 1 : (delta < 0.0 ? -1 : 0);
  }

}    // namespace events
}    // namespace AMORPH

#endif
