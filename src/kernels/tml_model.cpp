// AMORPH - LAMMPS plugin package, GPL-2.0
//
// tml_model.cpp -- T_ML kernel: features, feature files, model file, kNN.
// See tml_model.h for the equations and doc/src/tml_model_format.rst for the
// file formats.  No LAMMPS, no MPI.

// Bitwise-reproducible kNN distances: no FMA contraction of s += t * t.  GCC
// contracts across statements by default in GNU mode (-std=gnu++17) when the
// target has FMA (e.g. -march=native); clang contracts within expressions.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "tml_model.h"

#include <nanoflann.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <thread>
#include <utility>

// ---------------------------------------------------------------------------
// nanoflann version differences (Debian bookworm ships 1.4.2 = 0x142):
//   < 1.4.0 : index array `vind`, constructor does not build the index
//   1.4.x   : index array `vAcc`, constructor builds, SearchParams
//   >= 1.5.0: index array `vAcc_`, SearchParameters
#if !defined(NANOFLANN_VERSION)
#error "nanoflann.hpp did not define NANOFLANN_VERSION"
#endif
#if NANOFLANN_VERSION >= 0x150
#define AMORPH_NF_VACC vAcc_
#define AMORPH_NF_SEARCH_PARAMS nanoflann::SearchParameters
#elif NANOFLANN_VERSION >= 0x140
#define AMORPH_NF_VACC vAcc
#define AMORPH_NF_SEARCH_PARAMS nanoflann::SearchParams
#else
#define AMORPH_NF_VACC vind
#define AMORPH_NF_SEARCH_PARAMS nanoflann::SearchParams
#define AMORPH_NF_EXPLICIT_BUILD
#endif

namespace AMORPH {
namespace tml {

  namespace {

    // ---------------------------------------------------------------------------
    // binary helpers: explicit little-endian encoding, independent of the host

    constexpr char MODEL_MAGIC[16] = {'A', 'M', 'O', 'R', 'P', 'H', 'T',  'M',
                                      'L', 'M', 'O', 'D', 'E', 'L', '\0', '\0'};
    constexpr char FEAT_MAGIC[16] = {'A', 'M', 'O', 'R', 'P', 'H',  'T',  'M',
                                     'L', 'F', 'E', 'A', 'T', '\0', '\0', '\0'};
    constexpr std::uint32_t FEAT_VERSION = 2;           // written; versions 1 and 2 are read
    constexpr std::size_t FEAT_HEADER_BYTES = 64;       // magic..origins (version 2)
    constexpr std::size_t FEAT_HEADER_BYTES_V1 = 56;    // magic..dr2_floor (version 1)
    constexpr std::uint64_t MAX_DIM = 4096;             // sanity limit for headers
    const char *const TEXT_MAGIC = "AMORPH-TML-FEATURES";

    inline void put_u32(unsigned char *p, std::uint32_t v)
    {
      for (int b = 0; b < 4; ++b) p[b] = static_cast<unsigned char>(v >> (8 * b));
    }
    inline void put_u64(unsigned char *p, std::uint64_t v)
    {
      for (int b = 0; b < 8; ++b) p[b] = static_cast<unsigned char>(v >> (8 * b));
    }
    inline void put_f64(unsigned char *p, double x)
    {
      std::uint64_t v;
      std::memcpy(&v, &x, 8);
      put_u64(p, v);
    }
    inline void put_i32(unsigned char *p, std::int32_t v)
    {
      put_u32(p, static_cast<std::uint32_t>(v));
    }
    inline std::uint32_t get_u32(const unsigned char *p)
    {
      std::uint32_t v = 0;
      for (int b = 0; b < 4; ++b) v |= static_cast<std::uint32_t>(p[b]) << (8 * b);
      return v;
    }
    inline std::int32_t get_i32(const unsigned char *p)
    {
      const std::uint32_t u = get_u32(p);
      std::int32_t v;
      std::memcpy(&v, &u, 4);    // two's complement
      return v;
    }
    inline std::uint64_t get_u64(const unsigned char *p)
    {
      std::uint64_t v = 0;
      for (int b = 0; b < 8; ++b) v |= static_cast<std::uint64_t>(p[b]) << (8 * b);
      return v;
    }
    inline double get_f64(const unsigned char *p)
    {
      const std::uint64_t v = get_u64(p);
      double x;
      std::memcpy(&x, &v, 8);
      return x;
    }

    std::string hex64(std::uint64_t v)
    {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "0x%016llx", static_cast<unsigned long long>(v));
      return buf;
    }

    // shortest decimal representation that reads back bitwise identically
    std::string fmt_double(double x)
    {
#if defined(__cpp_lib_to_chars)
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof(buf), x);
      return std::string(buf, res.ptr);
#else
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.17g", x);
      return buf;
#endif
    }

    // append the shortest representation of x to s
    void append_double(std::string &s, double x)
    {
#if defined(__cpp_lib_to_chars)
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof(buf), x);
      s.append(buf, res.ptr);
#else
      s += fmt_double(x);
#endif
    }

    // parse a whole token as a double (locale independent where possible);
    // returns false if the token is not entirely a number
    bool parse_double(const char *b, const char *e, double &x)
    {
      if (b == e) return false;
      if (*b == '+' && e - b > 1) ++b;    // from_chars rejects a leading '+'
#if defined(__cpp_lib_to_chars)
      auto res = std::from_chars(b, e, x);
      if (res.ec == std::errc::result_out_of_range) {
        // overflow or underflow: fall back to strtod for the IEEE value
        const std::string tok(b, e);
        char *end = nullptr;
        x = std::strtod(tok.c_str(), &end);
        return end == tok.c_str() + tok.size();
      }
      return res.ec == std::errc() && res.ptr == e;
#else
      const std::string tok(b, e);
      char *end = nullptr;
      x = std::strtod(tok.c_str(), &end);
      return end == tok.c_str() + tok.size();
#endif
    }

    bool parse_uint(const std::string &tok, std::uint64_t &v)
    {
      if (tok.empty()) return false;
      auto res = std::from_chars(tok.data(), tok.data() + tok.size(), v);
      return res.ec == std::errc() && res.ptr == tok.data() + tok.size();
    }

    inline bool is_blank(char c)
    {
      return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
    }

    // split [b,e) into whitespace-separated tokens (as pointer pairs)
    void tokenize(const char *b, const char *e,
                  std::vector<std::pair<const char *, const char *>> &tok)
    {
      tok.clear();
      while (b < e) {
        while (b < e && is_blank(*b)) ++b;
        if (b >= e) break;
        const char *s = b;
        while (b < e && !is_blank(*b)) ++b;
        tok.emplace_back(s, b);
      }
    }

    // units -> char[16] (NUL padded); validated before
    void put_units(unsigned char *p, const std::string &units)
    {
      std::memset(p, 0, 16);
      std::memcpy(p, units.data(), std::min(units.size(), UNITS_MAX_LEN));
    }

    std::string units_problem(const std::string &u)
    {
      if (u.empty()) return "unit style is empty";
      if (u.size() > UNITS_MAX_LEN)
        return "unit style '" + u + "' is longer than " + std::to_string(UNITS_MAX_LEN) +
            " characters";
      for (char c : u)
        if (c <= ' ' || c > '~')
          return "unit style '" + u + "' contains blanks or non-printable characters";
      return "";
    }

    // read the char[16] units field, validating NUL termination and characters
    std::string get_units(const unsigned char *p, const std::string &source)
    {
      std::size_t len = 0;
      while (len < 16 && p[len] != 0) ++len;
      if (len == 16)
        throw std::runtime_error(source +
                                 ": corrupt header: unit style field is not NUL-terminated");
      for (std::size_t i = len; i < 16; ++i)
        if (p[i] != 0)
          throw std::runtime_error(source + ": corrupt header: unit style field is not NUL-padded");
      std::string u(reinterpret_cast<const char *>(p), len);
      const std::string prob = units_problem(u);
      if (!prob.empty()) throw std::runtime_error(source + ": corrupt header: " + prob);
      return u;
    }

    bool lags_match(const std::vector<double> &a, const std::vector<double> &b, double rel_tol)
    {
      if (a.size() != b.size()) return false;
      for (std::size_t j = 0; j < a.size(); ++j) {
        const double scale = std::max(std::fabs(a[j]), std::fabs(b[j]));
        if (!(std::fabs(a[j] - b[j]) <= rel_tol * scale)) return false;
      }
      return true;
    }

    bool affine_valid(long long a)
    {
      return a == AFFINE_UNKNOWN || a == AFFINE_KEEP || a == AFFINE_REMOVE;
    }

    // affine/origins of several inputs (in order) merged into one: two known,
    // different values are an error naming both inputs (std::invalid_argument,
    // prefixed by `who`); a value unknown in any input makes the result unknown
    void merge_recording(const std::vector<const Metadata *> &metas,
                         const std::vector<std::string> &names, const std::string &who, int &affine,
                         std::uint32_t &origins)
    {
      std::size_t first_a = metas.size(), first_o = metas.size();
      bool unknown_a = false, unknown_o = false;
      for (std::size_t i = 0; i < metas.size(); ++i) {
        const Metadata &m = *metas[i];
        if (m.affine == AFFINE_UNKNOWN) {
          unknown_a = true;
        } else if (first_a == metas.size()) {
          first_a = i;
        } else if (m.affine != metas[first_a]->affine) {
          throw std::invalid_argument(
              who + names[first_a] + " (affine " + affine_name(metas[first_a]->affine) + ") and " +
              names[i] + " (affine " + affine_name(m.affine) +
              ") were recorded with different affine settings: the features differ in "
              "meaning and cannot be merged");
        }
        if (m.origins == 0) {
          unknown_o = true;
        } else if (first_o == metas.size()) {
          first_o = i;
        } else if (m.origins != metas[first_o]->origins) {
          throw std::invalid_argument(
              who + names[first_o] + " (origins " + std::to_string(metas[first_o]->origins) +
              ") and " + names[i] + " (origins " + std::to_string(m.origins) +
              ") were recorded with different numbers of time origins and cannot be merged");
        }
      }
      affine = (unknown_a || first_a == metas.size()) ? AFFINE_UNKNOWN : metas[first_a]->affine;
      origins = (unknown_o || first_o == metas.size()) ? 0u : metas[first_o]->origins;
    }

    std::string feature_name(std::size_t j, const std::vector<double> *lags)
    {
      std::string s = "feature " + std::to_string(j + 1);
      if (lags && j < lags->size()) s += " (lag " + fmt_double((*lags)[j]) + ")";
      return s;
    }

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

    std::FILE *open_or_throw(const std::string &path, const char *mode, const char *what)
    {
      std::FILE *fp = std::fopen(path.c_str(), mode);
      if (!fp)
        throw std::runtime_error(std::string("cannot open ") + what + " '" + path + "' for " +
                                 (mode[0] == 'r' ? "reading" : "writing") + ": " +
                                 std::strerror(errno));
      return fp;
    }

    struct FileCloser {
      std::FILE *fp;
      ~FileCloser()
      {
        if (fp) std::fclose(fp);
      }
    };

    std::vector<unsigned char> read_all(const std::string &path, const char *what)
    {
      std::FILE *fp = open_or_throw(path, "rb", what);
      FileCloser guard{fp};
      std::vector<unsigned char> buf;
      unsigned char chunk[1 << 16];
      std::size_t got;
      while ((got = std::fread(chunk, 1, sizeof(chunk), fp)) > 0)
        buf.insert(buf.end(), chunk, chunk + got);
      if (std::ferror(fp))
        throw std::runtime_error(std::string("error reading ") + what + " '" + path + "'");
      return buf;
    }

    void write_all(const std::string &path, const std::vector<unsigned char> &bytes,
                   const char *what)
    {
      std::FILE *fp = open_or_throw(path, "wb", what);
      const std::size_t put = std::fwrite(bytes.data(), 1, bytes.size(), fp);
      const int rc = std::fclose(fp);
      if (put != bytes.size() || rc != 0)
        throw std::runtime_error(std::string("error writing ") + what + " '" + path +
                                 "' (disk full?)");
    }

  }    // namespace

  // ---------------------------------------------------------------------------

  std::uint64_t fnv1a64(const unsigned char *data, std::size_t len, std::uint64_t h)
  {
    // FNV-1a: for each byte b: h ^= b; h *= 1099511628211 (mod 2^64)
    for (std::size_t i = 0; i < len; ++i) {
      h ^= data[i];
      h *= 1099511628211ULL;
    }
    return h;
  }

  // ---------------------------------------------------------------------------
  // features, eq. (1): f = log10(max(dr2, floor) / T)

  double feature_value(double dr2, double temperature, double dr2_floor)
  {
    if (!(temperature > 0.0) || !std::isfinite(temperature))
      throw std::invalid_argument("T_ML feature: temperature must be finite and > 0 (got " +
                                  fmt_double(temperature) + ")");
    if (!(dr2 >= 0.0) || !std::isfinite(dr2))
      throw std::invalid_argument(
          "T_ML feature: squared displacement must be finite and >= 0 (got " + fmt_double(dr2) +
          ")");
    if (!(dr2_floor > 0.0) || !std::isfinite(dr2_floor))
      throw std::invalid_argument("T_ML feature: dr2 floor must be finite and > 0 (got " +
                                  fmt_double(dr2_floor) + ")");
    return std::log10(std::max(dr2, dr2_floor) / temperature);
  }

  void compute_features(const double *dr2, std::size_t d, double temperature, double dr2_floor,
                        double *out)
  {
    for (std::size_t k = 0; k < d; ++k) out[k] = feature_value(dr2[k], temperature, dr2_floor);
  }

  // ---------------------------------------------------------------------------

  std::string format_list(const std::vector<double> &v)
  {
    std::string s = "[";
    for (std::size_t j = 0; j < v.size(); ++j) {
      if (j) s += ' ';
      append_double(s, v[j]);
    }
    return s + "]";
  }

  void Metadata::validate() const
  {
    const std::string prob = units_problem(units);
    if (!prob.empty()) throw std::invalid_argument("T_ML metadata: " + prob);
    if (lags.empty())
      throw std::invalid_argument("T_ML metadata: no lags (need at least one feature)");
    if (lags.size() > MAX_DIM)
      throw std::invalid_argument("T_ML metadata: " + std::to_string(lags.size()) +
                                  " lags exceed the limit of " + std::to_string(MAX_DIM));
    for (std::size_t j = 0; j < lags.size(); ++j)
      if (!std::isfinite(lags[j]) || !(lags[j] > 0.0))
        throw std::invalid_argument("T_ML metadata: lag " + std::to_string(j + 1) +
                                    " must be finite and > 0 (got " + fmt_double(lags[j]) + ")");
    if (!std::isfinite(dr2_floor) || !(dr2_floor > 0.0))
      throw std::invalid_argument("T_ML metadata: dr2_floor must be finite and > 0 (got " +
                                  fmt_double(dr2_floor) + ")");
    if (!affine_valid(affine))
      throw std::invalid_argument("T_ML metadata: affine setting " + std::to_string(affine) +
                                  " must be " + std::to_string(AFFINE_UNKNOWN) + " (unknown), " +
                                  std::to_string(AFFINE_KEEP) + " (keep) or " +
                                  std::to_string(AFFINE_REMOVE) + " (remove)");
  }

  std::string affine_name(int affine)
  {
    switch (affine) {
      case AFFINE_KEEP:
        return "keep";
      case AFFINE_REMOVE:
        return "remove";
      case AFFINE_UNKNOWN:
        return "unknown";
      default:
        return "invalid (" + std::to_string(affine) + ")";
    }
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
  // FeatureSet

  void FeatureSet::add_row(double label, const double *f)
  {
    const std::size_t d = dim();
    if (!std::isfinite(label))
      throw std::invalid_argument("T_ML features: label is not finite (" + fmt_double(label) + ")");
    for (std::size_t j = 0; j < d; ++j)
      if (!std::isfinite(f[j]))
        throw std::invalid_argument("T_ML features: feature " + std::to_string(j + 1) +
                                    " is not finite (" + fmt_double(f[j]) + ")");
    labels.push_back(label);
    features.insert(features.end(), f, f + d);
  }

  void FeatureSet::append(const FeatureSet &other, const std::string &other_name,
                          const std::string &this_name)
  {
    const std::string name = other_name.empty() ? std::string("appended feature set") : other_name;
    const std::string mine = this_name.empty() ? std::string("the feature set it is appended to")
                                               : this_name;
    if (other.meta.units != meta.units)
      throw std::invalid_argument("T_ML features: " + name + " has units '" + other.meta.units +
                                  "', expected '" + meta.units + "'");
    if (!lags_match(meta.lags, other.meta.lags, 1e-9))
      throw std::invalid_argument("T_ML features: " + name + " has lags " +
                                  format_list(other.meta.lags) + ", expected " +
                                  format_list(meta.lags));
    if (other.meta.dr2_floor != meta.dr2_floor)
      throw std::invalid_argument("T_ML features: " + name + " has dr2_floor " +
                                  fmt_double(other.meta.dr2_floor) + ", expected " +
                                  fmt_double(meta.dr2_floor));
    if (other.features.size() != other.labels.size() * other.dim())
      throw std::invalid_argument("T_ML features: " + name +
                                  " is inconsistent (labels/features sizes)");
    int affine = AFFINE_UNKNOWN;
    std::uint32_t origins = 0;
    merge_recording({&meta, &other.meta}, {mine, name}, "T_ML features: ", affine, origins);
    meta.affine = affine;
    meta.origins = origins;
    labels.insert(labels.end(), other.labels.begin(), other.labels.end());
    features.insert(features.end(), other.features.begin(), other.features.end());
  }

  void FeatureSet::validate() const
  {
    meta.validate();
    const std::size_t d = dim();
    if (features.size() != labels.size() * d)
      throw std::invalid_argument("T_ML features: " + std::to_string(features.size()) +
                                  " feature values for " + std::to_string(labels.size()) +
                                  " labels and d = " + std::to_string(d));
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (!std::isfinite(labels[i]))
        throw std::invalid_argument("T_ML features: instance " + std::to_string(i + 1) +
                                    ": label is not finite");
      for (std::size_t j = 0; j < d; ++j)
        if (!std::isfinite(features[i * d + j]))
          throw std::invalid_argument("T_ML features: instance " + std::to_string(i + 1) +
                                      ": feature " + std::to_string(j + 1) + " is not finite");
    }
  }

  // ---------------------------------------------------------------------------
  // Feature files.
  //
  // Text: line-oriented, '#' header lines "# keyword values...", data rows of
  // d+1 numbers "label f1 ... fd".  The first non-blank line must be the magic
  // "# AMORPH-TML-FEATURES 2" (or 1).  Reserved keywords (must not begin a
  // comment): units, lags, nfeatures, dr2_floor, columns, and in version 2
  // affine (remove|keep) and origins (M >= 1); they must come before the first
  // data row and appear at most once.  Other '#' lines and blank lines are
  // ignored.  CRLF line ends are accepted.
  //
  // Binary: see the header file; records are written in the order given.

  namespace {

    FeatureSet read_features_text(const std::string &path)
    {
      std::ifstream in(path, std::ios::in | std::ios::binary);
      if (!in)
        throw std::runtime_error("cannot open T_ML feature file '" + path +
                                 "' for reading: " + std::strerror(errno));
      FeatureSet set;
      bool have_magic = false, have_units = false, have_lags = false, have_floor = false,
           have_nfeat = false, have_columns = false, have_affine = false, have_origins = false,
           in_data = false;
      std::uint64_t nfeat = 0, version = 0;
      std::size_t d = 0, lineno = 0;
      std::string line;
      std::vector<std::pair<const char *, const char *>> tok;
      std::vector<double> row;
      auto where = [&](std::size_t l) {
        return path + ":" + std::to_string(l) + ": ";
      };

      while (std::getline(in, line)) {
        ++lineno;
        // control characters (other than tab and CR): a binary file, not text; say so instead of
        // echoing its bytes in a message
        for (const char ch : line) {
          const unsigned char u = (unsigned char) ch;
          if ((u < 0x20 && u != '\t' && u != '\r') || u == 0x7f)
            throw std::runtime_error(where(lineno) +
                                     "not a text T_ML feature file (binary data; a binary "
                                     "feature file starts with the magic '" +
                                     std::string("AMORPHTMLFEAT") + "')");
        }
        tokenize(line.data(), line.data() + line.size(), tok);
        if (tok.empty()) continue;

        if (*tok[0].first == '#') {
          // header/comment line: "#" may be attached to the keyword ("#units")
          std::vector<std::string> words;
          for (std::size_t t = 0; t < tok.size(); ++t) {
            const char *b = tok[t].first;
            if (t == 0) ++b;
            if (b < tok[t].second) words.emplace_back(b, tok[t].second);
          }
          const std::string key = words.empty() ? std::string() : words[0];
          if (!have_magic) {
            if (key != TEXT_MAGIC)
              throw std::runtime_error(
                  where(lineno) + "not an AMORPH T_ML feature file: the first line must be '# " +
                  std::string(TEXT_MAGIC) + " 2', found '" + line + "'");
            if (words.size() != 2 || !parse_uint(words[1], version))
              throw std::runtime_error(where(lineno) + "malformed magic line '" + line +
                                       "' (expected '# " + std::string(TEXT_MAGIC) + " 2')");
            if (version < 1 || version > FEAT_VERSION)
              throw std::runtime_error(where(lineno) + "unsupported feature file version " +
                                       words[1] + " (this build reads versions 1 to " +
                                       std::to_string(FEAT_VERSION) + ")");
            have_magic = true;
            continue;
          }
          const bool reserved = key == "units" || key == "lags" || key == "nfeatures" ||
              key == "dr2_floor" || key == "columns" || key == TEXT_MAGIC ||
              (version >= 2 && (key == "affine" || key == "origins"));
          if (!reserved) continue;    // comment
          if (in_data)
            throw std::runtime_error(
                where(lineno) + "header line '# " + key +
                " ...' after data rows (concatenated files? give them to the builder separately)");
          auto dup = [&](bool &flag) {
            if (flag)
              throw std::runtime_error(where(lineno) + "duplicate header keyword '" + key + "'");
            flag = true;
          };
          if (key == TEXT_MAGIC) {
            throw std::runtime_error(where(lineno) + "duplicate magic line");
          } else if (key == "units") {
            dup(have_units);
            if (words.size() != 2)
              throw std::runtime_error(
                  where(lineno) + "'units' expects exactly one unit style, found '" + line + "'");
            set.meta.units = words[1];
            const std::string prob = units_problem(set.meta.units);
            if (!prob.empty()) throw std::runtime_error(where(lineno) + prob);
          } else if (key == "lags") {
            dup(have_lags);
            if (words.size() < 2)
              throw std::runtime_error(where(lineno) + "'lags' expects at least one value");
            for (std::size_t t = 1; t < words.size(); ++t) {
              double v;
              if (!parse_double(words[t].data(), words[t].data() + words[t].size(), v))
                throw std::runtime_error(where(lineno) + "lag " + std::to_string(t) +
                                         ": invalid number '" + words[t] + "'");
              if (!std::isfinite(v) || !(v > 0.0))
                throw std::runtime_error(where(lineno) + "lag " + std::to_string(t) +
                                         " must be finite and > 0 (got '" + words[t] + "')");
              set.meta.lags.push_back(v);
            }
            if (set.meta.lags.size() > MAX_DIM)
              throw std::runtime_error(where(lineno) + "too many lags (limit " +
                                       std::to_string(MAX_DIM) + ")");
          } else if (key == "nfeatures") {
            dup(have_nfeat);
            if (words.size() != 2 || !parse_uint(words[1], nfeat))
              throw std::runtime_error(where(lineno) +
                                       "'nfeatures' expects one non-negative integer, found '" +
                                       line + "'");
          } else if (key == "dr2_floor") {
            dup(have_floor);
            double v;
            if (words.size() != 2 ||
                !parse_double(words[1].data(), words[1].data() + words[1].size(), v))
              throw std::runtime_error(where(lineno) + "'dr2_floor' expects one number, found '" +
                                       line + "'");
            if (!std::isfinite(v) || !(v > 0.0))
              throw std::runtime_error(where(lineno) + "dr2_floor must be finite and > 0 (got '" +
                                       words[1] + "')");
            set.meta.dr2_floor = v;
          } else if (key == "affine") {
            dup(have_affine);
            if (words.size() != 2 || (words[1] != "remove" && words[1] != "keep"))
              throw std::runtime_error(where(lineno) +
                                       "'affine' expects 'remove' or 'keep', found '" + line + "'");
            set.meta.affine = words[1] == "keep" ? AFFINE_KEEP : AFFINE_REMOVE;
          } else if (key == "origins") {
            dup(have_origins);
            std::uint64_t m = 0;
            if (words.size() != 2 || !parse_uint(words[1], m) || m < 1 ||
                m > std::numeric_limits<std::uint32_t>::max())
              throw std::runtime_error(
                  where(lineno) +
                  "'origins' expects one integer between 1 and 4294967295, found '" + line + "'");
            set.meta.origins = static_cast<std::uint32_t>(m);
          } else if (key == "columns") {
            dup(have_columns);    // informational only
          }
          continue;
        }

        // data row
        if (!have_magic)
          throw std::runtime_error(where(lineno) +
                                   "not an AMORPH T_ML feature file: the first line must be '# " +
                                   std::string(TEXT_MAGIC) + " 2', found '" + line + "'");
        if (!in_data) {
          if (!have_units)
            throw std::runtime_error(where(lineno) +
                                     "data row before the required '# units' header line");
          if (!have_lags)
            throw std::runtime_error(where(lineno) +
                                     "data row before the required '# lags' header line");
          d = set.meta.lags.size();
          if (have_nfeat && nfeat != d)
            throw std::runtime_error(path + ": header says nfeatures " + std::to_string(nfeat) +
                                     " but lists " + std::to_string(d) + " lags");
          in_data = true;
          row.resize(d + 1);
        }
        if (tok.size() != d + 1)
          throw std::runtime_error(where(lineno) + "expected " + std::to_string(d + 1) +
                                   " columns (label + " + std::to_string(d) + " features), found " +
                                   std::to_string(tok.size()));
        for (std::size_t c = 0; c <= d; ++c) {
          double v;
          if (!parse_double(tok[c].first, tok[c].second, v))
            throw std::runtime_error(where(lineno) + "column " + std::to_string(c + 1) +
                                     ": invalid number '" +
                                     std::string(tok[c].first, tok[c].second) + "'");
          if (!std::isfinite(v))
            throw std::runtime_error(where(lineno) + "column " + std::to_string(c + 1) +
                                     ": non-finite value '" +
                                     std::string(tok[c].first, tok[c].second) + "'");
          row[c] = v;
        }
        set.labels.push_back(row[0]);
        set.features.insert(set.features.end(), row.begin() + 1, row.end());
      }
      if (in.bad()) throw std::runtime_error("error reading T_ML feature file '" + path + "'");
      if (!have_magic)
        throw std::runtime_error(path +
                                 ": empty file, not an AMORPH T_ML feature file (missing '# " +
                                 std::string(TEXT_MAGIC) + " 2')");
      if (!have_units) throw std::runtime_error(path + ": missing required '# units' header line");
      if (!have_lags) throw std::runtime_error(path + ": missing required '# lags' header line");
      if (have_nfeat && nfeat != set.meta.lags.size())
        throw std::runtime_error(path + ": header says nfeatures " + std::to_string(nfeat) +
                                 " but lists " + std::to_string(set.meta.lags.size()) + " lags");
      return set;
    }

    FeatureSet read_features_binary(const std::string &path)
    {
      const std::vector<unsigned char> buf = read_all(path, "T_ML feature file");
      const std::size_t len = buf.size();
      const std::string src = "T_ML feature file '" + path + "'";
      if (len < 16 || std::memcmp(buf.data(), FEAT_MAGIC, 16) != 0) {
        if (len < 16 && (len == 0 || std::memcmp(buf.data(), FEAT_MAGIC, len) == 0))
          throw std::runtime_error(src + " is truncated (" + std::to_string(len) + " bytes)");
        throw std::runtime_error(src + ": bad magic, not a binary AMORPH T_ML feature file");
      }
      if (len < 20)
        throw std::runtime_error(src + " is truncated: " + std::to_string(len) +
                                 " bytes, header needs " + std::to_string(FEAT_HEADER_BYTES));
      const std::uint32_t ver = get_u32(&buf[16]);
      if (ver < 1 || ver > FEAT_VERSION)
        throw std::runtime_error(src + ": unsupported format version " + std::to_string(ver) +
                                 " (this build reads versions 1 to " +
                                 std::to_string(FEAT_VERSION) + ")");
      const std::size_t hbytes = ver >= 2 ? FEAT_HEADER_BYTES : FEAT_HEADER_BYTES_V1;
      if (len < hbytes)
        throw std::runtime_error(src + " is truncated: " + std::to_string(len) +
                                 " bytes, the version-" + std::to_string(ver) + " header needs " +
                                 std::to_string(hbytes));
      const std::uint64_t d = get_u32(&buf[20]);
      const std::uint64_t n = get_u64(&buf[24]);
      if (d == 0 || d > MAX_DIM)
        throw std::runtime_error(src +
                                 ": corrupt header: number of features d = " + std::to_string(d));
      const std::uint64_t rec = 8 * (d + 1);
      const std::uint64_t fixed = hbytes + 8 * d + 8;
      if (n > (std::numeric_limits<std::uint64_t>::max() - fixed) / rec)
        throw std::runtime_error(src + ": corrupt header: n = " + std::to_string(n));
      const std::uint64_t expect = fixed + n * rec;
      if (len < expect)
        throw std::runtime_error(src + " is truncated: expected " + std::to_string(expect) +
                                 " bytes for d = " + std::to_string(d) +
                                 ", n = " + std::to_string(n) + ", found " + std::to_string(len));
      if (len > expect)
        throw std::runtime_error(src + ": " + std::to_string(len - expect) +
                                 " unexpected trailing bytes (corrupt file?)");
      const std::uint64_t stored = get_u64(&buf[len - 8]);
      const std::uint64_t computed = fnv1a64(buf.data(), len - 8);
      if (stored != computed)
        throw std::runtime_error(src + ": checksum mismatch (stored " + hex64(stored) +
                                 ", computed " + hex64(computed) + "): the file is corrupt");
      FeatureSet set;
      set.meta.units = get_units(&buf[32], src);
      set.meta.dr2_floor = get_f64(&buf[48]);
      if (ver >= 2) {
        const std::int32_t affine = get_i32(&buf[56]);
        if (!affine_valid(affine))
          throw std::runtime_error(src + ": corrupt header: affine setting " +
                                   std::to_string(affine) +
                                   " (expected -1 = unknown, 0 = keep or 1 = remove)");
        set.meta.affine = affine;
        set.meta.origins = get_u32(&buf[60]);
      }
      set.meta.lags.resize(d);
      for (std::uint64_t j = 0; j < d; ++j) set.meta.lags[j] = get_f64(&buf[hbytes + 8 * j]);
      try {
        set.meta.validate();
      } catch (const std::invalid_argument &e) {
        throw std::runtime_error(src + ": " + e.what());
      }
      set.labels.resize(n);
      set.features.resize(n * d);
      const unsigned char *p = &buf[hbytes + 8 * d];
      for (std::uint64_t i = 0; i < n; ++i) {
        set.labels[i] = get_f64(p);
        p += 8;
        if (!std::isfinite(set.labels[i]))
          throw std::runtime_error(src + ": record " + std::to_string(i + 1) +
                                   ": label is not finite");
        for (std::uint64_t j = 0; j < d; ++j, p += 8) {
          const double v = get_f64(p);
          if (!std::isfinite(v))
            throw std::runtime_error(src + ": record " + std::to_string(i + 1) + ": feature " +
                                     std::to_string(j + 1) + " is not finite");
          set.features[i * d + j] = v;
        }
      }
      return set;
    }

  }    // namespace

  FeatureSet read_features(const std::string &path, FeatureFormat format)
  {
    if (format == FeatureFormat::Auto) {
      std::FILE *fp = open_or_throw(path, "rb", "T_ML feature file");
      unsigned char head[16] = {0};
      const std::size_t got = std::fread(head, 1, 16, fp);
      std::fclose(fp);
      format = (got == 16 && std::memcmp(head, FEAT_MAGIC, 16) == 0) ? FeatureFormat::Binary
                                                                     : FeatureFormat::Text;
    }
    return format == FeatureFormat::Binary ? read_features_binary(path) : read_features_text(path);
  }

  void write_features(const std::string &path, const FeatureSet &set, FeatureFormat format)
  {
    set.validate();
    FeatureWriter w(path, set.meta, format);
    const std::size_t d = set.dim();
    for (std::size_t i = 0; i < set.size(); ++i)
      w.write(set.labels[i], set.features.data() + i * d);
    w.close();
  }

  // ---------------------------------------------------------------------------
  // FeatureWriter

  FeatureWriter::FeatureWriter(const std::string &path, const Metadata &meta,
                               FeatureFormat format) :
      path_(path),
      meta_(meta), format_(format == FeatureFormat::Auto ? FeatureFormat::Text : format)
  {
    meta_.validate();
    fp_ =
        open_or_throw(path_, format_ == FeatureFormat::Binary ? "w+b" : "wb", "T_ML feature file");
    try {
      const std::size_t d = meta_.dim();
      if (format_ == FeatureFormat::Text) {
        std::string h = "# " + std::string(TEXT_MAGIC) + " " + std::to_string(FEAT_VERSION) + "\n";
        h += "# units " + meta_.units + "\n";
        h += "# nfeatures " + std::to_string(d) + "\n";
        h += "# lags";
        for (double lag : meta_.lags) {
          h += ' ';
          append_double(h, lag);
        }
        h += "\n# dr2_floor ";
        append_double(h, meta_.dr2_floor);
        if (meta_.affine != AFFINE_UNKNOWN) h += "\n# affine " + affine_name(meta_.affine);
        if (meta_.origins > 0) h += "\n# origins " + std::to_string(meta_.origins);
        h += "\n# columns label";
        for (std::size_t j = 0; j < d; ++j) h += " f" + std::to_string(j + 1);
        h += "\n# f_k = log10(max(dr2_k, dr2_floor) / T), dr2_k = squared displacement after lag "
             "k\n";
        put(h.data(), h.size());
      } else {
        std::vector<unsigned char> h(FEAT_HEADER_BYTES + 8 * d);
        std::memcpy(h.data(), FEAT_MAGIC, 16);
        put_u32(&h[16], FEAT_VERSION);
        put_u32(&h[20], static_cast<std::uint32_t>(d));
        put_u64(&h[24], 0);    // n, patched by close()
        put_units(&h[32], meta_.units);
        put_f64(&h[48], meta_.dr2_floor);
        put_i32(&h[56], meta_.affine);
        put_u32(&h[60], meta_.origins);
        for (std::size_t j = 0; j < d; ++j) put_f64(&h[FEAT_HEADER_BYTES + 8 * j], meta_.lags[j]);
        put(h.data(), h.size());
        rec_.resize(8 * (d + 1));
      }
    } catch (...) {
      std::fclose(fp_);    // the destructor does not run for a failed constructor
      fp_ = nullptr;
      throw;
    }
  }

  FeatureWriter::~FeatureWriter()
  {
    try {
      close();
    } catch (...) {
      // destructor must not throw; call close() explicitly to see errors
    }
  }

  void FeatureWriter::put(const void *p, std::size_t len)
  {
    if (std::fwrite(p, 1, len, fp_) != len)
      throw std::runtime_error("error writing T_ML feature file '" + path_ + "' (disk full?)");
  }

  void FeatureWriter::write(double label, const double *f)
  {
    if (!fp_) throw std::runtime_error("T_ML feature file '" + path_ + "' is already closed");
    const std::size_t d = meta_.dim();
    if (!std::isfinite(label))
      throw std::invalid_argument("T_ML feature writer: label is not finite (" + fmt_double(label) +
                                  ")");
    for (std::size_t j = 0; j < d; ++j)
      if (!std::isfinite(f[j]))
        throw std::invalid_argument("T_ML feature writer: feature " + std::to_string(j + 1) +
                                    " is not finite (" + fmt_double(f[j]) + ")");
    if (format_ == FeatureFormat::Text) {
      line_.clear();
      append_double(line_, label);
      for (std::size_t j = 0; j < d; ++j) {
        line_ += ' ';
        append_double(line_, f[j]);
      }
      line_ += '\n';
      put(line_.data(), line_.size());
    } else {
      put_f64(&rec_[0], label);
      for (std::size_t j = 0; j < d; ++j) put_f64(&rec_[8 * (j + 1)], f[j]);
      put(rec_.data(), rec_.size());
    }
    ++nrows_;
  }

  void FeatureWriter::write(double label, const std::vector<double> &f)
  {
    if (f.size() != meta_.dim())
      throw std::invalid_argument("T_ML feature writer: got " + std::to_string(f.size()) +
                                  " features, expected " + std::to_string(meta_.dim()));
    write(label, f.data());
  }

  void FeatureWriter::flush()
  {
    if (fp_ && std::fflush(fp_) != 0)
      throw std::runtime_error("error writing T_ML feature file '" + path_ + "' (disk full?)");
  }

  void FeatureWriter::close()
  {
    if (!fp_) return;
    std::FILE *fp = fp_;
    fp_ = nullptr;
    FileCloser guard{fp};
    const std::string err = "error finishing T_ML feature file '" + path_ + "'";
    if (format_ == FeatureFormat::Binary) {
      // patch n, then checksum = FNV-1a-64 over every byte written so far
      unsigned char nb[8];
      put_u64(nb, nrows_);
      if (std::fseek(fp, 24, SEEK_SET) != 0 || std::fwrite(nb, 1, 8, fp) != 8 ||
          std::fflush(fp) != 0 || std::fseek(fp, 0, SEEK_SET) != 0)
        throw std::runtime_error(err);
      std::uint64_t h = fnv1a64(nullptr, 0);
      unsigned char chunk[1 << 16];
      std::size_t got;
      while ((got = std::fread(chunk, 1, sizeof(chunk), fp)) > 0) h = fnv1a64(chunk, got, h);
      if (std::ferror(fp)) throw std::runtime_error(err);
      unsigned char hb[8];
      put_u64(hb, h);
      if (std::fseek(fp, 0, SEEK_END) != 0 || std::fwrite(hb, 1, 8, fp) != 8)
        throw std::runtime_error(err);
    }
    guard.fp = nullptr;
    if (std::fclose(fp) != 0) throw std::runtime_error(err + " (disk full?)");
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
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(labels_[i]))
        throw std::invalid_argument("T_ML model: instance " + std::to_string(i + 1) +
                                    ": label is not finite");
      for (std::size_t j = 0; j < d; ++j)
        if (!std::isfinite(features_[i * d + j]))
          throw std::invalid_argument("T_ML model: instance " + std::to_string(i + 1) +
                                      ": feature " + std::to_string(j + 1) + " is not finite");
    }
    mean_.resize(d);
    std_.resize(d);
    compute_standardisation(features_.data(), n, d, mean_.data(), std_.data(), &meta_.lags);
  }

  Model Model::from_features(const FeatureSet &set, std::uint32_t k_default)
  {
    return Model(set.meta, set.labels, set.features, k_default);
  }

  std::uint64_t Model::file_size(std::uint64_t d, std::uint64_t n, std::uint32_t version)
  {
    // 48 header + lags, mean, std (24 d) + k (4) + floor (8) [+ affine (4) +
    // origins (4), version 2] + labels (8 n) + features (8 n d) + checksum (8)
    const std::uint64_t params = version >= 2 ? PARAM_BYTES : PARAM_BYTES_V1;
    return HEADER_BYTES + 24 * d + params + 8 * n + 8 * n * d + 8;
  }

  std::vector<unsigned char> Model::to_bytes() const
  {
    if (empty()) throw std::invalid_argument("T_ML model: cannot save an empty model");
    const std::size_t d = dim(), n = size();
    std::vector<unsigned char> b(file_size(d, n));
    unsigned char *p = b.data();
    std::memcpy(p, MODEL_MAGIC, 16);
    put_u32(p + 16, FORMAT_VERSION);
    put_u32(p + 20, static_cast<std::uint32_t>(d));
    put_u64(p + 24, n);
    put_units(p + 32, meta_.units);
    p += HEADER_BYTES;
    for (std::size_t j = 0; j < d; ++j, p += 8) put_f64(p, meta_.lags[j]);
    for (std::size_t j = 0; j < d; ++j, p += 8) put_f64(p, mean_[j]);
    for (std::size_t j = 0; j < d; ++j, p += 8) put_f64(p, std_[j]);
    put_u32(p, k_default_);
    p += 4;
    put_f64(p, meta_.dr2_floor);
    p += 8;
    put_i32(p, meta_.affine);
    p += 4;
    put_u32(p, meta_.origins);
    p += 4;
    for (std::size_t i = 0; i < n; ++i, p += 8) put_f64(p, labels_[i]);
    for (std::size_t i = 0; i < n * d; ++i, p += 8) put_f64(p, features_[i]);
    put_u64(p, fnv1a64(b.data(), b.size() - 8));
    return b;
  }

  void Model::save(const std::string &path) const
  {
    write_all(path, to_bytes(), "T_ML model file");
  }

  Model Model::load(const std::string &path)
  {
    const std::vector<unsigned char> buf = read_all(path, "T_ML model file");
    Model m = from_bytes(buf.data(), buf.size(), "T_ML model file '" + path + "'");
    m.source_ = path;
    return m;
  }

  Model Model::from_bytes(const unsigned char *data, std::size_t len, const std::string &source)
  {
    const std::uint64_t min_size = file_size(1, 1);
    if (len < 16 || std::memcmp(data, MODEL_MAGIC, 16) != 0) {
      if (len < 16 && (len == 0 || std::memcmp(data, MODEL_MAGIC, len) == 0))
        throw std::runtime_error(source + " is truncated: " + std::to_string(len) +
                                 " bytes (a model file has at least " + std::to_string(min_size) +
                                 ")");
      throw std::runtime_error(source + ": bad magic, not an AMORPH T_ML model file");
    }
    if (len < HEADER_BYTES)
      throw std::runtime_error(source + " is truncated: " + std::to_string(len) +
                               " bytes (a model file has at least " + std::to_string(min_size) +
                               ")");
    const std::uint32_t ver = get_u32(data + 16);
    if (ver < 1 || ver > FORMAT_VERSION)
      throw std::runtime_error(source + ": unsupported model format version " +
                               std::to_string(ver) + " (this build reads versions 1 to " +
                               std::to_string(FORMAT_VERSION) + ")");
    const std::uint64_t d = get_u32(data + 20);
    const std::uint64_t n = get_u64(data + 24);
    if (d == 0 || d > MAX_DIM)
      throw std::runtime_error(source +
                               ": corrupt header: number of features d = " + std::to_string(d));
    if (n == 0 || n > std::numeric_limits<std::uint32_t>::max())
      throw std::runtime_error(
          source + ": corrupt header: number of training instances n = " + std::to_string(n));
    const std::uint64_t expect = file_size(d, n, ver);    // no overflow: d <= 4096, n < 2^32
    if (len < expect)
      throw std::runtime_error(source + " is truncated: expected " + std::to_string(expect) +
                               " bytes for d = " + std::to_string(d) +
                               ", n = " + std::to_string(n) + ", found " + std::to_string(len));
    if (len > expect)
      throw std::runtime_error(source + ": " + std::to_string(len - expect) +
                               " unexpected trailing bytes after the checksum (corrupt file?)");
    const std::uint64_t stored = get_u64(data + len - 8);
    const std::uint64_t computed = fnv1a64(data, len - 8);
    if (stored != computed)
      throw std::runtime_error(source + ": checksum mismatch (stored " + hex64(stored) +
                               ", computed " + hex64(computed) + "): the file is corrupt");

    Model m;
    m.meta_.units = get_units(data + 32, source);
    const unsigned char *p = data + HEADER_BYTES;
    auto read_vec = [&](std::vector<double> &v, std::size_t count) {
      v.resize(count);
      for (std::size_t i = 0; i < count; ++i, p += 8) v[i] = get_f64(p);
    };
    read_vec(m.meta_.lags, d);
    read_vec(m.mean_, d);
    read_vec(m.std_, d);
    m.k_default_ = get_u32(p);
    p += 4;
    m.meta_.dr2_floor = get_f64(p);
    p += 8;
    if (ver >= 2) {
      const std::int32_t affine = get_i32(p);
      if (!affine_valid(affine))
        throw std::runtime_error(source + ": corrupt header: affine setting " +
                                 std::to_string(affine) +
                                 " (expected -1 = unknown, 0 = keep or 1 = remove)");
      m.meta_.affine = affine;
      m.meta_.origins = get_u32(p + 4);
      p += 8;
    }
    read_vec(m.labels_, n);
    read_vec(m.features_, n * d);

    try {
      m.meta_.validate();
    } catch (const std::invalid_argument &e) {
      throw std::runtime_error(source + ": " + e.what());
    }
    for (std::size_t j = 0; j < d; ++j) {
      if (!std::isfinite(m.mean_[j]))
        throw std::runtime_error(source + ": non-finite mean of " + feature_name(j, &m.meta_.lags));
      if (!std::isfinite(m.std_[j]) || !(m.std_[j] > 0.0))
        throw std::runtime_error(source + ": standard deviation of " +
                                 feature_name(j, &m.meta_.lags) + " must be finite and > 0 (got " +
                                 fmt_double(m.std_[j]) + ")");
    }
    if (m.k_default_ == 0 || m.k_default_ > n)
      throw std::runtime_error(source + ": default k = " + std::to_string(m.k_default_) +
                               " must be between 1 and the number of training instances " +
                               std::to_string(n));
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(m.labels_[i]))
        throw std::runtime_error(source + ": non-finite label of training instance " +
                                 std::to_string(i + 1));
      for (std::size_t j = 0; j < d; ++j)
        if (!std::isfinite(m.features_[i * d + j]))
          throw std::runtime_error(source + ": non-finite feature " + std::to_string(j + 1) +
                                   " of training instance " + std::to_string(i + 1));
    }
    return m;
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
      if (next.meta.units != all.meta.units || !lags_match(all.meta.lags, next.meta.lags, 1e-9) ||
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

  // ---------------------------------------------------------------------------
  // kNN regressor on a nanoflann KD-tree

  namespace {

    // training data in tree order (see KNNRegressor::Impl), row-major n x d
    struct DataAdaptor {
      const double *z = nullptr;
      std::size_t n = 0, d = 0;
      std::size_t kdtree_get_point_count() const { return n; }
      double kdtree_get_pt(std::size_t idx, std::size_t dim) const { return z[idx * d + dim]; }
      template <class BBOX> bool kdtree_get_bbox(BBOX &) const { return false; }
    };

    // squared Euclidean distance, summed strictly in order j = 0..d-1:
    //   s_0 = 0,  s_{j+1} = s_j + (a_j - b_j)^2,  dist2 = s_d
    // (nanoflann's L2_Adaptor sums in blocks of 4, a different rounding order)
    inline double seq_dist2(const double *a, const double *b, std::size_t d)
    {
      double s = 0.0;
      for (std::size_t j = 0; j < d; ++j) {
        const double t = a[j] - b[j];
        s += t * t;
      }
      return s;
    }

    // nanoflann metric: seq_dist2 on the tree-ordered training data.  (An early
    // exit once the partial sum exceeds the pruning radius was measured to be
    // slower: the data-dependent branch mispredicts more than it saves for d ~ 10.)
    template <int DIM> struct SeqL2 {
      using ElementType = double;
      using DistanceType = double;
      const DataAdaptor &ds;
      explicit SeqL2(const DataAdaptor &ds_) : ds(ds_) {}
      template <typename IndexT>
      double evalMetric(const double *a, const IndexT b_idx, std::size_t size, double = -1.0) const
      {
        const std::size_t dd = DIM > 0 ? static_cast<std::size_t>(DIM) : size;
        return seq_dist2(a, ds.z + static_cast<std::size_t>(b_idx) * dd, dd);
      }
      // per-dimension term of nanoflann's lower bound on the box distance
      template <typename U, typename V>
      double accum_dist(const U a, const V b, const std::size_t) const
      {
        return (a - b) * (a - b);
      }
    };

    // Result set with deterministic tie-breaking.  Keeps the k best (dist2, i)
    // pairs sorted lexicographically (i = original training index).  The radius
    // returned by worstDist() is the current k-th distance widened by a relative
    // 1e-9 and one ulp: nanoflann visits a leaf point only if dist2 < radius and a
    // subtree only if its (incrementally computed, rounded) lower bound <= radius,
    // so points tied with the k-th distance are still offered to addPoint(), and
    // rounding of the lower bound (relative error ~ depth * 1e-16) cannot prune
    // them.  addPoint() itself compares exactly.
    constexpr double RADIUS_SLACK = 1.0e-9;

    struct TieKNNResultSet {
      using DistanceType = double;
      using IndexType = std::uint32_t;
      using CountType = std::size_t;

      double *dist;                 // k slots, ascending (dist2, idx)
      std::uint32_t *idx;           // original training indices
      const std::uint32_t *perm;    // tree position -> original index
      std::size_t k;
      std::size_t count = 0;
      double radius = std::numeric_limits<double>::max();

      TieKNNResultSet(double *dist_, std::uint32_t *idx_, const std::uint32_t *perm_,
                      std::size_t k_) :
          dist(dist_),
          idx(idx_), perm(perm_), k(k_)
      {
      }
      std::size_t size() const { return count; }
      bool empty() const { return count == 0; }
      bool full() const { return count == k; }
      double worstDist() const { return radius; }
      void sort() {}

      bool addPoint(double d2, std::uint32_t pos)
      {
        const std::uint32_t id = perm[pos];
        std::size_t j;
        if (count < k) {
          j = count++;
        } else {
          // reject unless (d2, id) < (dist[k-1], idx[k-1])
          if (d2 > dist[k - 1] || (d2 == dist[k - 1] && id > idx[k - 1])) return true;
          j = k - 1;
        }
        while (j > 0 && (dist[j - 1] > d2 || (dist[j - 1] == d2 && idx[j - 1] > id))) {
          dist[j] = dist[j - 1];
          idx[j] = idx[j - 1];
          --j;
        }
        dist[j] = d2;
        idx[j] = id;
        if (count == k) {
          const double w = dist[k - 1];
          radius = std::nextafter(w + w * RADIUS_SLACK, std::numeric_limits<double>::infinity());
        }
        return true;
      }
    };

    struct TreeBase {
      virtual ~TreeBase() = default;
      virtual void search(const double *z, TieKNNResultSet &rs) const = 0;
      virtual std::vector<std::uint32_t> &order() = 0;    // nanoflann's index array
    };

    template <int DIM> struct Tree final : TreeBase {
      using Index =
          nanoflann::KDTreeSingleIndexAdaptor<SeqL2<DIM>, DataAdaptor, DIM, std::uint32_t>;
      Index index;
      Tree(std::size_t d, const DataAdaptor &data, std::size_t leaf) :
          index(static_cast<int>(d), data, nanoflann::KDTreeSingleIndexAdaptorParams(leaf))
      {
#ifdef AMORPH_NF_EXPLICIT_BUILD
        index.buildIndex();
#endif
      }
      void search(const double *z, TieKNNResultSet &rs) const override
      {
        index.findNeighbors(rs, z, AMORPH_NF_SEARCH_PARAMS());
      }
      std::vector<std::uint32_t> &order() override
      {
        return index.AMORPH_NF_VACC;
      }
    };

    // compile-time dimension for d <= MAX_FIXED_DIM (fixed-size nanoflann
    // buffers: no allocation per query, unrolled distance loops); dynamic above
    constexpr int MAX_FIXED_DIM = 32;

    template <int D>
    std::unique_ptr<TreeBase> make_tree(std::size_t d, const DataAdaptor &data, std::size_t leaf)
    {
      if constexpr (D > MAX_FIXED_DIM) {
        return std::make_unique<Tree<-1>>(d, data, leaf);
      } else {
        if (d == static_cast<std::size_t>(D)) return std::make_unique<Tree<D>>(d, data, leaf);
        return make_tree<D + 1>(d, data, leaf);
      }
    }

  }    // namespace

  struct KNNRegressor::Impl {
    std::size_t n = 0, d = 0, k = 0;
    std::vector<double> mean, stdev;
    std::vector<double> labels;         // original training order
    std::vector<double> zt;             // standardised training data, tree order
    std::vector<std::uint32_t> perm;    // tree position -> original index
    DataAdaptor data;                   // views zt (stable address inside Impl)
    std::unique_ptr<TreeBase> tree;
  };

  KNNRegressor::KNNRegressor(const Model &model) : KNNRegressor(model, model.k_default()) {}

  KNNRegressor::KNNRegressor(const Model &model, std::uint32_t k, std::size_t leaf_size) :
      impl_(new Impl)
  {
    if (model.empty()) throw std::invalid_argument("T_ML kNN: the model is empty");
    Impl &m = *impl_;
    m.n = model.size();
    m.d = model.dim();
    if (k == 0) throw std::invalid_argument("T_ML kNN: k must be >= 1");
    if (k > m.n)
      throw std::invalid_argument("T_ML kNN: k = " + std::to_string(k) + " exceeds the number of " +
                                  std::to_string(m.n) + " training instances");
    if (leaf_size == 0) throw std::invalid_argument("T_ML kNN: leaf size must be >= 1");
    m.k = k;
    m.mean = model.mean();
    m.stdev = model.stdev();
    m.labels = model.labels();

    // standardise in original order, build the tree, then store the data in
    // the tree's leaf order (contiguous leaves: far fewer cache misses) and make
    // nanoflann's index array the identity; perm maps back to training indices
    std::vector<double> z(m.n * m.d);
    const std::vector<double> &x = model.features();
    for (std::size_t i = 0; i < m.n; ++i)
      for (std::size_t j = 0; j < m.d; ++j)
        z[i * m.d + j] = (x[i * m.d + j] - m.mean[j]) / m.stdev[j];
    m.data.z = z.data();
    m.data.n = m.n;
    m.data.d = m.d;
    m.tree = make_tree<1>(m.d, m.data, leaf_size);

    std::vector<std::uint32_t> &order = m.tree->order();
    if (order.size() != m.n) throw std::logic_error("T_ML kNN: unexpected nanoflann index size");
    m.perm.assign(order.begin(), order.end());
    m.zt.resize(m.n * m.d);
    for (std::size_t pos = 0; pos < m.n; ++pos)
      std::copy_n(&z[static_cast<std::size_t>(m.perm[pos]) * m.d], m.d, &m.zt[pos * m.d]);
    for (std::size_t pos = 0; pos < m.n; ++pos) order[pos] = static_cast<std::uint32_t>(pos);
    m.data.z = m.zt.data();
  }

  KNNRegressor::~KNNRegressor() = default;
  KNNRegressor::KNNRegressor(KNNRegressor &&) noexcept = default;
  KNNRegressor &KNNRegressor::operator=(KNNRegressor &&) noexcept = default;

  std::uint32_t KNNRegressor::k() const
  {
    return static_cast<std::uint32_t>(impl_->k);
  }
  std::size_t KNNRegressor::dim() const
  {
    return impl_->d;
  }
  std::size_t KNNRegressor::size() const
  {
    return impl_->n;
  }

  KNNRegressor::Workspace KNNRegressor::make_workspace() const
  {
    Workspace ws;
    ws.z_.resize(impl_->d);
    ws.dist_.resize(impl_->k);
    ws.idx_.resize(impl_->k);
    return ws;
  }

  void KNNRegressor::search(const double *x, Workspace &ws) const
  {
    const Impl &m = *impl_;
    if (ws.z_.size() != m.d) ws.z_.resize(m.d);    // only on first use
    if (ws.dist_.size() != m.k) {
      ws.dist_.resize(m.k);
      ws.idx_.resize(m.k);
    }
    for (std::size_t j = 0; j < m.d; ++j) {
      if (!std::isfinite(x[j]))
        throw std::invalid_argument("T_ML kNN: query feature " + std::to_string(j + 1) +
                                    " is not finite (" + fmt_double(x[j]) + ")");
      ws.z_[j] = (x[j] - m.mean[j]) / m.stdev[j];
    }
    TieKNNResultSet rs(ws.dist_.data(), ws.idx_.data(), m.perm.data(), m.k);
    m.tree->search(ws.z_.data(), rs);
    if (rs.size() != m.k)
      throw std::runtime_error("T_ML kNN: found only " + std::to_string(rs.size()) +
                               " of k = " + std::to_string(m.k) +
                               " neighbours (query too far from the training data?)");
  }

  // eq. (3): sum of the k labels in (dist2, index) order, divided by k
  double KNNRegressor::mean_label(const Workspace &ws) const
  {
    const Impl &m = *impl_;
    double s = 0.0;
    for (std::size_t r = 0; r < m.k; ++r) s += m.labels[ws.idx_[r]];
    return s / static_cast<double>(m.k);
  }

  double KNNRegressor::predict(const double *x, Workspace &ws) const
  {
    search(x, ws);
    return mean_label(ws);
  }

  double KNNRegressor::predict(const double *x) const
  {
    Workspace ws = make_workspace();
    return predict(x, ws);
  }

  double KNNRegressor::predict(const std::vector<double> &x) const
  {
    if (x.size() != impl_->d)
      throw std::invalid_argument("T_ML kNN: query has " + std::to_string(x.size()) +
                                  " features, the model has " + std::to_string(impl_->d));
    return predict(x.data());
  }

  void KNNRegressor::predict(const double *X, std::size_t nq, double *out, Workspace &ws) const
  {
    const std::size_t d = impl_->d;
    for (std::size_t q = 0; q < nq; ++q) out[q] = predict(X + q * d, ws);
  }

  void KNNRegressor::predict_batch(const double *X, std::size_t nq, double *out,
                                   unsigned nthreads) const
  {
    if (nthreads == 0) nthreads = std::max(1u, std::thread::hardware_concurrency());
    // at least ~256 queries per thread, otherwise thread start-up dominates
    nthreads =
        static_cast<unsigned>(std::min<std::size_t>(nthreads, std::max<std::size_t>(1, nq / 256)));
    if (nthreads <= 1) {
      Workspace ws = make_workspace();
      predict(X, nq, out, ws);
      return;
    }
    const std::size_t d = impl_->d;
    std::vector<std::exception_ptr> errors(nthreads);
    std::vector<std::thread> pool;
    pool.reserve(nthreads);
    for (unsigned t = 0; t < nthreads; ++t) {
      const std::size_t b = nq * t / nthreads, e = nq * (t + 1) / nthreads;
      pool.emplace_back([this, X, out, b, e, d, t, &errors]() {
        try {
          Workspace ws = make_workspace();
          predict(X + b * d, e - b, out + b, ws);
        } catch (...) {
          errors[t] = std::current_exception();
        }
      });
    }
    for (auto &th : pool) th.join();
    for (auto &err : errors)
      if (err) std::rethrow_exception(err);
  }

  void KNNRegressor::kneighbors(const double *x, std::uint32_t *idx, double *dist2,
                                Workspace &ws) const
  {
    search(x, ws);
    std::copy(ws.idx_.begin(), ws.idx_.end(), idx);
    std::copy(ws.dist_.begin(), ws.dist_.end(), dist2);
  }

  void KNNRegressor::kneighbors_brute_force(const double *x, std::uint32_t *idx,
                                            double *dist2) const
  {
    const Impl &m = *impl_;
    std::vector<double> z(m.d);
    for (std::size_t j = 0; j < m.d; ++j) {
      if (!std::isfinite(x[j]))
        throw std::invalid_argument("T_ML kNN: query feature " + std::to_string(j + 1) +
                                    " is not finite");
      z[j] = (x[j] - m.mean[j]) / m.stdev[j];
    }
    std::vector<std::pair<double, std::uint32_t>> all(m.n);
    for (std::size_t pos = 0; pos < m.n; ++pos)
      all[pos] = {seq_dist2(z.data(), &m.zt[pos * m.d], m.d), m.perm[pos]};
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(m.k), all.end());
    for (std::size_t r = 0; r < m.k; ++r) {
      dist2[r] = all[r].first;
      idx[r] = all[r].second;
    }
  }

  double KNNRegressor::predict_brute_force(const double *x) const
  {
    Workspace ws = make_workspace();
    kneighbors_brute_force(x, ws.idx_.data(), ws.dist_.data());
    return mean_label(ws);
  }

}    // namespace tml
}    // namespace AMORPH
