// AMORPH - LAMMPS plugin package, GPL-2.0
//
// box_frame.h -- LAMMPS-independent geometry of a (triclinic) periodic box for
// displacements measured without the box's affine deformation.  No LAMMPS, no MPI.
//
// Box matrix in LAMMPS order h = (xprd, yprd, zprd, yz, xz, xy): the edge vectors
//   a = (xprd, 0, 0),  b = (xy, yprd, 0),  c = (xz, yz, zprd)
// are the columns of the upper-triangular matrix H; x = lo + H s for fractional s.
//
// 1. Flips.  LAMMPS keeps tilts within half a box length by changing the basis
//    (fix deform, fix nh "flip"): b -> b + m a, c -> c + p b + n a with integers
//    p, n, m, the yz flip done first with the b of before the xy flip; the lattice,
//    the atoms and their unwrapped coordinates stay the same (image flags change
//    with them).  Between two box states (primes: the earlier one) checked often
//    enough (continuous changes far below half a box length), with the lengths of
//    the later state:
//      m = round((xy - xy') / xprd),  xy_b = xy - m xprd     (x periodic)
//      p = round((yz - yz') / yprd)                          (y periodic)
//      n = round((xz - xz' - p xy_b) / xprd)                 (x periodic)
//    detect_flip() returns them.  compute nonaffine/atom applies them to its
//    reference box, fix tml follows them with the continuous box.
//
// 2. The continuous box.  hc follows the box without the jumps of the flips:
//      hc_diag = h_diag,  hc_yz += dyz - p yprd,  hc_xy += dxy - m xprd,
//      hc_xz += dxz - p xy_b - n xprd
//    (d: change since the earlier state), so H_c(t) H_c(t0)^-1 is the affine
//    deformation between t0 and t even across flips.  ContinuousBox keeps hc and
//    the last state.
//
// 3. The affine frame.  Dimensions whose box bounds follow the atoms
//    (shrink-wrapped boundaries s or m on either side) carry no deformation: their
//    column of H is replaced by the unit vector and their lower bound by 0, so that
//    the coordinate enters as it is (Cartesian).  The displacement of an atom
//    between t0 and t without the affine deformation is then
//      dx = H_f(t) (s(t) - s(t0)),   s = H_f^-1 (x_unwrapped - lo_f)
// ---------------------------------------------------------------------------

#ifndef AMORPH_BOX_FRAME_H
#define AMORPH_BOX_FRAME_H

namespace AMORPH {
namespace box {

  struct Flip {
    long p = 0, n = 0, m = 0;    // c += p b + n a; b += m a
    bool any() const { return p != 0 || n != 0 || m != 0; }
  };

  // flips between the earlier box hlast and h (section 1); a non-periodic x or y
  // dimension cannot flip (its multiples are 0)
  Flip detect_flip(const double h[6], const double hlast[6], bool xperiodic, bool yperiodic);

  // section 2
  class ContinuousBox {
   public:
    void reset(const double h[6]);    // hc = hlast = h
    // advance to the box h; returns the flips since the last state
    Flip update(const double h[6], bool xperiodic, bool yperiodic);
    // keep the continuous tilts (e.g. from a restart file) with the current box h
    void restore(const double h[6], const double hc_tilt[3]);
    const double *hc() const { return hc_; }
    const double *hlast() const { return hlast_; }

   private:
    double hc_[6] = {0, 0, 0, 0, 0, 0};
    double hlast_[6] = {0, 0, 0, 0, 0, 0};
  };

  // section 3
  struct Frame {
    double H[6];       // h order, see above
    double Hinv[6];    // inverse, same order (upper triangular)
    double lo[3];
    // s = H^-1 (x - lo)
    void fractional(const double x[3], double s[3]) const;
    // dx = H ds
    void cartesian(const double ds[3], double dx[3]) const;
  };

  // frame of the box h with lower corner lo; shrink[d]: dimension d shrink-wrapped.
  // Throws std::invalid_argument for a non-positive box length.
  Frame affine_frame(const double h[6], const double lo[3], const bool shrink[3]);

}    // namespace box
}    // namespace AMORPH

#endif
