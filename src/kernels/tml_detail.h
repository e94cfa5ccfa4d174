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

  }    // namespace detail
}    // namespace tml
}    // namespace AMORPH

#endif
