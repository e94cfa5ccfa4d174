// AMORPH - LAMMPS plugin package, GPL-2.0
//
// tml_knn.h -- T_ML kernel, part of tml_model.h (include that): k-nearest-
// neighbour (kNN) regression on a nanoflann KD-tree.  No LAMMPS, no MPI.
// Errors throw std::invalid_argument (bad arguments) or std::runtime_error.
//
// ---------------------------------------------------------------------------
// 3. kNN regression
//
//     dist2(q, i) = sum_{j=0}^{d-1} (zq_j - z_ij)^2   summed in order j = 0..d-1
//     N_k(q)      = the k training instances with the smallest (dist2, i),
//                   ordered lexicographically: at equal distance the lower
//                   training index i wins (deterministic tie-breaking)
//     T_ML(q)     = (1/k) sum_{r=1}^{k} label(N_k(q)_r)                 (3)
//                   the sum taken in (dist2, i) order, then divided by k
//
//   z are the features standardised with the model's mean and std (eq. (2),
//   tml_model.h).  The result is bitwise identical to a brute-force sort of all
//   n instances by (dist2, i) with the same arithmetic (see
//   predict_brute_force()); the KD-tree search uses a custom result set that
//   compares (dist2, i) and a pruning radius widened by a relative 1e-9 (plus
//   one ulp), so rounding in nanoflann's incremental box distances can never
//   prune a tied instance.
//   Exactness assumes IEEE double arithmetic without -ffast-math; tml_knn.cpp
//   (the distances) and tml_model.cpp (the standardisation) disable FMA
//   contraction (#pragma) so that s += t*t rounds twice, as in a plain
//   reference loop (a reference compiled with contraction, e.g. GCC
//   -std=gnu++17 -march=native, must disable it too).
//   Leaves of the tree are stored contiguously (training data permuted into
//   tree order), so larger leaves than usual are fastest: default 64.
// ---------------------------------------------------------------------------

#ifndef AMORPH_TML_KNN_H
#define AMORPH_TML_KNN_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace AMORPH {
namespace tml {

  class Model;    // tml_model.h

  constexpr std::size_t DEFAULT_LEAF_SIZE = 64;    // KD-tree leaf size (measured)

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
      std::vector<double> z_;               // standardised query
      std::vector<double> dist_;            // k squared distances, ascending
      std::vector<std::uint32_t> idx_;      // k training indices
      std::vector<std::uint32_t> order_;    // processing order of a batch of queries
      std::vector<std::uint32_t> pos_;      // tree positions of the k neighbours found
      std::vector<std::uint32_t> seed_;     // ... of the previous query (warm start)
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
    // nq queries (row-major nq x d) -> out[nq]; one workspace for all queries (no
    // allocation once it has served a batch of nq or more).  The queries are searched in an
    // order that keeps neighbouring queries together (faster: cache); the answers do not
    // depend on it, and a non-finite query is reported as the first one in query order.
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
    // warm: start from the neighbours of the previous query of ws (ws.seed_), which only
    // tightens the search radius early (the answer is the same)
    void search(const double *x, Workspace &ws, bool warm = false) const;
    double mean_label(const Workspace &ws) const;
    std::unique_ptr<Impl> impl_;
  };

}    // namespace tml
}    // namespace AMORPH

#endif
