// AMORPH - LAMMPS plugin package, GPL-2.0
//
// tml_model.h -- LAMMPS-independent kernel for the machine-learned
// temperature T_ML (doc/src/Science.rst, section 1): features, training-feature files,
// the binary model file, and k-nearest-neighbour (kNN) regression on a
// nanoflann KD-tree.  No LAMMPS, no MPI.  Errors throw std::invalid_argument
// (bad arguments) or std::runtime_error (bad files, I/O); the messages are
// meant to be shown to the user unchanged (the LAMMPS fix passes them to
// error->all()).
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
// 3. kNN regression
//
//     dist2(q, i) = sum_{j=0}^{d-1} (zq_j - z_ij)^2   summed in order j = 0..d-1
//     N_k(q)      = the k training instances with the smallest (dist2, i),
//                   ordered lexicographically: at equal distance the lower
//                   training index i wins (deterministic tie-breaking)
//     T_ML(q)     = (1/k) sum_{r=1}^{k} label(N_k(q)_r)                 (3)
//                   the sum taken in (dist2, i) order, then divided by k
//
//   The result is bitwise identical to a brute-force sort of all n instances
//   by (dist2, i) with the same arithmetic (see predict_brute_force()); the
//   KD-tree search uses a custom result set that compares (dist2, i) and a
//   pruning radius widened by a relative 1e-9 (plus one ulp), so rounding in
//   nanoflann's incremental box distances can never prune a tied instance.
//   Exactness assumes IEEE double arithmetic without -ffast-math; tml_model.cpp
//   disables FMA contraction (#pragma) so that s += t*t rounds twice, as in a
//   plain reference loop (a reference compiled with contraction, e.g. GCC
//   -std=gnu++17 -march=native, must disable it too).
//   Leaves of the tree are stored contiguously (training data permuted into
//   tree order), so larger leaves than usual are fastest: default 64.
//
// 4. File formats: see doc/src/tml_model_format.rst and the comments in
//   tml_model.cpp.  Writers always write version 2; readers accept versions
//   1 and 2 (a version-1 file reads as affine unknown, origins 0).  In short:
//
//   Feature file, text ("AMORPH-TML-FEATURES 2"):
//     # AMORPH-TML-FEATURES 2            (first line, required; 1 still read)
//     # units metal                      (required, LAMMPS unit style)
//     # lags 0.2 0.5 1 2                 (required, d lag times, time units)
//     # nfeatures 4                      (optional, must equal d)
//     # dr2_floor 1e-10                  (optional, default 1e-10)
//     # affine remove                    (optional, remove|keep; v2 only)
//     # origins 1                        (optional, M >= 1; v2 only)
//     # columns label f1 f2 f3 f4        (optional, informational)
//     # anything else                    (comment)
//     label f1 ... fd                    (one row per instance, d+1 numbers)
//   The writer writes "# affine" only if the setting is known and "# origins"
//   only if M > 0.  In a version-1 file "# affine"/"# origins" are comments.
//   Feature file, binary (little-endian):
//     char[16] "AMORPHTMLFEAT\0\0\0", uint32 version=2, uint32 d, uint64 n,
//     char[16] units, double dr2_floor, int32 affine, uint32 origins,
//     double lags[d], n records (double label, double f[d]), uint64 FNV-1a-64
//     of all the bytes before it.  Size = 72 + 8 d + 8 n (d+1) bytes.
//     (Version 1: no affine/origins, size = 64 + 8 d + 8 n (d+1).)
//   Model file, binary (little-endian):
//     char[16] "AMORPHTMLMODEL\0\0", uint32 version=2, uint32 d, uint64 n,
//     char[16] units, double lags[d], double mean[d], double std[d],
//     uint32 k_default, double dr2_floor, int32 affine, uint32 origins,
//     double labels[n], double features[n*d] (raw, row-major), uint64
//     FNV-1a-64 of all the bytes before it.
//     Size = 48 + 24 d + 20 + 8 n + 8 n d + 8 bytes.
//     (Version 1: no affine/origins, size = 48 + 24 d + 12 + 8 n + 8 n d + 8.)
//   affine: -1 unknown (not recorded), 0 keep, 1 remove (fix tml's "affine"
//   keyword); any other value is a corrupt file.  origins: number M of time
//   origins each dr2 is averaged over (fix tml's "origins M dt"), 0 = not
//   recorded.
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

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace AMORPH {
namespace tml {

  constexpr double DEFAULT_DR2_FLOOR = 1.0e-10;    // length^2 units
  constexpr std::uint32_t DEFAULT_K = 50;          // paper: k = 50
  constexpr std::size_t UNITS_MAX_LEN = 15;        // char[16] incl. NUL
  constexpr std::size_t DEFAULT_LEAF_SIZE = 64;    // KD-tree leaf size (measured)
  constexpr double DEFAULT_LAG_RTOL = 1.0e-6;      // lag comparison tolerance

  // Metadata::affine: how the displacements were recorded (fix tml "affine")
  constexpr int AFFINE_UNKNOWN = -1;    // not recorded (version-1 files)
  constexpr int AFFINE_KEEP = 0;        // with the box's affine deformation
  constexpr int AFFINE_REMOVE = 1;      // without it (fix tml's default)

  // FNV-1a 64-bit hash:  h = 14695981039346656037;  h = (h ^ byte) * 1099511628211
  std::uint64_t fnv1a64(const unsigned char *data, std::size_t len,
                        std::uint64_t h = 14695981039346656037ULL);

  // ---------------------------------------------------------------------------
  // Features, eq. (1)

  // f = log10(max(dr2, dr2_floor) / T).  Throws std::invalid_argument for
  // T <= 0 or non-finite, dr2 < 0 or non-finite, dr2_floor <= 0 or non-finite.
  double feature_value(double dr2, double temperature, double dr2_floor = DEFAULT_DR2_FLOOR);

  // out[k] = feature_value(dr2[k], temperature, dr2_floor), k = 0..d-1
  void compute_features(const double *dr2, std::size_t d, double temperature, double dr2_floor,
                        double *out);

  // ---------------------------------------------------------------------------
  // Metadata shared by feature files and models

  struct Metadata {
    std::string units;                       // LAMMPS unit style, e.g. "metal"
    std::vector<double> lags;                // d lag times (time units), > 0
    double dr2_floor = DEFAULT_DR2_FLOOR;    // length^2 units, > 0
    int affine = AFFINE_UNKNOWN;             // AFFINE_UNKNOWN, AFFINE_KEEP or AFFINE_REMOVE
    std::uint32_t origins = 0;               // time origins per dr2 (M >= 1), 0 = not recorded

    std::size_t dim() const { return lags.size(); }
    // units: 1..15 printable characters without blanks; lags: at least one,
    // finite, > 0; dr2_floor finite, > 0; affine one of the AFFINE_* values.
    // Throws std::invalid_argument.
    void validate() const;
  };

  // "keep", "remove" or "unknown" (any other value: "invalid (<value>)")
  std::string affine_name(int affine);

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

  // "[0.2 0.5 1]" (shortest round-trip representation)
  std::string format_list(const std::vector<double> &v);

  // ---------------------------------------------------------------------------
  // Labelled training instances (in memory)

  struct FeatureSet {
    Metadata meta;
    std::vector<double> labels;      // n labels (temperatures)
    std::vector<double> features;    // n*d raw features, row-major

    std::size_t size() const { return labels.size(); }
    std::size_t dim() const { return meta.dim(); }
    // append one instance; throws std::invalid_argument on non-finite values
    void add_row(double label, const double *f);
    // append all instances of `other`; metadata must match (units, lags with
    // rel tol 1e-9, dr2_floor; affine and origins where both are known),
    // otherwise std::invalid_argument naming both (this_name names *this).
    // An affine setting / origins count unknown in either set becomes unknown.
    void append(const FeatureSet &other, const std::string &other_name = "",
                const std::string &this_name = "");
    // metadata valid, sizes consistent, all values finite
    void validate() const;
  };

  enum class FeatureFormat { Auto, Text, Binary };

  // Read a feature file.  Auto: binary if the file starts with the binary magic,
  // text otherwise.  Errors (std::runtime_error) name the file and, for text,
  // the line number ("features.txt:12: expected 11 columns ..."), for binary
  // the record number.
  FeatureSet read_features(const std::string &path, FeatureFormat format = FeatureFormat::Auto);

  // Write a whole feature set (Text or Binary; Auto means Text).
  void write_features(const std::string &path, const FeatureSet &set,
                      FeatureFormat format = FeatureFormat::Text);

  // Streaming writer (used by the LAMMPS fix on one rank): rows are written as
  // they come; close() (or the destructor) finishes the file: for binary it
  // patches n into the header and appends the checksum.  Numbers in text files
  // use the shortest representation that reads back bitwise identically.
  class FeatureWriter {
   public:
    FeatureWriter(const std::string &path, const Metadata &meta,
                  FeatureFormat format = FeatureFormat::Text);
    ~FeatureWriter();    // calls close(), swallowing errors
    FeatureWriter(const FeatureWriter &) = delete;
    FeatureWriter &operator=(const FeatureWriter &) = delete;

    // one instance: label and d features; non-finite -> std::invalid_argument
    void write(double label, const double *f);
    void write(double label, const std::vector<double> &f);
    void flush();
    void close();    // idempotent; throws std::runtime_error on I/O errors
    std::uint64_t rows() const { return nrows_; }
    const std::string &path() const { return path_; }

   private:
    void put(const void *p, std::size_t len);
    std::string path_;
    Metadata meta_;
    FeatureFormat format_;
    std::FILE *fp_ = nullptr;
    std::uint64_t nrows_ = 0;
    std::string line_;                  // text: reused line buffer
    std::vector<unsigned char> rec_;    // binary: reused record buffer
  };

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

    // Model file I/O (layout in the header comment).  load/from_bytes validate
    // magic, version (1 or 2), sizes vs. length (truncation), checksum, units,
    // affine in {-1, 0, 1}, finite values, std > 0, 1 <= k_default <= n; errors
    // are std::runtime_error naming `source`.  save/to_bytes write version 2.
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

  // ---------------------------------------------------------------------------
  // kNN regressor, eq. (3).  Copies what it needs from the model (the model may
  // be destroyed afterwards).  Searches are const and thread-safe when each
  // thread uses its own Workspace.

  class KNNRegressor {
   public:
    // Reusable per-thread buffers: after the first use no allocation happens
    // per query (for d <= 32; for d > 32 nanoflann allocates d doubles/query).
    class Workspace {
     public:
      Workspace() = default;
      const std::vector<std::uint32_t> &indices() const { return idx_; }
      const std::vector<double> &distances() const { return dist_; }

     private:
      friend class KNNRegressor;
      std::vector<double> z_;             // standardised query
      std::vector<double> dist_;          // k squared distances, ascending
      std::vector<std::uint32_t> idx_;    // k training indices
    };

    explicit KNNRegressor(const Model &model);    // k = model.k_default()
    KNNRegressor(const Model &model, std::uint32_t k, std::size_t leaf_size = DEFAULT_LEAF_SIZE);
    ~KNNRegressor();
    KNNRegressor(KNNRegressor &&) noexcept;
    KNNRegressor &operator=(KNNRegressor &&) noexcept;
    KNNRegressor(const KNNRegressor &) = delete;
    KNNRegressor &operator=(const KNNRegressor &) = delete;

    std::uint32_t k() const;
    std::size_t dim() const;
    std::size_t size() const;    // number of training instances
    Workspace make_workspace() const;

    // T_ML for one query of d raw (unstandardised) features.  Non-finite
    // query -> std::invalid_argument.
    double predict(const double *x, Workspace &ws) const;
    double predict(const double *x) const;                 // allocates a workspace
    double predict(const std::vector<double> &x) const;    // checks x.size() == d
    // nq queries (row-major nq x d) -> out[nq]; one workspace for all queries.
    void predict(const double *X, std::size_t nq, double *out, Workspace &ws) const;
    // same, split over nthreads std::threads (nthreads = 0: hardware threads);
    // results do not depend on nthreads.
    void predict_batch(const double *X, std::size_t nq, double *out, unsigned nthreads = 1) const;

    // the k neighbours: training indices and squared standardised distances,
    // sorted by (dist2, index); results also stay in ws.indices()/distances()
    void kneighbors(const double *x, std::uint32_t *idx, double *dist2, Workspace &ws) const;

    // O(n) reference implementation with the same arithmetic (for tests)
    double predict_brute_force(const double *x) const;
    void kneighbors_brute_force(const double *x, std::uint32_t *idx, double *dist2) const;

   private:
    struct Impl;
    void search(const double *x, Workspace &ws) const;
    double mean_label(const Workspace &ws) const;
    std::unique_ptr<Impl> impl_;
  };

}    // namespace tml
}    // namespace AMORPH

#endif
