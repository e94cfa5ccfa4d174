// AMORPH - LAMMPS plugin package, GPL-2.0
//
// tml_model.h -- LAMMPS-independent kernel for the machine-learned
// temperature T_ML (doc/src/Science.rst, section 1).  No LAMMPS, no MPI.
// Errors throw std::invalid_argument (bad arguments) or std::runtime_error
// (bad files, I/O); the messages are meant to be shown to the user unchanged
// (the LAMMPS fix passes them to error->all()).
//
// This is the kernel's header (include this one); by concern:
//   tml_model.h   features, standardisation, the model and its builder,
//                 merging and compatibility checks (sections 1, 2, 5 below)
//   tml_knn.h     kNN regression on a nanoflann KD-tree (section 3)
//   tml_format.h  Metadata and FeatureSet, the feature files and the model
//                 file layout (section 4)
//
// ---------------------------------------------------------------------------
// 1. Features
//
//   For one atom and a window starting at t0, with lags dt_1 < ... < dt_d
//   (time units of the LAMMPS unit style) and squared displacements
//   dr2_k = |r(t0 + dt_k) - r(t0)|^2 (length^2 units):
//
//     f_k = log10( max(dr2_k, dr2_floor) / T )                        (1)
//
//   T is the system temperature (the label T when training, the thermostat
//   temperature when predicting), T > 0 is required.  dr2_floor (default
//   1e-10 length^2, stored in feature and model files) keeps f_k finite for an
//   atom that did not move (dr2 = 0); in metal units the smallest physical
//   dr2 at 0.1 ps is ~1e-4 A^2, far above the floor.
//
// 2. Standardisation (as scikit-learn's StandardScaler, population std):
//
//     mean_j = (1/n) sum_i x_ij
//     std_j  = sqrt( (1/n) sum_i (x_ij - mean_j)^2 )      (ddof = 0)   (2)
//     z_j    = (x_j - mean_j) / std_j
//
//   computed once from the n training instances (compensated summation) and
//   stored in the model.  A feature that is constant over the training set
//   (std_j = 0) is an error naming the feature (1-based, with its lag).
//
// 3. kNN regression, eq. (3): T_ML(q) is the mean label of the k training
//   instances nearest to q in standardised features, ties broken by the lower
//   training index, bitwise reproducible: see tml_knn.h.
//
// 4. File formats (text and binary feature files, binary model file): see
//   tml_format.h and doc/src/tml_model_format.rst.
//
// 5. Merging and compatibility
//
//   Feature files merged into one training set (FeatureSet::append,
//   build_model) must agree on units, lags and dr2_floor, and on affine and
//   origins where both are known: two known, different affine settings (or
//   two origins counts > 0 that differ) are an error naming both inputs.  If
//   any input does not record a setting, the merged set records it as
//   unknown (-1 / 0).  A model carries the merged metadata of its features.
//   When predicting, check_recording() compares the model's affine/origins
//   with the caller's: different known affine settings are an error, an
//   unrecorded setting or a different origins count a warning.
// ---------------------------------------------------------------------------

#ifndef AMORPH_TML_MODEL_H
#define AMORPH_TML_MODEL_H

#include "tml_format.h"
#include "tml_knn.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace AMORPH {
namespace tml {

  constexpr std::uint32_t DEFAULT_K = 50;    // paper: k = 50
  // Relative tolerance for the caller's lags against a model's (check_compatible,
  // the fix's lags against the model it reads): far above the rounding of a lag
  // typed in decimal or converted between time units (~1e-15), far below the
  // relative difference of two lags one timestep apart (1/steps, >= 1e-6 for lags
  // up to 10^6 steps).
  constexpr double DEFAULT_LAG_RTOL = 1.0e-6;

  // ---------------------------------------------------------------------------
  // Features, eq. (1)

  // f = log10(max(dr2, dr2_floor) / T).  Throws std::invalid_argument for
  // T <= 0 or non-finite, dr2 < 0 or non-finite, dr2_floor <= 0 or non-finite.
  double feature_value(double dr2, double temperature, double dr2_floor = DEFAULT_DR2_FLOOR);

  // out[k] = feature_value(dr2[k], temperature, dr2_floor), k = 0..d-1
  void compute_features(const double *dr2, std::size_t d, double temperature, double dr2_floor,
                        double *out);

  // ---------------------------------------------------------------------------
  // Recording and compatibility checks (section 5)

  // How features were recorded (have) against how they are recorded now (affine, origins).
  // Throws std::runtime_error if both affine settings are known and differ (the message names
  // `what` and both settings, e.g. "model 'a.model' was trained with affine keep, features
  // are now recorded with affine remove"); returns warnings (possibly none) for an unrecorded
  // affine setting or origins count (version-1 files) and for a different origins count.
  // Throws std::invalid_argument if `affine` is not one of the AFFINE_* values.
  std::vector<std::string> check_recording(const Metadata &have, int affine, std::uint32_t origins,
                                           const std::string &what);

  // Throws std::runtime_error if the caller's lags/units differ from `have`.
  // Lags match if the counts are equal and |a-b| <= rel_tol*max(|a|,|b|).
  // `what` names the model or file in the message.  The message lists both.
  void check_compatible(const Metadata &have, const std::vector<double> &lags,
                        const std::string &units, const std::string &what,
                        double rel_tol = DEFAULT_LAG_RTOL);

  // ---------------------------------------------------------------------------
  // Standardisation, eq. (2).  X is n x d row-major, n >= 1.  Writes mean[d]
  // and stdev[d].  Throws std::invalid_argument naming the feature (1-based
  // and, if lags are given, its lag) when a feature is constant (std = 0).
  void compute_standardisation(const double *X, std::size_t n, std::size_t d, double *mean,
                               double *stdev, const std::vector<double> *lags = nullptr);

  // ---------------------------------------------------------------------------
  // Model: training set + standardisation + metadata

  class Model {
   public:
    static constexpr std::uint32_t FORMAT_VERSION = 2;    // written; 1 and 2 are read
    static constexpr std::size_t HEADER_BYTES = 48;       // magic..units
    // after lags/mean/std: k (4) + dr2_floor (8) + affine (4) + origins (4)
    static constexpr std::size_t PARAM_BYTES = 20;
    static constexpr std::size_t PARAM_BYTES_V1 = 12;    // k + dr2_floor

    Model() = default;
    // Computes mean/std from `features` (n*d row-major, raw).  Throws
    // std::invalid_argument for inconsistent sizes, n = 0, non-finite values,
    // constant features, k_default = 0 or k_default > n.
    Model(Metadata meta, std::vector<double> labels, std::vector<double> features,
          std::uint32_t k_default = DEFAULT_K);
    static Model from_features(const FeatureSet &set, std::uint32_t k_default = DEFAULT_K);

    // Model file I/O (layout: tml_format.h, section 4; implemented in
    // tml_format.cpp).  load/from_bytes validate magic, version (1 or 2), sizes
    // vs. length (truncation), checksum, units, affine in {-1, 0, 1}, finite
    // values, std > 0, 1 <= k_default <= n; errors are std::runtime_error naming
    // `source`.  save/to_bytes write version 2.
    static Model load(const std::string &path);
    static Model from_bytes(const unsigned char *data, std::size_t len,
                            const std::string &source = "<memory>");
    void save(const std::string &path) const;
    std::vector<unsigned char> to_bytes() const;
    // exact size in bytes of the model file for d features and n instances:
    // 48 + 24 d + 20 + 8 n + 8 n d + 8 (version 2), 48 + 24 d + 12 + ... (version 1)
    static std::uint64_t file_size(std::uint64_t d, std::uint64_t n,
                                   std::uint32_t version = FORMAT_VERSION);

    bool empty() const { return labels_.empty(); }
    std::size_t dim() const { return meta_.dim(); }
    std::size_t size() const { return labels_.size(); }
    const Metadata &metadata() const { return meta_; }
    const std::string &units() const { return meta_.units; }
    const std::vector<double> &lags() const { return meta_.lags; }
    double dr2_floor() const { return meta_.dr2_floor; }
    int affine() const { return meta_.affine; }                // AFFINE_*
    std::uint32_t origins() const { return meta_.origins; }    // 0 = not recorded
    std::uint32_t k_default() const { return k_default_; }
    const std::vector<double> &mean() const { return mean_; }
    const std::vector<double> &stdev() const { return std_; }
    const std::vector<double> &labels() const { return labels_; }
    const std::vector<double> &features() const { return features_; }    // raw
    const std::string &source() const { return source_; }                // file name or ""

    // throws std::runtime_error listing both lags / both unit styles
    void check_compatible(const std::vector<double> &lags, const std::string &units,
                          double rel_tol = DEFAULT_LAG_RTOL) const;
    // z_j = (x_j - mean_j) / std_j, j = 0..d-1
    void standardise(const double *x, double *z) const;

   private:
    Metadata meta_;
    std::vector<double> labels_, features_, mean_, std_;
    std::uint32_t k_default_ = DEFAULT_K;
    std::string source_;
  };

  // Builder: read one or more feature files (any format; metadata must agree),
  // concatenate them in the given order (training index = running row number)
  // and compute the standardisation.  affine/origins: every pair of files with
  // known, different values is an error naming both files and settings; the
  // model records a setting only if every file records it.  Throws if there
  // are no instances.
  Model build_model(const std::vector<std::string> &feature_files,
                    std::uint32_t k_default = DEFAULT_K);
  // build_model() + save(); returns the model
  Model build_model_file(const std::vector<std::string> &feature_files,
                         const std::string &model_path, std::uint32_t k_default = DEFAULT_K);

}    // namespace tml
}    // namespace AMORPH

#endif
