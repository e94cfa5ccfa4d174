/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   T_ML model check (doc/src/fix_tml.rst, "Model check"): per temperature
   class the instance count and the leave-one-out T_ML of a deterministic
   subsample (every s-th instance of the class in training order,
   s = ceil(n_class / per_class)), each predicted from its k nearest OTHER
   training instances; the AUC (Mann-Whitney) between classes adjacent in
   temperature; adjacent pairs with AUC < min_auc are reported as
   overlapping.  python/amorph/tml.py check_model() computes the same.
------------------------------------------------------------------------- */

#ifndef AMORPH_TML_CHECK_H
#define AMORPH_TML_CHECK_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace AMORPH {
namespace tml {

  class Model;

  constexpr std::size_t DEFAULT_CHECK_PER_CLASS = 1000;
  // adjacent classes whose predictions are ordered correctly in fewer than 80 % of
  // the pairs of instances are reported as indistinguishable
  constexpr double DEFAULT_MIN_AUC = 0.8;

  // P(b > a) + P(b == a)/2 over all pairs (a in lower, b in higher); throws
  // std::invalid_argument if either is empty
  double auc(const std::vector<double> &lower, const std::vector<double> &higher);

  struct ClassCheck {
    double label = 0.0;
    std::size_t count = 0;                               // training instances of the class
    std::size_t checked = 0;                             // instances in the subsample
    double mean_predicted = 0.0, std_predicted = 0.0;    // leave-one-out T_ML
  };

  struct ModelCheck {
    std::vector<ClassCheck> classes;     // ascending label
    std::vector<double> adjacent_auc;    // classes i, i+1
    std::uint32_t k = 0;
    double min_auc = DEFAULT_MIN_AUC;
    std::vector<std::pair<double, double>> overlapping() const;
    std::string summary() const;                  // the table fix tml and the Python CLI print
    std::vector<std::string> warnings() const;    // one line per overlapping pair
  };

  // throws std::invalid_argument if k + 1 exceeds the training instances or
  // per_class == 0
  ModelCheck check_model(const Model &model, std::uint32_t k,
                         std::size_t per_class = DEFAULT_CHECK_PER_CLASS,
                         double min_auc = DEFAULT_MIN_AUC, unsigned nthreads = 1);

}    // namespace tml
}    // namespace AMORPH

#endif
