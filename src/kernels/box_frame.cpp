// AMORPH - LAMMPS plugin package, GPL-2.0
// box_frame.cpp -- see box_frame.h for the definitions.
#include "box_frame.h"

#include <cmath>
#include <stdexcept>

namespace AMORPH {
namespace box {

  namespace {
    // the xy tilt before the xy flip of this step (a yz flip adds it to xz)
    double xy_before_flip(const double h[6], const Flip &f)
    {
      return h[5] - f.m * h[0];
    }
  }    // namespace

  Flip detect_flip(const double h[6], const double hlast[6], bool xperiodic, bool yperiodic)
  {
    Flip f;
    if (yperiodic && h[1] > 0.0) f.p = std::lround((h[3] - hlast[3]) / h[1]);
    if (xperiodic && h[0] > 0.0) {
      f.m = std::lround((h[5] - hlast[5]) / h[0]);
      f.n = std::lround((h[4] - hlast[4] - f.p * xy_before_flip(h, f)) / h[0]);
    }
    return f;
  }

  void ContinuousBox::reset(const double h[6])
  {
    for (int k = 0; k < 6; ++k) hc_[k] = hlast_[k] = h[k];
  }

  Flip ContinuousBox::update(const double h[6], bool xperiodic, bool yperiodic)
  {
    const Flip f = detect_flip(h, hlast_, xperiodic, yperiodic);
    const double *l = hlast_;
    hc_[3] += (h[3] - l[3]) - f.p * h[1];
    hc_[4] += (h[4] - l[4]) - (f.p * xy_before_flip(h, f) + f.n * h[0]);
    hc_[5] += (h[5] - l[5]) - f.m * h[0];
    for (int k = 0; k < 3; ++k) hc_[k] = h[k];
    for (int k = 0; k < 6; ++k) hlast_[k] = h[k];
    return f;
  }

  void ContinuousBox::restore(const double h[6], const double hc_tilt[3])
  {
    reset(h);
    for (int k = 0; k < 3; ++k) hc_[3 + k] = hc_tilt[k];
  }

  Frame affine_frame(const double h[6], const double lo[3], const bool shrink[3])
  {
    Frame fr;
    for (int k = 0; k < 6; ++k) fr.H[k] = h[k];
    for (int d = 0; d < 3; ++d) fr.lo[d] = lo[d];
    // columns: a = (H0), b = (H5, H1), c = (H4, H3, H2)
    if (shrink[0]) {
      fr.H[0] = 1.0;
      fr.lo[0] = 0.0;
    }
    if (shrink[1]) {
      fr.H[5] = 0.0;
      fr.H[1] = 1.0;
      fr.lo[1] = 0.0;
    }
    if (shrink[2]) {
      fr.H[4] = fr.H[3] = 0.0;
      fr.H[2] = 1.0;
      fr.lo[2] = 0.0;
    }
    const double *H = fr.H;
    if (!(H[0] > 0.0) || !(H[1] > 0.0) || !(H[2] > 0.0))
      throw std::invalid_argument("box lengths must be > 0");
    double *I = fr.Hinv;    // inverse of an upper-triangular 3x3 matrix, h order
    I[0] = 1.0 / H[0];
    I[1] = 1.0 / H[1];
    I[2] = 1.0 / H[2];
    I[3] = -H[3] / (H[1] * H[2]);
    I[4] = (H[3] * H[5] - H[1] * H[4]) / (H[0] * H[1] * H[2]);
    I[5] = -H[5] / (H[0] * H[1]);
    return fr;
  }

  void Frame::fractional(const double x[3], double s[3]) const
  {
    const double dx = x[0] - lo[0], dy = x[1] - lo[1], dz = x[2] - lo[2];
    s[0] = Hinv[0] * dx + Hinv[5] * dy + Hinv[4] * dz;
    s[1] = Hinv[1] * dy + Hinv[3] * dz;
    s[2] = Hinv[2] * dz;
  }

  void Frame::cartesian(const double ds[3], double dx[3]) const
  {
    dx[0] = H[0] * ds[0] + H[5] * ds[1] + H[4] * ds[2];
    dx[1] = H[1] * ds[1] + H[3] * ds[2];
    dx[2] = H[2] * ds[2];
  }

}    // namespace box
}    // namespace AMORPH
