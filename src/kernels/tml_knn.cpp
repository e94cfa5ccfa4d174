// AMORPH - LAMMPS plugin package, GPL-2.0
//
// tml_knn.cpp -- T_ML kernel: kNN regression on a nanoflann KD-tree, eq. (3).
// See tml_knn.h for the definition and its exactness.  The whole search (metric,
// result set, tree, queries) is in this one translation unit, so that the
// metric and the result set are inlined into nanoflann's search.  No LAMMPS,
// no MPI.

// Bitwise-reproducible kNN distances: no FMA contraction of s += t * t.  GCC
// contracts across statements by default in GNU mode (-std=gnu++17) when the
// target has FMA (e.g. -march=native); clang contracts within expressions.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "tml_knn.h"

#include "tml_detail.h"
#include "tml_model.h"

#include <nanoflann.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
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

  using detail::find_non_finite;
  using detail::finite_positive;
  using detail::fmt_double;

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
    // them.  addPoint() itself compares exactly.  Why 1e-9: several orders of
    // magnitude above that rounding (depth ~ 10-100), and small enough to admit
    // few extra points (compared exactly: only the time depends on it, never the
    // result); the ulp keeps the radius above a k-th distance of 0 (duplicates).
    constexpr double RADIUS_SLACK = 1.0e-9;

    struct TieKNNResultSet {
      using DistanceType = double;
      using IndexType = std::uint32_t;
      using CountType = std::size_t;

      double *dist;                 // k slots, ascending (dist2, idx)
      std::uint32_t *idx;           // original training indices
      std::uint32_t *pos;           // their tree positions
      const std::uint32_t *perm;    // tree position -> original index
      std::size_t k;
      std::size_t count = 0;
      double radius = std::numeric_limits<double>::max();

      TieKNNResultSet(double *dist_, std::uint32_t *idx_, std::uint32_t *pos_,
                      const std::uint32_t *perm_, std::size_t k_) :
          dist(dist_),
          idx(idx_), pos(pos_), perm(perm_), k(k_)
      {
      }
      std::size_t size() const { return count; }
      bool empty() const { return count == 0; }
      bool full() const { return count == k; }
      double worstDist() const { return radius; }
      void sort() {}

      // (d2, id) < (dist[j], idx[j])
      bool before(double d2, std::uint32_t id, std::size_t j) const
      {
        return d2 < dist[j] || (d2 == dist[j] && id < idx[j]);
      }
      bool addPoint(double d2, std::uint32_t p)
      {
        const std::uint32_t id = perm[p];
        // reject unless (d2, id) < (dist[k-1], idx[k-1]) (this also rejects the k-th itself)
        if (count == k && !before(d2, id, k - 1)) return true;
        // the place of (d2, id); a point offered twice (a seed of a warm start, then again by
        // the tree search, with the same distance) is kept once
        std::size_t j = count < k ? count : k - 1;
        while (j > 0 && before(d2, id, j - 1)) --j;
        if (j > 0 && idx[j - 1] == id) return true;
        std::size_t last = count < k ? count++ : k - 1;
        for (; last > j; --last) {
          dist[last] = dist[last - 1];
          idx[last] = idx[last - 1];
          pos[last] = pos[last - 1];
        }
        dist[j] = d2;
        idx[j] = id;
        pos[j] = p;
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

    // predict_batch: at least this many queries per thread, otherwise starting the
    // threads costs more than they save
    constexpr std::size_t MIN_QUERIES_PER_THREAD = 256;

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
    ws.pos_.resize(impl_->k);
    ws.seed_.resize(impl_->k);
    return ws;
  }

  namespace {
    // one query of d features must be finite (the error of search() and of a batch)
    void require_finite_query(const double *x, std::size_t d)
    {
      if (const auto bad = find_non_finite(nullptr, x, 1, d))
        throw std::invalid_argument("T_ML kNN: query " + bad->what() + " is not finite (" +
                                    fmt_double(bad->value) + ")");
    }
  }    // namespace

  void KNNRegressor::search(const double *x, Workspace &ws, bool warm) const
  {
    const Impl &m = *impl_;
    if (ws.z_.size() != m.d) ws.z_.resize(m.d);    // only on first use
    if (ws.dist_.size() != m.k || ws.pos_.size() != m.k) {
      ws.dist_.resize(m.k);
      ws.idx_.resize(m.k);
      ws.pos_.resize(m.k);
      ws.seed_.resize(m.k);
      warm = false;
    }
    require_finite_query(x, m.d);
    for (std::size_t j = 0; j < m.d; ++j) ws.z_[j] = (x[j] - m.mean[j]) / m.stdev[j];
    TieKNNResultSet rs(ws.dist_.data(), ws.idx_.data(), ws.pos_.data(), m.perm.data(), m.k);
    if (warm) {
      // the previous query's neighbours, with their exact distances to this query: the set is
      // full at once, so the tree search prunes with a near-final radius from its start
      std::copy(ws.pos_.begin(), ws.pos_.end(), ws.seed_.begin());
      for (const std::uint32_t p : ws.seed_)
        rs.addPoint(seq_dist2(ws.z_.data(), &m.zt[static_cast<std::size_t>(p) * m.d], m.d), p);
    }
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

  namespace {
    // Queries in an order in which neighbours in feature space follow each other (the leaf
    // order of a median-split tree over the queries), so that consecutive searches walk the
    // same parts of the training tree while they are in the cache.  Only the time depends
    // on the order: each query's answer is the same.
    constexpr std::size_t ORDER_LEAF = 16;
    void locality_order(const double *X, std::size_t d, std::uint32_t *first, std::uint32_t *last)
    {
      while (static_cast<std::size_t>(last - first) > ORDER_LEAF) {
        std::size_t split = 0;
        double widest = -1.0;
        for (std::size_t j = 0; j < d; ++j) {
          double lo = X[*first * d + j], hi = lo;
          for (const std::uint32_t *q = first; q != last; ++q) {
            lo = std::min(lo, X[*q * d + j]);
            hi = std::max(hi, X[*q * d + j]);
          }
          if (hi - lo > widest) {
            widest = hi - lo;
            split = j;
          }
        }
        std::uint32_t *mid = first + (last - first) / 2;
        std::nth_element(first, mid, last, [X, d, split](std::uint32_t a, std::uint32_t b) {
          return X[a * d + split] < X[b * d + split];
        });
        locality_order(X, d, first, mid);
        first = mid;
      }
    }
  }    // namespace

  void KNNRegressor::predict(const double *X, std::size_t nq, double *out, Workspace &ws) const
  {
    const std::size_t d = impl_->d;
    if (nq <= ORDER_LEAF) {
      for (std::size_t q = 0; q < nq; ++q) out[q] = predict(X + q * d, ws);
      return;
    }
    // a non-finite query is reported as in query order (the first one), before any search
    for (std::size_t q = 0; q < nq; ++q) require_finite_query(X + q * d, d);
    std::vector<std::uint32_t> &order = ws.order_;    // (grows only: no allocation when reused)
    order.resize(nq);
    for (std::size_t q = 0; q < nq; ++q) order[q] = static_cast<std::uint32_t>(q);
    locality_order(X, d, order.data(), order.data() + nq);
    for (std::size_t r = 0; r < nq; ++r) {
      const std::uint32_t q = order[r];
      search(X + static_cast<std::size_t>(q) * d, ws, r > 0);
      out[q] = mean_label(ws);
    }
  }

  void KNNRegressor::predict_batch(const double *X, std::size_t nq, double *out,
                                   unsigned nthreads) const
  {
    if (nthreads == 0) nthreads = std::max(1u, std::thread::hardware_concurrency());
    nthreads = static_cast<unsigned>(
        std::min<std::size_t>(nthreads, std::max<std::size_t>(1, nq / MIN_QUERIES_PER_THREAD)));
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
    if (const auto bad = find_non_finite(nullptr, x, 1, m.d))
      throw std::invalid_argument("T_ML kNN: query " + bad->what() + " is not finite");
    for (std::size_t j = 0; j < m.d; ++j) z[j] = (x[j] - m.mean[j]) / m.stdev[j];
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
