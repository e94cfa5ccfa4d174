// AMORPH - LAMMPS plugin package, GPL-2.0
//
// tml_format.cpp -- T_ML kernel: Metadata, FeatureSet, the text and binary
// feature files and the binary model file (Model::load/save).  See
// tml_format.h and doc/src/tml_model_format.rst for the formats.  No LAMMPS,
// no MPI.  No floating-point arithmetic here beyond comparisons (values are
// copied bit for bit), so no FMA pragma as in tml_model.cpp and tml_knn.cpp.

#include "tml_format.h"

#include "tml_detail.h"
#include "tml_model.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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

    // ---------------------------------------------------------------------------
    // binary helpers: explicit little-endian encoding, independent of the host

    constexpr char MODEL_MAGIC[16] = {'A', 'M', 'O', 'R', 'P', 'H', 'T',  'M',
                                      'L', 'M', 'O', 'D', 'E', 'L', '\0', '\0'};
    constexpr char FEAT_MAGIC[16] = {'A', 'M', 'O', 'R', 'P', 'H',  'T',  'M',
                                     'L', 'F', 'E', 'A', 'T', '\0', '\0', '\0'};
    constexpr std::uint32_t FEAT_VERSION = 2;           // written; versions 1 and 2 are read
    constexpr std::size_t FEAT_HEADER_BYTES = 64;       // magic..origins (version 2)
    constexpr std::size_t FEAT_HEADER_BYTES_V1 = 56;    // magic..dr2_floor (version 1)
    // sanity limit for the number of features d in headers and metadata: far above
    // any set of lags (~10), and small enough that a corrupt header cannot make
    // file_size() overflow (d <= 4096, n < 2^32) or allocate a huge lag array
    constexpr std::uint64_t MAX_DIM = 4096;
    constexpr std::size_t IO_CHUNK = 1 << 16;    // bytes per fread of whole files
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
      unsigned char chunk[IO_CHUNK];
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

  namespace detail {

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

  }    // namespace detail

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
      if (!finite_positive(lags[j]))
        throw std::invalid_argument("T_ML metadata: lag " + std::to_string(j + 1) +
                                    " must be finite and > 0 (got " + fmt_double(lags[j]) + ")");
    if (!finite_positive(dr2_floor))
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

  // ---------------------------------------------------------------------------
  // FeatureSet

  void FeatureSet::add_row(double label, const double *f)
  {
    const std::size_t d = dim();
    if (const auto bad = find_non_finite(&label, f, 1, d))
      throw std::invalid_argument("T_ML features: " + bad->what() + " is not finite (" +
                                  fmt_double(bad->value) + ")");
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
    if (!lags_match(meta.lags, other.meta.lags, MERGE_LAG_RTOL))
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
    if (const auto bad = find_non_finite(labels.data(), features.data(), labels.size(), d))
      throw std::invalid_argument("T_ML features: instance " + std::to_string(bad->row + 1) + ": " +
                                  bad->what() + " is not finite");
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
              if (!finite_positive(v))
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
            if (!finite_positive(v))
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
        for (std::uint64_t j = 0; j < d; ++j, p += 8) set.features[i * d + j] = get_f64(p);
      }
      if (const auto bad = find_non_finite(set.labels.data(), set.features.data(), n, d))
        throw std::runtime_error(src + ": record " + std::to_string(bad->row + 1) + ": " +
                                 bad->what() + " is not finite");
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
    if (const auto bad = find_non_finite(&label, f, 1, d))
      throw std::invalid_argument("T_ML feature writer: " + bad->what() + " is not finite (" +
                                  fmt_double(bad->value) + ")");
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
      unsigned char chunk[IO_CHUNK];
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
  // Model file (layout in tml_format.h)

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
      if (!finite_positive(m.std_[j]))
        throw std::runtime_error(source + ": standard deviation of " +
                                 feature_name(j, &m.meta_.lags) + " must be finite and > 0 (got " +
                                 fmt_double(m.std_[j]) + ")");
    }
    if (m.k_default_ == 0 || m.k_default_ > n)
      throw std::runtime_error(source + ": default k = " + std::to_string(m.k_default_) +
                               " must be between 1 and the number of training instances " +
                               std::to_string(n));
    if (const auto bad = find_non_finite(m.labels_.data(), m.features_.data(), n, d))
      throw std::runtime_error(source + ": non-finite " + bad->what() + " of training instance " +
                               std::to_string(bad->row + 1));
    return m;
  }

}    // namespace tml
}    // namespace AMORPH
