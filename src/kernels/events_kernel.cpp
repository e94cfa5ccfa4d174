// AMORPH - LAMMPS plugin package, GPL-2.0
// events_kernel.cpp -- see events_kernel.h for the definitions.
#include "events_kernel.h"

#include <algorithm>
#include <cmath>

namespace AMORPH {
namespace events {

  namespace {
    // fractional s = H^-1 d of the upper-triangular box matrix
    void to_fractional(const double h[6], const double d[3], double s[3])
    {
      s[2] = d[2] / h[2];
      s[1] = (d[1] - h[3] * s[2]) / h[1];
      s[0] = (d[0] - h[5] * s[1] - h[4] * s[2]) / h[0];
    }
    void to_cartesian(const double h[6], const double s[3], double d[3])
    {
      d[0] = h[0] * s[0] + h[5] * s[1] + h[4] * s[2];
      d[1] = h[1] * s[1] + h[3] * s[2];
      d[2] = h[2] * s[2];
    }
  }    // namespace

  void minimum_image(const Box &box, double d[3])
  {
    double s[3];
    to_fractional(box.h, d, s);
    for (int k = 0; k < 3; ++k)
      if (box.periodic[k]) s[k] -= std::nearbyint(s[k]);
    to_cartesian(box.h, s, d);
  }

  void wrap(const Box &box, double x[3])
  {
    double d[3] = {x[0] - box.lo[0], x[1] - box.lo[1], x[2] - box.lo[2]}, s[3];
    to_fractional(box.h, d, s);
    for (int k = 0; k < 3; ++k)
      if (box.periodic[k]) {
        s[k] -= std::floor(s[k]);
        if (s[k] >= 1.0) s[k] = 0.0;    // -tiny - floor(-tiny) rounds to 1
      }
    to_cartesian(box.h, s, d);
    for (int k = 0; k < 3; ++k) x[k] = box.lo[k] + d[k];
  }

  std::vector<Event> aggregate(std::vector<Member> members, const Box &box, long minsize)
  {
    std::sort(members.begin(), members.end(), [](const Member &a, const Member &b) {
      return a.event < b.event || (a.event == b.event && a.tag < b.tag);
    });
    std::vector<Event> out;
    for (std::size_t first = 0; first < members.size();) {
      std::size_t last = first;
      while (last < members.size() && members[last].event == members[first].event) ++last;
      Event e;
      e.id = members[first].event;
      e.size = (long) (last - first);
      const double *x0 = members[first].x;
      double sum[3] = {0.0, 0.0, 0.0};
      for (std::size_t k = first; k < last; ++k) {
        e.magnitude += members[k].mobility;
        e.delta += members[k].delta;
        double d[3] = {members[k].x[0] - x0[0], members[k].x[1] - x0[1], members[k].x[2] - x0[2]};
        minimum_image(box, d);
        for (int c = 0; c < 3; ++c) sum[c] += d[c];
      }
      e.sign = kind(e.delta);
      for (int c = 0; c < 3; ++c) e.centroid[c] = x0[c] + sum[c] / (double) e.size;
      wrap(box, e.centroid);
      if (e.size >= minsize) out.push_back(e);
      first = last;
    }
    return out;
  }

}    // namespace events
}    // namespace AMORPH
