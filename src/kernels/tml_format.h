// AMORPH - LAMMPS plugin package, GPL-2.0
//
// tml_format.h -- T_ML kernel, part of tml_model.h (include that): what the T_ML
// files hold (Metadata, FeatureSet) and the file formats: text and binary feature
// files, and the layout of the binary model file (read and written by
// Model::load/save in tml_format.cpp).  No LAMMPS, no MPI.  Errors throw
// std::invalid_argument (bad arguments) or std::runtime_error (bad files, I/O).
//
// ---------------------------------------------------------------------------
// 4. File formats: see doc/src/tml_model_format.rst and the comments in
//   tml_format.cpp.  Writers always write version 2; readers accept versions
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
//     unittest/data/golden.tmlmodel is a reference file that the C++ and the
//     Python tests both decode and reproduce byte for byte.
//   affine: -1 unknown (not recorded), 0 keep, 1 remove (fix tml's "affine"
//   keyword); any other value is a corrupt file.  origins: number M of time
//   origins each dr2 is averaged over (fix tml's "origins M dt"), 0 = not
//   recorded.
// ---------------------------------------------------------------------------

#ifndef AMORPH_TML_FORMAT_H
#define AMORPH_TML_FORMAT_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace AMORPH {
namespace tml {

  constexpr double DEFAULT_DR2_FLOOR = 1.0e-10;    // length^2 units
  constexpr std::size_t UNITS_MAX_LEN = 15;        // char[16] incl. NUL
  // Relative tolerance for the lags of feature sets merged into one training set
  // (FeatureSet::append, build_model): stricter than DEFAULT_LAG_RTOL, the fix's
  // tolerance against a model, because merged files all come from the kernel's
  // writers (binary, or the shortest round-trip decimal: lags read back exactly),
  // so lags of one recording set-up agree to the rounding of how they were
  // computed (~1e-15); 1e-9 leaves room for that and no more (amorph.tml's
  // concat_features uses the same value).
  constexpr double MERGE_LAG_RTOL = 1.0e-9;

  // Metadata::affine: how the displacements were recorded (fix tml "affine")
  constexpr int AFFINE_UNKNOWN = -1;    // not recorded (version-1 files)
  constexpr int AFFINE_KEEP = 0;        // with the box's affine deformation
  constexpr int AFFINE_REMOVE = 1;      // without it (fix tml's default)

  // FNV-1a 64-bit hash:  h = 14695981039346656037;  h = (h ^ byte) * 1099511628211
  std::uint64_t fnv1a64(const unsigned char *data, std::size_t len,
                        std::uint64_t h = 14695981039346656037ULL);

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
    // rel tol MERGE_LAG_RTOL, dr2_floor; affine and origins where both are known),
    // otherwise std::invalid_argument naming both (this_name names *this).
    // An affine setting / origins count unknown in either set becomes unknown
    // (tml_model.h, section 5).
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

}    // namespace tml
}    // namespace AMORPH

#endif
