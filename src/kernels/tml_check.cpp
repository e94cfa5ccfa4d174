/* -------------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
   T_ML model check: leave-one-out T_ML per class, AUC of adjacent classes
------------------------------------------------------------------------- */

#include "tml_check.h"

#include "tml_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <stdexcept>
#include <thread>

namespace AMORPH {
namespace tml {

  double auc(const std::vector<double> &lower, const std::vector<double> &higher)
  {
    const std::size_t na = lower.size(), nb = higher.size();
    if (na == 0 || nb == 0) throw std::invalid_argument("T_ML auc: both classes need instances");
    // ranks of the pooled values, ties averaged (1-based)
    std::vector<std::pair<double, std::size_t>> all(na + nb);
    for (std::size_t i = 0; i < na; ++i) all[i] = {lower[i], i};
    for (std::size_t i = 0; i < nb; ++i) all[na + i] = {higher[i], na + i};
    std::stable_sort(all.begin(), all.end(), [](const auto &a, const auto &b) {
      return a.first < b.first;
    });
    double rank_sum_b = 0.0;
    for (std::size_t i = 0; i < all.size();) {
      std::size_t j = i;
      while (j + 1 < all.size() && all[j + 1].first == all[i].first) ++j;
      const double r = 0.5 * double(i + j) + 1.0;
      for (std::size_t m = i; m <= j; ++m)
        if (all[m].second >= na) rank_sum_b += r;
      i = j + 1;
    }
    const double u = rank_sum_b - double(nb) * double(nb + 1) / 2.0;
    return u / (double(na) * double(nb));
  }

  std::vector<std::pair<double, double>> ModelCheck::overlapping() const
  {
    std::vector<std::pair<double, double>> out;
    for (std::size_t i = 0; i < adjacent_auc.size(); ++i)
      if (adjacent_auc[i] < min_auc) out.emplace_back(classes[i].label, classes[i + 1].label);
    return out;
  }

  std::vector<std::string> ModelCheck::warnings() const
  {
    std::vector<std::string> out;
    char buf[256];
    for (std::size_t i = 0; i < adjacent_auc.size(); ++i)
      if (adjacent_auc[i] < min_auc) {
        std::snprintf(buf, sizeof buf,
                      "classes %g and %g overlap (leave-one-out AUC %.3f < %g): the model cannot "
                      "tell them apart at these lags",
                      classes[i].label, classes[i + 1].label, adjacent_auc[i], min_auc);
        out.emplace_back(buf);
      }
    return out;
  }

  std::string ModelCheck::summary() const
  {
    std::size_t total = 0, maxchk = 0;
    for (auto &c : classes) {
      total += c.count;
      maxchk = std::max(maxchk, c.checked);
    }
    std::string s;
    char buf[256];
    std::snprintf(
        buf, sizeof buf,
        "T_ML model check: %zu instances, k = %u, leave-one-out T_ML of up to %zu "
        "instances per class\n   class  instances  checked  mean T_ML  std T_ML  AUC to next\n",
        total, k, maxchk);
    s += buf;
    for (std::size_t i = 0; i < classes.size(); ++i) {
      const ClassCheck &c = classes[i];
      std::snprintf(buf, sizeof buf, "%8g %10zu %8zu %10.1f %9.1f", c.label, c.count, c.checked,
                    c.mean_predicted, c.std_predicted);
      s += buf;
      if (i < adjacent_auc.size()) {
        std::snprintf(buf, sizeof buf, " %11.3f", adjacent_auc[i]);
        s += buf;
      }
      s += "\n";
    }
    return s;
  }

  ModelCheck check_model(const Model &model, std::uint32_t k, std::size_t per_class, double min_auc,
                         unsigned nthreads)
  {
    const std::size_t n = model.size(), d = model.dim();
    if (per_class == 0) throw std::invalid_argument("T_ML model check: per_class must be > 0");
    if (k == 0 || std::size_t(k) + 1 > n)
      throw std::invalid_argument("T_ML model check: k + 1 = " + std::to_string(k + 1) +
                                  " exceeds the " + std::to_string(n) + " training instances");
    const std::vector<double> &y = model.labels();
    std::map<double, std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < n; ++i) members[y[i]].push_back(i);
    std::vector<std::size_t> queries;
    ModelCheck res;
    res.k = k;
    res.min_auc = min_auc;
    for (auto &kv : members) {
      ClassCheck c;
      c.label = kv.first;
      c.count = kv.second.size();
      const std::size_t s = (c.count + per_class - 1) / per_class;
      for (std::size_t m = 0; m < c.count; m += s) queries.push_back(kv.second[m]);
      c.checked = (c.count + s - 1) / s;
      res.classes.push_back(c);
    }

    // leave-one-out: the k+1 nearest, without the instance itself (or the farthest
    // if the instance is not among them: duplicates of it at distance 0)
    const KNNRegressor knn(model, k + 1);
    std::vector<double> pred(queries.size());
    const double *X = model.features().data();
    auto work = [&](std::size_t b, std::size_t e) {
      KNNRegressor::Workspace ws = knn.make_workspace();
      std::vector<std::uint32_t> idx(k + 1);
      std::vector<double> dist(k + 1);
      for (std::size_t q = b; q < e; ++q) {
        const std::size_t i = queries[q];
        knn.kneighbors(X + i * d, idx.data(), dist.data(), ws);
        double sum = 0.0;
        std::uint32_t used = 0;
        for (std::uint32_t r = 0; r < k + 1 && used < k; ++r) {
          if (idx[r] == i) continue;
          sum += y[idx[r]];
          ++used;
        }
        pred[q] = sum / used;
      }
    };
    nthreads = std::max(
        1u,
        std::min<unsigned>(nthreads, (unsigned) std::max<std::size_t>(1, queries.size() / 256)));
    if (nthreads == 1) {
      work(0, queries.size());
    } else {
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < nthreads; ++t)
        pool.emplace_back(work, queries.size() * t / nthreads, queries.size() * (t + 1) / nthreads);
      for (auto &th : pool) th.join();
    }

    // per class statistics (queries are grouped by class, ascending)
    std::vector<std::vector<double>> per(res.classes.size());
    std::size_t q = 0;
    for (std::size_t c = 0; c < res.classes.size(); ++c) {
      per[c].assign(pred.begin() + q, pred.begin() + q + res.classes[c].checked);
      q += res.classes[c].checked;
      double m = 0.0;
      for (double v : per[c]) m += v;
      m /= per[c].size();
      double v2 = 0.0;
      for (double v : per[c]) v2 += (v - m) * (v - m);
      res.classes[c].mean_predicted = m;
      res.classes[c].std_predicted = std::sqrt(v2 / per[c].size());
    }
    for (std::size_t c = 0; c + 1 < per.size(); ++c)
      res.adjacent_auc.push_back(auc(per[c], per[c + 1]));
    return res;
  }

}    // namespace tml
}    // namespace AMORPH
