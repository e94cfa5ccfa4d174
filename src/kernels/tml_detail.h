// AMORPH - LAMMPS plugin package, GPL-2.0
//
// tml_detail.h -- helpers shared by the T_ML kernel's sources (tml_format.cpp,
// tml_model.cpp, tml_knn.cpp); not part of its interface (include tml_model.h).

#ifndef AMORPH_TML_DETAIL_H
#define AMORPH_TML_DETAIL_H

#include "tml_format.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace AMORPH {
namespace tml {
  namespace detail {

    // shortest decimal representation that reads back bitwise identically
    std::string fmt_double(double x);

    // equal counts and |a_j - b_j| <= rel_tol * max(|a_j|, |b_j|) for every j
    inline bool lags_match(const std::vector<double> &a, const std::vector<double> &b,
                           double rel_tol)
    {
      if (a.size() != b.size()) return false;
      for (std::size_t j = 0; j < a.size(); ++j) {
        const double scale = std::max(std::fabs(a[j]), std::fabs(b[j]));
        if (!(std::fabs(a[j] - b[j]) <= rel_tol * scale)) return false;
      }
      return true;
    }

    inline bool affine_valid(long long a)
    {
      return a == AFFINE_UNKNOWN || a == AFFINE_KEEP || a == AFFINE_REMOVE;
    }

    // affine/origins of several inputs (in order) merged into one: two known,
    // different values are an error naming both inputs (std::invalid_argument,
    // prefixed by `who`); a value unknown in any input makes the result unknown
    void merge_recording(const std::vector<const Metadata *> &metas,
                         const std::vector<std::string> &names, const std::string &who, int &affine,
                         std::uint32_t &origins);

    // "feature 2 (lag 0.5)" for j = 1 (the lag only if lags are given)
    std::string feature_name(std::size_t j, const std::vector<double> *lags);

    // ---------------------------------------------------------------------------
    // Finiteness checks.  find_non_finite() is the one check for NaN and infinity
    // in labelled rows (a label and d features: feature sets, model instances,
    // file records) and in queries (d features, no label); the callers word the
    // message, e.g. "T_ML model: instance " + row + ": " + what() + " is not finite".

    struct NonFinite {
      std::size_t row;    // 0-based row (instance, record)
      std::size_t col;    // 0: the label, j >= 1: feature j
      double value;       // the non-finite value
      // "label" or "feature j"
      std::string what() const
      {
        return col == 0 ? std::string("label") : "feature " + std::to_string(col);
      }
    };

    // The first non-finite value of n rows, in the order label, features 1..d of
    // row 0, then of row 1, ...; labels = nullptr: rows without a label.
    // features: n*d values, row-major.  std::nullopt if all values are finite.
    inline std::optional<NonFinite> find_non_finite(const double *labels, const double *features,
                                                    std::size_t n, std::size_t d)
    {
      for (std::size_t i = 0; i < n; ++i) {
        if (labels && !std::isfinite(labels[i])) return NonFinite{i, 0, labels[i]};
        for (std::size_t j = 0; j < d; ++j)
          if (!std::isfinite(features[i * d + j])) return NonFinite{i, j + 1, features[i * d + j]};
      }
      return std::nullopt;
    }

    // x is finite and > 0 (temperatures, lags, floors, standard deviations)
    inline bool finite_positive(double x)
    {
      return std::isfinite(x) && x > 0.0;
    }

  }    // namespace detail
}    // namespace tml
}    // namespace AMORPH

#endif
