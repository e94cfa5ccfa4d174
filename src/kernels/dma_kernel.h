// AMORPH - LAMMPS plugin package, GPL-2.0
//
// dma_kernel.h -- LAMMPS-independent numerical kernel for cyclic loading
// (fix acoustic): target waveforms and per-cycle dynamic mechanical
// analysis (DMA).  No LAMMPS, no MPI.  See doc/src/Science.rst, section 4.
//
// ---------------------------------------------------------------------------
// 1. Waveforms (value types, time t measured from the start of loading)
//
//   Sine       x(t) = mean + amplitude * sin(2 pi f t + phase)
//              x'(t) = 2 pi f amplitude * cos(2 pi f t + phase)
//              period P = 1/f
//
//   Trapezoid  one cycle of length P = t_ramp + t_hold + t_unload + t_rest,
//              with local time u = t - k P (cycle k = floor(t/P)):
//                [0, t_r)                 base + (peak-base) u / t_r   (ramp)
//                [t_r, t_r+t_h)           peak                       (hold)
//                [t_r+t_h, t_r+t_h+t_u)   peak - (peak-base)(u-t_r-t_h)/t_u
//                [t_r+t_h+t_u, P)         base                       (rest)
//              Segments are half-open; a segment of zero length is skipped,
//              so t_ramp = 0 (or t_unload = 0) is a step.  The slope of a
//              step is a Dirac delta and rate() returns 0 there.
//              ncycles > 0: repeat ncycles times, then stay at base;
//              ncycles = 0: repeat forever.  t < 0: base.
//
//   Creep      ramp-and-hold from `start` towards `hold` with |slope| = rate:
//                t_ramp = |hold - start| / rate
//                x(t) = start                               t <= 0
//                x(t) = start + sgn(hold-start) rate t      0 < t < t_ramp
//                x(t) = hold                                t >= t_ramp
//              (works for negative hold values; hold == start holds at once)
//              period() = 0 (aperiodic).
//
//   Parameters are checked in the constructors (and in from_array); an
//   invalid parameter throws std::invalid_argument whose message names it,
//   e.g. "sine: frequency must be > 0 (got -1)".  check() returns the same
//   message without throwing ("" if valid).  Serialisation: to_array(double*)
//   writes NPARAM doubles, from_array(const double*) reads them back, so a
//   fix can store the waveform in its restart record; the Waveform wrapper
//   stores [kind, nparam, params...] for any of the three.
//
// ---------------------------------------------------------------------------
// 2. Per-cycle DMA (class DMAAccumulator)
//
//   For one loading cycle with known angular frequency w (period P = 2 pi/w)
//   starting at time t_start, samples (t, eps, sig) are added one at a time.
//   Each signal y in {eps, sig} is fitted by linear least squares to
//
//     y(t) = c0 + c1 tau + a sin(theta) + b cos(theta)
//     theta = w t                   (phase relative to the loading clock)
//     tau   = (t - t_mid) / P,      t_mid = t_start + P/2
//
//   The linear drift term c1 absorbs creep / ratcheting of the mean strain
//   so it does not leak into the amplitude and phase.  Centring and scaling
//   tau keeps the 4x4 normal matrix well conditioned (for a full cycle its
//   entries are all O(N)).  Only the normal-equation sums are stored
//   (O(1) memory): the 10 distinct entries of X^T X, X^T y and y^T y for
//   both signals.  y is accumulated relative to the first sample of the
//   cycle (y - y_ref) to avoid cancellation when the mean is much larger
//   than the oscillation (and to make a constant signal give exactly 0).
//
//   Writing a sin(theta) + b cos(theta) = A sin(theta + phi):
//     A = sqrt(a^2 + b^2),  phi = atan2(b, a)        (leading phase)
//   Phase lag (sign convention):
//     delta = phi_sig - phi_eps, wrapped into (-pi, pi]
//   i.e. delta is the angle by which the strain LAGS the stress:
//     eps = eps0 sin(wt),  sig = sig0 sin(wt + delta)
//   For a dissipative (viscoelastic) material delta > 0.
//   (Equivalently delta = "phase of strain minus phase of stress" when a
//   phase is measured as a lag, x = A sin(wt - phase).)
//     E'  = (sig0/eps0) cos delta      storage modulus
//     E'' = (sig0/eps0) sin delta      loss modulus
//     tan delta = tan(delta)
//     W_fit  = pi sig0 eps0 sin delta  (dissipated energy density, linear)
//     W_loop = sum_k (sig_k + sig_{k+1})/2 (eps_{k+1} - eps_k)
//              trapezoid rule for the loop integral  oint sig d eps  over
//              consecutive samples (numerical, includes nonlinearity).
//   For exact sinusoids sampled at N equal steps h = w dt over one closed
//   period, W_loop = W_fit * sin(h)/h, relative error ~ h^2/6.
//
//   Cycle bookkeeping: add() every sample, finish() at cycle end, then
//   either reset(t_start) (new cycle, integral starts afresh) or
//   next_cycle(t_start): the last sample of the finished cycle is kept as
//   the left end point of the first trapezoid of the new cycle (it is NOT
//   refitted), so consecutive cycles tile the loop integral without gaps or
//   double counting.  When the fix samples N steps per period this way, the
//   loop integral of each cycle spans exactly one period.
//
//   Validity: result.valid is false when fewer than MIN_SAMPLES (= 5)
//   samples were added, when the normal matrix is numerically singular
//   (e.g. all samples at one time), or when the fitted strain amplitude is
//   zero, eps0 <= 1e-12 * max|eps - eps_ref| (constant strain; pure drift).
//   Invalid results still contain only finite numbers: phases, delta, E',
//   E'', tan delta and W_fit are 0.  If the fit itself failed (too few
//   samples, singular), amplitudes, drifts and residuals are 0 too and the
//   means are the sample means; if only eps0 vanished, the fitted means,
//   drifts and amplitudes are kept.  W_loop is always reported.
//
//   Serialisation: to_array()/from_array() (or pack/unpack into a raw
//   buffer of STATE_SIZE doubles) store the complete state bit-exactly, so a
//   restart mid-cycle reproduces the same result.  Sample counts are stored
//   as doubles (exact below 2^53).
//
//   The trapezoid waveform is not sinusoidal; fitting it at w = 2 pi/P gives
//   the DMA of the fundamental (first Fourier) component.
// ---------------------------------------------------------------------------

#ifndef AMORPH_DMA_KERNEL_H
#define AMORPH_DMA_KERNEL_H

#include <string>
#include <variant>
#include <vector>

namespace AMORPH {
namespace dma {

  constexpr double PI = 3.14159265358979323846;
  constexpr double TWO_PI = 2.0 * PI;

  // wrap an angle into (-pi, pi]
  double wrap_angle(double x);

  // ------------------------------------------------------------------ Sine

  class Sine {
   public:
    static constexpr int NPARAM = 4;    // mean, amplitude, frequency, phase

    Sine() = default;    // x(t) = 0 with f = 1
    // frequency f in 1/time (NOT angular); phase in radians
    Sine(double mean, double amplitude, double frequency, double phase = 0.0);

    double value(double t) const;
    double rate(double t) const;
    double period() const { return 1.0 / frequency_; }
    double omega() const { return TWO_PI * frequency_; }

    double mean() const { return mean_; }
    double amplitude() const { return amplitude_; }
    double frequency() const { return frequency_; }
    double phase() const { return phase_; }

    // "" if valid, else a message naming the offending parameter
    std::string check() const;

    void to_array(double *buf) const;             // writes NPARAM doubles
    static Sine from_array(const double *buf);    // validates, may throw

   private:
    double mean_ = 0.0, amplitude_ = 0.0, frequency_ = 1.0, phase_ = 0.0;
  };

  // ------------------------------------------------------------- Trapezoid

  class Trapezoid {
   public:
    // base, peak, t_ramp, t_hold, t_unload, t_rest, ncycles
    static constexpr int NPARAM = 7;

    Trapezoid() = default;    // x(t) = 0, P = 1, forever
    // ncycles = 0: repeat forever
    Trapezoid(double base, double peak, double t_ramp, double t_hold, double t_unload,
              double t_rest, long ncycles = 0);

    double value(double t) const;
    double rate(double t) const;
    double period() const { return t_ramp_ + t_hold_ + t_unload_ + t_rest_; }
    double omega() const { return TWO_PI / period(); }
    // time at which the last cycle ends (ncycles * P), or -1 if forever
    double end_time() const;

    double base() const { return base_; }
    double peak() const { return peak_; }
    double t_ramp() const { return t_ramp_; }
    double t_hold() const { return t_hold_; }
    double t_unload() const { return t_unload_; }
    double t_rest() const { return t_rest_; }
    long ncycles() const { return ncycles_; }

    std::string check() const;

    void to_array(double *buf) const;
    static Trapezoid from_array(const double *buf);

   private:
    // local time u in [0, P) and whether the waveform has finished
    double local_time(double t, bool &done) const;

    double base_ = 0.0, peak_ = 0.0;
    double t_ramp_ = 0.0, t_hold_ = 1.0, t_unload_ = 0.0, t_rest_ = 0.0;
    long ncycles_ = 0;
  };

  // ----------------------------------------------------------------- Creep

  class Creep {
   public:
    static constexpr int NPARAM = 3;    // start, hold, rate

    Creep() = default;    // x(t) = 0
    // rate > 0 is the magnitude of the ramp slope (value per time unit)
    Creep(double hold, double rate, double start = 0.0);

    double value(double t) const;
    double rate(double t) const;
    double period() const { return 0.0; }    // aperiodic
    double ramp_time() const;                // |hold - start| / rate

    double start() const { return start_; }
    double hold() const { return hold_; }
    double ramp_rate() const { return rate_; }

    std::string check() const;

    void to_array(double *buf) const;
    static Creep from_array(const double *buf);

   private:
    double start_ = 0.0, hold_ = 0.0, rate_ = 1.0;
  };

  // ------------------------------------------------- Waveform (any of three)

  enum class WaveKind : int { SINE = 1, TRAPEZOID = 2, CREEP = 3 };

  class Waveform {
   public:
    // maximum serialised length: [kind, nparam, params...]
    static constexpr int MAX_ARRAY = 2 + Trapezoid::NPARAM;

    Waveform() = default;    // zero sine
    Waveform(const Sine &w) : w_(w) {}
    Waveform(const Trapezoid &w) : w_(w) {}
    Waveform(const Creep &w) : w_(w) {}

    WaveKind kind() const;
    double value(double t) const;
    double rate(double t) const;
    double period() const;    // 0 for creep

    const Sine *sine() const { return std::get_if<Sine>(&w_); }
    const Trapezoid *trapezoid() const { return std::get_if<Trapezoid>(&w_); }
    const Creep *creep() const { return std::get_if<Creep>(&w_); }

    int array_size() const;    // 2 + NPARAM of the held kind
    void to_array(double *buf) const;
    std::vector<double> to_array() const;
    // reads [kind, nparam, params...]; throws std::invalid_argument on an
    // unknown kind, a wrong nparam or invalid parameters
    static Waveform from_array(const double *buf);
    static Waveform from_array(const std::vector<double> &v);

   private:
    std::variant<Sine, Trapezoid, Creep> w_;
  };

  // ---------------------------------------------------------------- DMA

  struct DMAResult {
    bool valid = false;
    long nsamples = 0;     // samples entering the fit
    double omega = 0.0;    // angular frequency of the cycle
    double t_start = 0.0;
    double t_first = 0.0, t_last = 0.0;    // first / last fitted sample time

    // fitted y = mean + drift (t - t_mid) + amp sin(w t + phase)
    double strain_amp = 0.0, strain_phase = 0.0, strain_mean = 0.0, strain_drift = 0.0;
    double stress_amp = 0.0, stress_phase = 0.0, stress_mean = 0.0, stress_drift = 0.0;
    // rms fit residuals, sqrt((y.y - beta.X^T y)/n): a diagnostic only; the
    // cancellation floor is ~ sqrt(machine eps) * amplitude (~1e-8 relative)
    double strain_rms_resid = 0.0, stress_rms_resid = 0.0;

    double delta = 0.0;        // phase lag of strain behind stress, (-pi, pi]
    double E_storage = 0.0;    // E'  = sig0/eps0 cos delta
    double E_loss = 0.0;       // E'' = sig0/eps0 sin delta
    double tan_delta = 0.0;
    double W_loop = 0.0;    // oint sig d eps, trapezoid rule
    double W_fit = 0.0;     // pi sig0 eps0 sin delta
  };

  class DMAAccumulator {
   public:
    static constexpr int MIN_SAMPLES = 5;
    static constexpr int STATE_SIZE = 38;

    DMAAccumulator() = default;    // omega = 2 pi, t_start = 0
    // omega > 0 (angular frequency), t_start: time of cycle start
    DMAAccumulator(double omega, double t_start);

    // start a fresh cycle (all sums and the loop integral cleared)
    void reset(double t_start);
    void reset(double omega, double t_start);
    // start the next cycle keeping the last sample as the left end point of
    // the loop-integral trapezoid (the sample is not refitted)
    void next_cycle(double t_start);

    void add(double t, double strain, double stress);
    DMAResult finish() const;    // does not modify the state

    long nsamples() const { return static_cast<long>(n_); }
    double omega() const { return omega_; }
    double period() const { return TWO_PI / omega_; }
    double t_start() const { return t_start_; }
    double loop_integral() const { return W_; }

    void pack(double *buf) const;      // STATE_SIZE doubles
    void unpack(const double *buf);    // throws on a bad version / omega
    std::vector<double> to_array() const;
    static DMAAccumulator from_array(const std::vector<double> &v);

   private:
    void clear_sums();

    double omega_ = TWO_PI;
    double t_start_ = 0.0, t_mid_ = 0.5, period_ = 1.0;
    double theta_ref_ = 0.0;    // fmod(w t_start, 2 pi): theta = w (t - t_start) + theta_ref

    double n_ = 0.0;
    double S_[10] = {};         // upper triangle of X^T X (row major)
    double Ty_[2][4] = {};      // X^T (y - y_ref), y = eps, sig
    double yy_[2] = {};         // sum (y - y_ref)^2
    double yref_[2] = {};       // first sample of the cycle
    double ymaxdev_[2] = {};    // max |y - y_ref|
    double t_first_ = 0.0, t_last_ = 0.0;

    double W_ = 0.0;           // loop integral
    double has_prev_ = 0.0;    // 1 if a previous sample exists
    double prev_[3] = {};      // previous t, eps, sig
  };

}    // namespace dma
}    // namespace AMORPH

#endif
