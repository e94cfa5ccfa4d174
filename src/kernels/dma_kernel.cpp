// AMORPH - LAMMPS plugin package, GPL-2.0
//
// dma_kernel.cpp -- waveforms and per-cycle DMA; see dma_kernel.h for the
// equations and conventions.

#include "dma_kernel.h"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace AMORPH {
namespace dma {

  namespace {

    // "who: name must be what (got value)"
    std::string bad(const char *who, const char *name, const char *what, double got)
    {
      std::ostringstream os;
      os.precision(10);
      os << who << ": " << name << " must be " << what << " (got " << got << ")";
      return os.str();
    }

    inline bool finite(double x)
    {
      return std::isfinite(x);
    }

    void throw_if(const std::string &msg)
    {
      if (!msg.empty()) throw std::invalid_argument(msg);
    }

    // magic number heading a serialised DMAAccumulator ("DMA", version 1)
    constexpr double DMA_STATE_TAG = 3621.0 + 1.0 / 8.0;

  }    // namespace

  double wrap_angle(double x)
  {
    if (!finite(x)) return 0.0;
    // remainder() returns a value in [-pi, pi]; map -pi to +pi
    double r = std::remainder(x, TWO_PI);
    if (r <= -PI) r += TWO_PI;
    if (r > PI) r -= TWO_PI;
    return r;
  }

  // ======================================================================
  // Sine:  x = mean + A sin(2 pi f t + phase)
  // ======================================================================

  Sine::Sine(double mean, double amplitude, double frequency, double phase) :
      mean_(mean), amplitude_(amplitude), frequency_(frequency), phase_(phase)
  {
    throw_if(check());
  }

  std::string Sine::check() const
  {
    if (!finite(mean_)) return bad("sine", "mean", "finite", mean_);
    if (!finite(amplitude_)) return bad("sine", "amplitude", "finite", amplitude_);
    if (!finite(frequency_) || !(frequency_ > 0.0))
      return bad("sine", "frequency", "finite and > 0", frequency_);
    if (!finite(phase_)) return bad("sine", "phase", "finite", phase_);
    return {};
  }

  double Sine::value(double t) const
  {
    return mean_ + amplitude_ * std::sin(TWO_PI * frequency_ * t + phase_);
  }

  // dx/dt = 2 pi f A cos(2 pi f t + phase)
  double Sine::rate(double t) const
  {
    const double w = TWO_PI * frequency_;
    return w * amplitude_ * std::cos(w * t + phase_);
  }

  void Sine::to_array(double *buf) const
  {
    buf[0] = mean_;
    buf[1] = amplitude_;
    buf[2] = frequency_;
    buf[3] = phase_;
  }

  Sine Sine::from_array(const double *buf)
  {
    return Sine(buf[0], buf[1], buf[2], buf[3]);
  }

  // ======================================================================
  // Trapezoid: ramp / hold / unload / rest, repeated ncycles times (0: forever)
  // ======================================================================

  Trapezoid::Trapezoid(double base, double peak, double t_ramp, double t_hold, double t_unload,
                       double t_rest, long ncycles) :
      base_(base),
      peak_(peak), t_ramp_(t_ramp), t_hold_(t_hold), t_unload_(t_unload), t_rest_(t_rest),
      ncycles_(ncycles)
  {
    throw_if(check());
  }

  std::string Trapezoid::check() const
  {
    const char *w = "trapezoid";
    if (!finite(base_)) return bad(w, "base", "finite", base_);
    if (!finite(peak_)) return bad(w, "peak", "finite", peak_);
    if (!finite(t_ramp_) || t_ramp_ < 0.0) return bad(w, "t_ramp", "finite and >= 0", t_ramp_);
    if (!finite(t_hold_) || t_hold_ < 0.0) return bad(w, "t_hold", "finite and >= 0", t_hold_);
    if (!finite(t_unload_) || t_unload_ < 0.0)
      return bad(w, "t_unload", "finite and >= 0", t_unload_);
    if (!finite(t_rest_) || t_rest_ < 0.0) return bad(w, "t_rest", "finite and >= 0", t_rest_);
    if (!(period() > 0.0))
      return bad(w, "period (t_ramp + t_hold + t_unload + t_rest)", "> 0", period());
    if (ncycles_ < 0) return bad(w, "ncycles", ">= 0 (0 = forever)", static_cast<double>(ncycles_));
    return {};
  }

  double Trapezoid::end_time() const
  {
    return ncycles_ > 0 ? static_cast<double>(ncycles_) * period() : -1.0;
  }

  // u = t - k P with k = floor(t/P), guarded against rounding so u in [0, P);
  // done = true once k >= ncycles (finite repeat count)
  double Trapezoid::local_time(double t, bool &done) const
  {
    const double P = period();
    double k = std::floor(t / P);
    double u = t - k * P;
    if (u < 0.0) {
      u += P;
      k -= 1.0;
    }
    if (u >= P) {
      u -= P;
      k += 1.0;
    }
    if (u < 0.0) u = 0.0;
    done = (ncycles_ > 0 && k >= static_cast<double>(ncycles_));
    return u;
  }

  double Trapezoid::value(double t) const
  {
    if (!(t >= 0.0)) return base_;
    bool done = false;
    const double u = local_time(t, done);
    if (done) return base_;
    const double b1 = t_ramp_;           // end of ramp
    const double b2 = b1 + t_hold_;      // end of hold
    const double b3 = b2 + t_unload_;    // end of unload
    if (u < b1) return base_ + (peak_ - base_) * (u / t_ramp_);
    if (u < b2) return peak_;
    if (u < b3) return peak_ - (peak_ - base_) * ((u - b2) / t_unload_);
    return base_;
  }

  double Trapezoid::rate(double t) const
  {
    if (!(t >= 0.0)) return 0.0;
    bool done = false;
    const double u = local_time(t, done);
    if (done) return 0.0;
    const double b1 = t_ramp_;
    const double b2 = b1 + t_hold_;
    const double b3 = b2 + t_unload_;
    if (u < b1) return (peak_ - base_) / t_ramp_;
    if (u < b2) return 0.0;
    if (u < b3) return -(peak_ - base_) / t_unload_;
    return 0.0;
  }

  void Trapezoid::to_array(double *buf) const
  {
    buf[0] = base_;
    buf[1] = peak_;
    buf[2] = t_ramp_;
    buf[3] = t_hold_;
    buf[4] = t_unload_;
    buf[5] = t_rest_;
    buf[6] = static_cast<double>(ncycles_);
  }

  Trapezoid Trapezoid::from_array(const double *buf)
  {
    const double nc = buf[6];
    if (!finite(nc) || nc < 0.0 || nc != std::floor(nc) || nc > 9.0e15)
      throw std::invalid_argument(bad("trapezoid", "ncycles", "an integer >= 0", nc));
    return Trapezoid(buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], static_cast<long>(nc));
  }

  // ======================================================================
  // Creep: ramp from start towards hold with |slope| = rate, then hold
  // ======================================================================

  Creep::Creep(double hold, double rate, double start) : start_(start), hold_(hold), rate_(rate)
  {
    throw_if(check());
  }

  std::string Creep::check() const
  {
    if (!finite(start_)) return bad("creep", "start", "finite", start_);
    if (!finite(hold_)) return bad("creep", "hold", "finite", hold_);
    if (!finite(rate_) || !(rate_ > 0.0)) return bad("creep", "rate", "finite and > 0", rate_);
    return {};
  }

  // t_ramp = |hold - start| / rate
  double Creep::ramp_time() const
  {
    return std::fabs(hold_ - start_) / rate_;
  }

  double Creep::value(double t) const
  {
    if (!(t > 0.0)) return start_;
    if (t >= ramp_time()) return hold_;
    const double s = (hold_ >= start_) ? 1.0 : -1.0;
    return start_ + s * rate_ * t;
  }

  double Creep::rate(double t) const
  {
    if (!(t >= 0.0) || t >= ramp_time()) return 0.0;
    return (hold_ >= start_) ? rate_ : -rate_;
  }

  void Creep::to_array(double *buf) const
  {
    buf[0] = start_;
    buf[1] = hold_;
    buf[2] = rate_;
  }

  Creep Creep::from_array(const double *buf)
  {
    return Creep(buf[1], buf[2], buf[0]);
  }

  // ======================================================================
  // Waveform
  // ======================================================================

  WaveKind Waveform::kind() const
  {
    if (std::holds_alternative<Sine>(w_)) return WaveKind::SINE;
    if (std::holds_alternative<Trapezoid>(w_)) return WaveKind::TRAPEZOID;
    return WaveKind::CREEP;
  }

  double Waveform::value(double t) const
  {
    return std::visit(
        [t](const auto &w) {
          return w.value(t);
        },
        w_);
  }

  double Waveform::rate(double t) const
  {
    return std::visit(
        [t](const auto &w) {
          return w.rate(t);
        },
        w_);
  }

  double Waveform::period() const
  {
    return std::visit(
        [](const auto &w) {
          return w.period();
        },
        w_);
  }

  int Waveform::array_size() const
  {
    return 2 +
        std::visit(
               [](const auto &w) {
                 return std::decay_t<decltype(w)>::NPARAM;
               },
               w_);
  }

  void Waveform::to_array(double *buf) const
  {
    buf[0] = static_cast<double>(static_cast<int>(kind()));
    buf[1] = static_cast<double>(array_size() - 2);
    std::visit(
        [buf](const auto &w) {
          w.to_array(buf + 2);
        },
        w_);
  }

  std::vector<double> Waveform::to_array() const
  {
    std::vector<double> v(array_size());
    to_array(v.data());
    return v;
  }

  Waveform Waveform::from_array(const double *buf)
  {
    const double k = buf[0], np = buf[1];
    auto need = [np](int n, const char *name) {
      if (np != static_cast<double>(n))
        throw std::invalid_argument(std::string("waveform: parameter count for ") + name +
                                    " must be " + std::to_string(n));
    };
    if (k == static_cast<double>(static_cast<int>(WaveKind::SINE))) {
      need(Sine::NPARAM, "sine");
      return Waveform(Sine::from_array(buf + 2));
    }
    if (k == static_cast<double>(static_cast<int>(WaveKind::TRAPEZOID))) {
      need(Trapezoid::NPARAM, "trapezoid");
      return Waveform(Trapezoid::from_array(buf + 2));
    }
    if (k == static_cast<double>(static_cast<int>(WaveKind::CREEP))) {
      need(Creep::NPARAM, "creep");
      return Waveform(Creep::from_array(buf + 2));
    }
    throw std::invalid_argument(bad("waveform", "kind", "1 (sine), 2 (trapezoid) or 3 (creep)", k));
  }

  Waveform Waveform::from_array(const std::vector<double> &v)
  {
    if (v.size() < 2) throw std::invalid_argument("waveform: array too short");
    if (static_cast<double>(v.size()) != 2.0 + v[1])
      throw std::invalid_argument("waveform: array length does not match its parameter count");
    return from_array(v.data());
  }

  // ======================================================================
  // DMAAccumulator
  // ======================================================================

  // index of (i,j), i <= j, in the row-major upper triangle of a 4x4 matrix
  static inline int tri(int i, int j)
  {
    static const int off[4] = {0, 4, 7, 9};
    return off[i] + (j - i);
  }

  DMAAccumulator::DMAAccumulator(double omega, double t_start)
  {
    reset(omega, t_start);
  }

  void DMAAccumulator::reset(double omega, double t_start)
  {
    if (!finite(omega) || !(omega > 0.0))
      throw std::invalid_argument(bad("dma", "omega", "finite and > 0", omega));
    if (!finite(t_start)) throw std::invalid_argument(bad("dma", "t_start", "finite", t_start));
    omega_ = omega;
    reset(t_start);
  }

  void DMAAccumulator::reset(double t_start)
  {
    next_cycle(t_start);
    has_prev_ = 0.0;
    prev_[0] = prev_[1] = prev_[2] = 0.0;
  }

  void DMAAccumulator::next_cycle(double t_start)
  {
    if (!finite(t_start)) throw std::invalid_argument(bad("dma", "t_start", "finite", t_start));
    t_start_ = t_start;
    period_ = TWO_PI / omega_;
    t_mid_ = t_start + 0.5 * period_;
    // theta = w t  evaluated as  w (t - t_start) + (w t_start mod 2 pi)
    // so that the argument of sin/cos stays small late in a long run
    theta_ref_ = std::fmod(omega_ * t_start, TWO_PI);
    clear_sums();
    W_ = 0.0;
  }

  void DMAAccumulator::clear_sums()
  {
    n_ = 0.0;
    for (double &s : S_) s = 0.0;
    for (auto &row : Ty_)
      for (double &s : row) s = 0.0;
    yy_[0] = yy_[1] = 0.0;
    yref_[0] = yref_[1] = 0.0;
    ymaxdev_[0] = ymaxdev_[1] = 0.0;
    t_first_ = t_last_ = 0.0;
  }

  // accumulate the normal equations X^T X beta = X^T y for the basis
  //   phi = (1, tau, sin theta, cos theta),  tau = (t - t_mid)/P
  // and the trapezoid  W += (sig_prev + sig)/2 (eps - eps_prev)
  void DMAAccumulator::add(double t, double strain, double stress)
  {
    const double theta = omega_ * (t - t_start_) + theta_ref_;
    const double phi[4] = {1.0, (t - t_mid_) / period_, std::sin(theta), std::cos(theta)};

    if (n_ == 0.0) {
      yref_[0] = strain;
      yref_[1] = stress;
      t_first_ = t;
    }
    const double dy[2] = {strain - yref_[0], stress - yref_[1]};

    for (int i = 0; i < 4; ++i)
      for (int j = i; j < 4; ++j) S_[tri(i, j)] += phi[i] * phi[j];
    for (int k = 0; k < 2; ++k) {
      for (int i = 0; i < 4; ++i) Ty_[k][i] += phi[i] * dy[k];
      yy_[k] += dy[k] * dy[k];
      ymaxdev_[k] = std::fmax(ymaxdev_[k], std::fabs(dy[k]));
    }

    if (has_prev_ != 0.0) W_ += 0.5 * (prev_[2] + stress) * (strain - prev_[1]);
    prev_[0] = t;
    prev_[1] = strain;
    prev_[2] = stress;
    has_prev_ = 1.0;

    t_last_ = t;
    n_ += 1.0;
  }

  // Solve A x = b for two right-hand sides, A symmetric 4x4 (upper triangle S).
  // Jacobi scaling A_s = D A D with D = diag(A)^(-1/2), then Gaussian
  // elimination with partial pivoting.  Returns false if A is numerically
  // singular (scaled pivot below 1e-10).
  static bool solve4(const double S[10], const double b[2][4], double x[2][4])
  {
    double d[4];
    for (int i = 0; i < 4; ++i) {
      const double a = S[tri(i, i)];
      if (!(a > 0.0) || !std::isfinite(a)) return false;
      d[i] = 1.0 / std::sqrt(a);
    }
    double M[4][6];
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) M[i][j] = d[i] * d[j] * (i <= j ? S[tri(i, j)] : S[tri(j, i)]);
      M[i][4] = d[i] * b[0][i];
      M[i][5] = d[i] * b[1][i];
    }
    for (int c = 0; c < 4; ++c) {
      int p = c;
      for (int r = c + 1; r < 4; ++r)
        if (std::fabs(M[r][c]) > std::fabs(M[p][c])) p = r;
      if (!(std::fabs(M[p][c]) > 1.0e-10)) return false;
      if (p != c)
        for (int j = 0; j < 6; ++j) std::swap(M[p][j], M[c][j]);
      for (int r = c + 1; r < 4; ++r) {
        const double f = M[r][c] / M[c][c];
        for (int j = c; j < 6; ++j) M[r][j] -= f * M[c][j];
      }
    }
    for (int k = 0; k < 2; ++k) {
      double y[4];
      for (int i = 3; i >= 0; --i) {
        double s = M[i][4 + k];
        for (int j = i + 1; j < 4; ++j) s -= M[i][j] * y[j];
        y[i] = s / M[i][i];
      }
      for (int i = 0; i < 4; ++i) {
        x[k][i] = d[i] * y[i];
        if (!std::isfinite(x[k][i])) return false;
      }
    }
    return true;
  }

  DMAResult DMAAccumulator::finish() const
  {
    DMAResult r;
    r.nsamples = static_cast<long>(n_);
    r.omega = omega_;
    r.t_start = t_start_;
    r.t_first = t_first_;
    r.t_last = t_last_;
    r.W_loop = W_;
    if (n_ > 0.0) {
      // fallback: sample means
      r.strain_mean = yref_[0] + Ty_[0][0] / n_;
      r.stress_mean = yref_[1] + Ty_[1][0] / n_;
    }
    if (n_ < static_cast<double>(MIN_SAMPLES)) return r;

    double beta[2][4];
    if (!solve4(S_, Ty_, beta)) return r;

    double amp[2], phase[2], mean[2], drift[2], rms[2];
    for (int k = 0; k < 2; ++k) {
      const double c0 = beta[k][0], c1 = beta[k][1], a = beta[k][2], b = beta[k][3];
      // a sin + b cos = A sin(theta + phi),  A = |(a,b)|, phi = atan2(b, a)
      amp[k] = std::hypot(a, b);
      phase[k] = (amp[k] > 0.0) ? std::atan2(b, a) : 0.0;
      mean[k] = yref_[k] + c0;
      drift[k] = c1 / period_;
      // residual sum of squares  y.y - beta . X^T y  (>= 0 up to rounding)
      double ssr = yy_[k];
      for (int i = 0; i < 4; ++i) ssr -= beta[k][i] * Ty_[k][i];
      rms[k] = std::sqrt(std::fmax(ssr, 0.0) / n_);
    }
    r.strain_amp = amp[0];
    r.stress_amp = amp[1];
    r.strain_mean = mean[0];
    r.stress_mean = mean[1];
    r.strain_drift = drift[0];
    r.stress_drift = drift[1];
    r.strain_rms_resid = rms[0];
    r.stress_rms_resid = rms[1];

    // no oscillating strain: eps0 = 0 or at rounding level of the signal
    if (!(amp[0] > 1.0e-12 * ymaxdev_[0]) || !(amp[0] > 0.0)) return r;

    r.valid = true;
    r.strain_phase = phase[0];
    r.stress_phase = phase[1];
    // strain lags stress by delta:  eps ~ sin(wt), sig ~ sin(wt + delta)
    r.delta = wrap_angle(phase[1] - phase[0]);
    const double ratio = amp[1] / amp[0];
    r.E_storage = ratio * std::cos(r.delta);
    r.E_loss = ratio * std::sin(r.delta);
    r.tan_delta = std::tan(r.delta);
    r.W_fit = PI * amp[1] * amp[0] * std::sin(r.delta);
    return r;
  }

  // layout: tag, omega, t_start, t_mid, period, theta_ref, n, S[10],
  //         Ty[2][4], yy[2], yref[2], ymaxdev[2], t_first, t_last, W,
  //         has_prev, prev[3]                                   = 38 doubles
  void DMAAccumulator::pack(double *buf) const
  {
    int m = 0;
    buf[m++] = DMA_STATE_TAG;
    buf[m++] = omega_;
    buf[m++] = t_start_;
    buf[m++] = t_mid_;
    buf[m++] = period_;
    buf[m++] = theta_ref_;
    buf[m++] = n_;
    for (double s : S_) buf[m++] = s;
    for (const auto &row : Ty_)
      for (double s : row) buf[m++] = s;
    for (int k = 0; k < 2; ++k) buf[m++] = yy_[k];
    for (int k = 0; k < 2; ++k) buf[m++] = yref_[k];
    for (int k = 0; k < 2; ++k) buf[m++] = ymaxdev_[k];
    buf[m++] = t_first_;
    buf[m++] = t_last_;
    buf[m++] = W_;
    buf[m++] = has_prev_;
    for (double p : prev_) buf[m++] = p;
  }

  void DMAAccumulator::unpack(const double *buf)
  {
    if (buf[0] != DMA_STATE_TAG)
      throw std::invalid_argument("dma: accumulator state has a wrong tag/version");
    if (!finite(buf[1]) || !(buf[1] > 0.0))
      throw std::invalid_argument(bad("dma", "omega (restart state)", "finite and > 0", buf[1]));
    int m = 1;
    omega_ = buf[m++];
    t_start_ = buf[m++];
    t_mid_ = buf[m++];
    period_ = buf[m++];
    theta_ref_ = buf[m++];
    n_ = buf[m++];
    for (double &s : S_) s = buf[m++];
    for (auto &row : Ty_)
      for (double &s : row) s = buf[m++];
    for (int k = 0; k < 2; ++k) yy_[k] = buf[m++];
    for (int k = 0; k < 2; ++k) yref_[k] = buf[m++];
    for (int k = 0; k < 2; ++k) ymaxdev_[k] = buf[m++];
    t_first_ = buf[m++];
    t_last_ = buf[m++];
    W_ = buf[m++];
    has_prev_ = buf[m++];
    for (double &p : prev_) p = buf[m++];
  }

  std::vector<double> DMAAccumulator::to_array() const
  {
    std::vector<double> v(STATE_SIZE);
    pack(v.data());
    return v;
  }

  DMAAccumulator DMAAccumulator::from_array(const std::vector<double> &v)
  {
    if (v.size() != static_cast<std::size_t>(STATE_SIZE))
      throw std::invalid_argument("dma: accumulator state must have " + std::to_string(STATE_SIZE) +
                                  " values, got " + std::to_string(v.size()));
    DMAAccumulator acc;
    acc.unpack(v.data());
    return acc;
  }

}    // namespace dma
}    // namespace AMORPH
