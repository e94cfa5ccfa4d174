// AMORPH - LAMMPS plugin package, GPL-2.0
//
// tml_model.cpp -- T_ML kernel: features, standardisation, the model and its
// builder, recording and compatibility checks.  See tml_model.h for the
// equations.  No LAMMPS, no MPI.

// Bitwise-reproducible standardisation (as the Python reference and the
// kNN distances, tml_knn.cpp): no FMA contraction of s += t * t.  GCC
// contracts across statements by default in GNU mode (-std=gnu++17) when the
// target has FMA (e.g. -march=native); clang contracts within expressions.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "tml_model.h"

#include "tml_detail.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace AMORPH {
namespace tml {

  using detail::affine_valid;
  using detail::feature_name;
  using detail::find_non_finite;
  using detail::finite_positive;
  using detail::fmt_double;
  using detail::lags_match;
  using detail::merge_recording;

  namespace {

    // Neumaier-compensated sum: s = sum_i x_i with error term c
    struct CompSum {
      double s = 0.0, c = 0.0;
      void add(double x)
      {
        const double t = s + x;
        if (std::fabs(s) >= std::fabs(x))
          c += (s - t) + x;
        else
          c += (x - t) + s;
        s = t;
      }
      double value() const { return s + c; }
    };

  }    // namespace

  std::string detail::feature_name(std::size_t j, const std::vector<double> *lags)
  {
    std::string s = "feature " + std::to_string(j + 1);
    if (lags && j < lags->size()) s += " (lag " + fmt_double((*lags)[j]) + ")";
    return s;
  }

  // ---------------------------------------------------------------------------
  // features, eq. (1): f = log10(max(dr2, floor) / T)

  double feature_value(double dr2, double temperature, double dr2_floor)
  {
    if (!finite_positive(temperature))
      throw std::invalid_argument("T_ML feature: temperature must be finite and > 0 (got " +
                                  fmt_double(temperature) + ")");
    if (!(dr2 >= 0.0) || !std::isfinite(dr2))
      throw std::invalid_argument(
          "T_ML feature: squared displacement must be finite and >= 0 (got " + fmt_double(dr2) +
          ")");
    if (!finite_positive(dr2_floor))
      throw std::invalid_argument("T_ML feature: dr2 floor must be finite and > 0 (got " +
                                  fmt_double(dr2_floor) + ")");
    return std::log10(std::max(dr2, dr2_floor) / temperature);
  }

  void compute_features(const double *dr2, std::size_t d, double temperature, double dr2_floor,
                        double *out)
  {
    for (std::size_t k = 0; k < d; ++k) out[k] = feature_value(dr2[k], temperature, dr2_floor);
  }

  std::vector<std::string> check_recording(const Metadata &have, int affine, std::uint32_t origins,
                                           const std::string &what)
  {
    if (!affine_valid(affine))
      throw std::invalid_argument("T_ML check_recording: affine setting " + std::to_string(affine) +
                                  " must be -1 (unknown), 0 (keep) or 1 (remove)");
    if (!affine_valid(have.affine))
      throw std::runtime_error(what + ": invalid affine setting " + std::to_string(have.affine));
    std::vector<std::string> warn;
    if (have.affine != AFFINE_UNKNOWN && affine != AFFINE_UNKNOWN) {
      if (have.affine != affine)
        throw std::runtime_error(
            what + " was trained with affine " + affine_name(have.affine) +
            ", features are now recorded with affine " + affine_name(affine) +
            ": the features differ in meaning; use the same affine setting as in training");
    } else if (have.affine == AFFINE_UNKNOWN && affine != AFFINE_UNKNOWN) {
      warn.push_back(
          what +
          " does not record its affine setting (version-1 file); features are now recorded "
          "with affine " +
          affine_name(affine) + ": make sure the model was trained with the same setting");
    } else if (have.affine != AFFINE_UNKNOWN) {
      warn.push_back(
          what + " was trained with affine " + affine_name(have.affine) +
          ", but the affine setting of the features now used is not recorded (version-1 file): it "
          "cannot be checked");
    } else {
      warn.push_back("neither " + what +
                     " nor the features now used record the affine setting (version-1 "
                     "files): it cannot be checked");
    }
    if (have.origins > 0 && origins > 0) {
      if (have.origins != origins)
        warn.push_back(
            what + " was trained with origins " + std::to_string(have.origins) +
            ", features are now recorded with origins " + std::to_string(origins) +
            ": squared displacements averaged over a different number of time origins have a "
            "different spread, so T_ML may be biased");
    } else if (have.origins == 0 && origins > 0) {
      warn.push_back(
          what +
          " does not record its number of time origins (version-1 file); features are now "
          "recorded with origins " +
          std::to_string(origins) + ": make sure the model was trained with the same number");
    } else if (have.origins > 0) {
      warn.push_back(
          what + " was trained with origins " + std::to_string(have.origins) +
          ", but the number of time origins of the features now used is not recorded (version-1 "
          "file): it cannot be checked");
    } else {
      warn.push_back("neither " + what +
                     " nor the features now used record the number of time origins "
                     "(version-1 files): it cannot be checked");
    }
    return warn;
  }

  void check_compatible(const Metadata &have, const std::vector<double> &lags,
                        const std::string &units, const std::string &what, double rel_tol)
  {
    if (have.units != units)
      throw std::runtime_error(what + ": unit style mismatch: model uses units '" + have.units +
                               "', but the simulation uses units '" + units + "'");
    if (!lags_match(have.lags, lags, rel_tol))
      throw std::runtime_error(
          what + ": lag mismatch: model was trained with " + std::to_string(have.lags.size()) +
          " lags " + format_list(have.lags) + " (" + have.units +
          " time units), but the caller uses " + std::to_string(lags.size()) + " lags " +
          format_list(lags) + " (relative tolerance " + fmt_double(rel_tol) + ")");
  }

  // ---------------------------------------------------------------------------
  // standardisation, eq. (2): population std (ddof = 0), two passes with
  // compensated sums.  A feature whose values are all equal is rejected
  // (min == max, so rounding cannot hide it).

  void compute_standardisation(const double *X, std::size_t n, std::size_t d, double *mean,
                               double *stdev, const std::vector<double> *lags)
  {
    if (n == 0) throw std::invalid_argument("T_ML standardisation: no training instances");
    for (std::size_t j = 0; j < d; ++j) {
      CompSum s;
      double lo = X[j], hi = X[j];
      for (std::size_t i = 0; i < n; ++i) {
        const double x = X[i * d + j];
        s.add(x);
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      const double m = s.value() / static_cast<double>(n);
      CompSum v;
      for (std::size_t i = 0; i < n; ++i) {
        const double t = X[i * d + j] - m;
        v.add(t * t);
      }
      const double sd = std::sqrt(v.value() / static_cast<double>(n));
      if (lo == hi || !(sd > 0.0))
        throw std::invalid_argument("T_ML model: " + feature_name(j, lags) +
                                    " has zero standard deviation over the " + std::to_string(n) +
                                    " training instances (all values are " + fmt_double(lo) +
                                    "); drop this lag or add training data");
      if (!std::isfinite(m) || !std::isfinite(sd))
        throw std::invalid_argument("T_ML model: " + feature_name(j, lags) +
                                    " has non-finite mean or std");
      mean[j] = m;
      stdev[j] = sd;
    }
  }

  // ---------------------------------------------------------------------------
  // Model

  Model::Model(Metadata meta, std::vector<double> labels, std::vector<double> features,
               std::uint32_t k_default) :
      meta_(std::move(meta)),
      labels_(std::move(labels)), features_(std::move(features)), k_default_(k_default)
  {
    meta_.validate();
    const std::size_t d = meta_.dim(), n = labels_.size();
    if (n == 0) throw std::invalid_argument("T_ML model: no training instances");
    if (n > std::numeric_limits<std::uint32_t>::max())
      throw std::invalid_argument("T_ML model: " + std::to_string(n) +
                                  " training instances exceed the limit of 2^32-1");
    if (features_.size() != n * d)
      throw std::invalid_argument("T_ML model: " + std::to_string(features_.size()) +
                                  " feature values for " + std::to_string(n) + " labels and d = " +
                                  std::to_string(d) + " (expected " + std::to_string(n * d) + ")");
    if (k_default_ == 0) throw std::invalid_argument("T_ML model: k must be >= 1");
    if (k_default_ > n)
      throw std::invalid_argument("T_ML model: k = " + std::to_string(k_default_) +
                                  " exceeds the number of " + std::to_string(n) +
                                  " training instances");
    if (const auto bad = find_non_finite(labels_.data(), features_.data(), n, d))
      throw std::invalid_argument("T_ML model: instance " + std::to_string(bad->row + 1) + ": " +
                                  bad->what() + " is not finite");
    mean_.resize(d);
    std_.resize(d);
    compute_standardisation(features_.data(), n, d, mean_.data(), std_.data(), &meta_.lags);
  }

  Model Model::from_features(const FeatureSet &set, std::uint32_t k_default)
  {
    return Model(set.meta, set.labels, set.features, k_default);
  }

  void Model::check_compatible(const std::vector<double> &lags, const std::string &units,
                               double rel_tol) const
  {
    const std::string what = source_.empty() ? std::string("T_ML model")
                                             : "T_ML model '" + source_ + "'";
    tml::check_compatible(meta_, lags, units, what, rel_tol);
  }

  void Model::standardise(const double *x, double *z) const
  {
    const std::size_t d = dim();
    for (std::size_t j = 0; j < d; ++j) z[j] = (x[j] - mean_[j]) / std_[j];
  }

  // ---------------------------------------------------------------------------
  // builder

  Model build_model(const std::vector<std::string> &feature_files, std::uint32_t k_default)
  {
    if (feature_files.empty())
      throw std::invalid_argument("T_ML model builder: no feature files given");
    FeatureSet all = read_features(feature_files[0]);
    // affine/origins over all files (append() only sees the running merge)
    std::vector<Metadata> metas{all.meta};
    for (std::size_t f = 1; f < feature_files.size(); ++f) {
      FeatureSet next = read_features(feature_files[f]);
      metas.push_back(next.meta);
      if (next.meta.units != all.meta.units ||
          !lags_match(all.meta.lags, next.meta.lags, MERGE_LAG_RTOL) ||
          next.meta.dr2_floor != all.meta.dr2_floor)
        throw std::invalid_argument(
            "T_ML model builder: feature file '" + feature_files[f] + "' (units " +
            next.meta.units + ", lags " + format_list(next.meta.lags) + ", dr2_floor " +
            fmt_double(next.meta.dr2_floor) + ") does not match '" + feature_files[0] +
            "' (units " + all.meta.units + ", lags " + format_list(all.meta.lags) + ", dr2_floor " +
            fmt_double(all.meta.dr2_floor) + ")");
      std::vector<const Metadata *> mp;
      std::vector<std::string> names;
      for (std::size_t g = 0; g <= f; ++g) {
        mp.push_back(&metas[g]);
        names.push_back("feature file '" + feature_files[g] + "'");
      }
      int affine = AFFINE_UNKNOWN;
      std::uint32_t origins = 0;
      merge_recording(mp, names, "T_ML model builder: ", affine, origins);
      all.append(next, feature_files[f], feature_files[0]);
      all.meta.affine = affine;
      all.meta.origins = origins;
    }
    if (all.size() == 0)
      throw std::invalid_argument(
          "T_ML model builder: the feature files contain no training instances");
    return Model::from_features(all, k_default);
  }

  Model build_model_file(const std::vector<std::string> &feature_files,
                         const std::string &model_path, std::uint32_t k_default)
  {
    Model m = build_model(feature_files, k_default);
    m.save(model_path);
    return m;
  }

}    // namespace tml
}    // namespace AMORPH
