// AMORPH - LAMMPS plugin package, GPL-2.0
//
// Unit tests for the T_ML kernel (features, feature files, model file, kNN).
// Reference values are derived independently in the tests: a brute-force kNN
// that sorts all training instances by (distance, index), a byte-level reader
// of the documented model layout with its own FNV-1a, and hand-computed
// means and standard deviations.

// Bitwise-reproducible kNN distances: no FMA contraction of s += t * t.  GCC
// contracts across statements by default in GNU mode (-std=gnu++17) when the
// target has FMA (e.g. -march=native); clang contracts within expressions.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "tml_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <new>
#include <random>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace AMORPH::tml;

// count heap allocations (to check that batch prediction does not allocate)
static std::size_t g_allocations = 0;
void *operator new(std::size_t n)
{
  ++g_allocations;
  if (void *p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void *operator new[](std::size_t n)
{
  return operator new(n);
}
// out of line, so that GCC's -Wmismatched-new-delete does not see free()
__attribute__((noinline)) static void release(void *p) noexcept
{
  std::free(p);
}
void operator delete(void *p) noexcept
{
  release(p);
}
void operator delete[](void *p) noexcept
{
  release(p);
}
void operator delete(void *p, std::size_t) noexcept
{
  release(p);
}
void operator delete[](void *p, std::size_t) noexcept
{
  release(p);
}

namespace {

// message of the exception of type E thrown by f; fails the test otherwise
template <class E> std::string thrown(const std::function<void()> &f)
{
  try {
    f();
  } catch (const E &e) {
    return e.what();
  } catch (const std::exception &e) {
    ADD_FAILURE() << "unexpected exception type: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no exception thrown";
  return "";
}

#define EXPECT_MSG(msg, sub) EXPECT_NE((msg).find(sub), std::string::npos) << "message: " << (msg)

// per-test temporary directory
class TmpDir {
 public:
  TmpDir()
  {
    char tmpl[] = "/tmp/amorph_tml_XXXXXX";
    const char *p = mkdtemp(tmpl);
    if (!p) throw std::runtime_error("mkdtemp failed");
    dir_ = p;
  }
  ~TmpDir()
  {
    for (const auto &f : files_) std::remove(f.c_str());
    rmdir(dir_.c_str());
  }
  std::string file(const std::string &name)
  {
    files_.push_back(dir_ + "/" + name);
    return files_.back();
  }

 private:
  std::string dir_;
  std::vector<std::string> files_;
};

std::vector<unsigned char> slurp(const std::string &path)
{
  std::ifstream in(path, std::ios::binary);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in),
                                    std::istreambuf_iterator<char>());
}
void spit(const std::string &path, const std::vector<unsigned char> &b)
{
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(b.data()), static_cast<std::streamsize>(b.size()));
}
void spit_text(const std::string &path, const std::string &s)
{
  std::ofstream out(path, std::ios::binary);
  out << s;
}

// independent FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3)
std::uint64_t ref_fnv(const unsigned char *p, std::size_t n)
{
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}
std::uint64_t rd_le(const std::vector<unsigned char> &b, std::size_t off, int nbytes)
{
  std::uint64_t v = 0;
  for (int i = nbytes - 1; i >= 0; --i) v = (v << 8) | b[off + static_cast<std::size_t>(i)];
  return v;
}
double rd_f64(const std::vector<unsigned char> &b, std::size_t off)
{
  const std::uint64_t v = rd_le(b, off, 8);
  double x;
  std::memcpy(&x, &v, 8);
  return x;
}
void wr_le(std::vector<unsigned char> &b, std::size_t off, std::uint64_t v, int nbytes)
{
  for (int i = 0; i < nbytes; ++i)
    b[off + static_cast<std::size_t>(i)] = static_cast<unsigned char>(v >> (8 * i));
}
// recompute the trailing checksum after a deliberate edit
void fix_checksum(std::vector<unsigned char> &b)
{
  wr_le(b, b.size() - 8, ref_fnv(b.data(), b.size() - 8), 8);
}

bool same_bits(const std::vector<double> &a, const std::vector<double> &b)
{
  return a.size() == b.size() &&
      (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}
bool same_bits(double a, double b)
{
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

Metadata make_meta(std::size_t d, const std::string &units = "metal")
{
  Metadata m;
  m.units = units;
  for (std::size_t j = 0; j < d; ++j) m.lags.push_back(0.2 * static_cast<double>(j + 1));
  return m;
}

// Reference kNN written independently of the kernel: standardise with the
// model's mean/std, z = (x - mean)/std; dist2 = sum_j (zq_j - zt_j)^2 summed in
// order j = 0..d-1; sort ALL instances by (dist2, index); mean of the first k
// labels summed in that order, divided by k.
struct BruteForce {
  const Model &model;
  std::vector<double> zt;
  explicit BruteForce(const Model &m) : model(m)
  {
    const std::size_t n = m.size(), d = m.dim();
    zt.resize(n * d);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < d; ++j)
        zt[i * d + j] = (m.features()[i * d + j] - m.mean()[j]) / m.stdev()[j];
  }
  std::vector<std::pair<double, std::uint32_t>> sorted(const double *x) const
  {
    const std::size_t n = model.size(), d = model.dim();
    std::vector<double> zq(d);
    for (std::size_t j = 0; j < d; ++j) zq[j] = (x[j] - model.mean()[j]) / model.stdev()[j];
    std::vector<std::pair<double, std::uint32_t>> all(n);
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0.0;
      for (std::size_t j = 0; j < d; ++j) {
        const double t = zq[j] - zt[i * d + j];
        s += t * t;
      }
      all[i] = {s, static_cast<std::uint32_t>(i)};
    }
    std::sort(all.begin(), all.end());    // lexicographic: distance, then index
    return all;
  }
  double predict(const double *x, std::size_t k) const
  {
    const auto all = sorted(x);
    double s = 0.0;
    for (std::size_t r = 0; r < k; ++r) s += model.labels()[all[r].second];
    return s / static_cast<double>(k);
  }
};

// compare tree kNN with the brute force on nq queries; returns the number of
// queries whose k-th and (k+1)-th distances are exactly tied
std::size_t compare_with_brute_force(const Model &model, const std::vector<double> &queries,
                                     std::size_t k, std::size_t leaf_size = DEFAULT_LEAF_SIZE)
{
  const std::size_t d = model.dim(), nq = queries.size() / d;
  KNNRegressor knn(model, static_cast<std::uint32_t>(k), leaf_size);
  BruteForce bf(model);
  auto ws = knn.make_workspace();
  std::vector<std::uint32_t> idx(k);
  std::vector<double> dist(k);
  std::size_t boundary_ties = 0, mismatches = 0;
  std::vector<double> batch(nq);
  knn.predict(queries.data(), nq, batch.data(), ws);
  for (std::size_t q = 0; q < nq; ++q) {
    const double *x = &queries[q * d];
    const auto ref = bf.sorted(x);
    if (k < ref.size() && ref[k - 1].first == ref[k].first) ++boundary_ties;
    knn.kneighbors(x, idx.data(), dist.data(), ws);
    for (std::size_t r = 0; r < k; ++r) {
      if (idx[r] != ref[r].second || !same_bits(dist[r], ref[r].first)) {
        ++mismatches;
        ADD_FAILURE() << "query " << q << " rank " << r << ": tree (" << idx[r] << ", " << dist[r]
                      << ") vs brute force (" << ref[r].second << ", " << ref[r].first << ")";
        break;
      }
    }
    const double expect = bf.predict(x, k);
    EXPECT_TRUE(same_bits(knn.predict(x, ws), expect)) << "query " << q;
    EXPECT_TRUE(same_bits(batch[q], expect)) << "query " << q;
    EXPECT_TRUE(same_bits(knn.predict_brute_force(x), expect)) << "query " << q;
    if (mismatches > 5) break;
  }
  EXPECT_EQ(mismatches, 0u);
  return boundary_ties;
}

}    // namespace

// ---------------------------------------------------------------------------
// feature helper, eq. (1)

TEST(TmlFeature, ExactValues)
{
  // log10(1000/10) = 2, log10(1/1) = 0, log10(5/500) = -2 (5/500 = 0.01 rounded)
  EXPECT_EQ(feature_value(1000.0, 10.0), 2.0);
  EXPECT_EQ(feature_value(1.0, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(feature_value(5.0, 500.0), -2.0);
  // log10(2) = 0.30102999566398119521...
  EXPECT_DOUBLE_EQ(feature_value(200.0, 100.0), 0.30102999566398119521);
  // log10(0.3/300) = log10(1e-3) = -3
  EXPECT_DOUBLE_EQ(feature_value(0.3, 300.0), -3.0);
  double dr2[3] = {1000.0, 1.0, 0.0}, f[3];
  compute_features(dr2, 3, 10.0, 1e-10, f);
  EXPECT_EQ(f[0], 2.0);
  EXPECT_EQ(f[1], -1.0);
  EXPECT_DOUBLE_EQ(f[2], -11.0);    // floor: log10(1e-10 / 10)
}

TEST(TmlFeature, FloorApplied)
{
  // dr2 = 0 -> floor 1e-10 (default): log10(1e-10/100) = -12
  EXPECT_DOUBLE_EQ(feature_value(0.0, 100.0), -12.0);
  EXPECT_EQ(DEFAULT_DR2_FLOOR, 1e-10);
  // below the floor -> floor; custom floor 1e-6: log10(1e-6/1) = -6
  EXPECT_DOUBLE_EQ(feature_value(1e-20, 1.0, 1e-6), -6.0);
  // above the floor -> unchanged
  EXPECT_EQ(feature_value(1e-5, 1.0, 1e-6), std::log10(1e-5));
}

TEST(TmlFeature, InvalidInputsThrow)
{
  EXPECT_MSG(thrown<std::invalid_argument>([] {
               feature_value(1.0, 0.0);
             }),
             "temperature");
  EXPECT_MSG(thrown<std::invalid_argument>([] {
               feature_value(1.0, -300.0);
             }),
             "temperature");
  EXPECT_MSG(thrown<std::invalid_argument>([] {
               feature_value(1.0, std::nan(""));
             }),
             "temperature");
  EXPECT_MSG(thrown<std::invalid_argument>([] {
               feature_value(-1.0, 300.0);
             }),
             "squared displacement");
  EXPECT_MSG(thrown<std::invalid_argument>([] {
               feature_value(1.0, 300.0, 0.0);
             }),
             "floor");
}

// ---------------------------------------------------------------------------
// standardisation, eq. (2)

TEST(TmlStandardisation, MatchesHandComputedPopulationStd)
{
  // column 1: {1,2,3,4}: mean 2.5, var = (2.25+0.25+0.25+2.25)/4 = 1.25 (ddof=0;
  //   ddof=1 would give 5/3)
  // column 2: {10,10,10,50}: mean 20, var = (3*100 + 900)/4 = 300
  // column 3: {-1,1,-1,1}: mean 0, std 1
  Metadata meta = make_meta(3);
  std::vector<double> X = {1, 10, -1, 2, 10, 1, 3, 10, -1, 4, 50, 1};
  Model m(meta, {100, 200, 300, 400}, X, 2);
  ASSERT_EQ(m.mean().size(), 3u);
  EXPECT_DOUBLE_EQ(m.mean()[0], 2.5);
  EXPECT_DOUBLE_EQ(m.mean()[1], 20.0);
  EXPECT_DOUBLE_EQ(m.mean()[2], 0.0);
  EXPECT_DOUBLE_EQ(m.stdev()[0], std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(m.stdev()[1], std::sqrt(300.0));
  EXPECT_DOUBLE_EQ(m.stdev()[2], 1.0);
  double z[3];
  const double x[3] = {4.0, 50.0, 3.0};
  m.standardise(x, z);
  EXPECT_DOUBLE_EQ(z[0], 1.5 / std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(z[1], 30.0 / std::sqrt(300.0));
  EXPECT_DOUBLE_EQ(z[2], 3.0);
}

TEST(TmlStandardisation, ConstantFeatureNamesIt)
{
  Metadata meta = make_meta(3);    // lags 0.2 0.4 0.6
  std::vector<double> X = {1, 7, 3, 2, 7, 4, 3, 7, 5};
  const std::string msg = thrown<std::invalid_argument>([&] {
    Model m(meta, {1, 2, 3}, X, 1);
  });
  EXPECT_MSG(msg, "feature 2");
  EXPECT_MSG(msg, "lag 0.4");
  EXPECT_MSG(msg, "zero standard deviation");
}

TEST(TmlStandardisation, LargeOffsetKeepsAccuracy)
{
  // values 1e8 + {0.1, 0.2, 0.3, 0.4}-ish: two-pass compensated sums
  std::vector<double> col = {1e8 + 1, 1e8 + 2, 1e8 + 3, 1e8 + 4};
  double mean, sd;
  compute_standardisation(col.data(), 4, 1, &mean, &sd);
  EXPECT_DOUBLE_EQ(mean, 1e8 + 2.5);
  EXPECT_DOUBLE_EQ(sd, std::sqrt(1.25));
}

// ---------------------------------------------------------------------------
// kNN, eq. (3)

TEST(TmlKNN, HandTieBreakLowerIndexWins)
{
  // 1-D, x = {1, -1, 1, -1, 3}: mean 0.6, every |x - 0.6| ... use a query at
  // the mean so that instances 0,2 (x=1) are tied and 1,3 (x=-1) are tied.
  Metadata meta = make_meta(1);
  std::vector<double> X = {1, -1, 1, -1, 0};
  std::vector<double> y = {10, 20, 30, 40, 50};
  Model m(meta, y, X, 1);
  // mean = 0, std = sqrt(4/5); query x = 0 -> nearest is instance 4 (dist 0),
  // then the four instances at |z| = 1/std, all tied: order 0, 1, 2, 3
  const double q = 0.0;
  for (std::uint32_t k = 1; k <= 5; ++k) {
    KNNRegressor knn(m, k);
    const double expect[6] = {0,
                              50,
                              (50 + 10) / 2.0,
                              (50 + 10 + 20) / 3.0,
                              (50 + 10 + 20 + 30) / 4.0,
                              (50 + 10 + 20 + 30 + 40) / 5.0};
    EXPECT_DOUBLE_EQ(knn.predict(&q), expect[k]) << "k = " << k;
  }
  KNNRegressor knn(m, 3);
  auto ws = knn.make_workspace();
  std::uint32_t idx[3];
  double dist[3];
  knn.kneighbors(&q, idx, dist, ws);
  EXPECT_EQ(idx[0], 4u);
  EXPECT_EQ(idx[1], 0u);
  EXPECT_EQ(idx[2], 1u);
  EXPECT_EQ(dist[1], dist[2]);
}

TEST(TmlKNN, SmallExhaustiveTiesAllK)
{
  // small data sets full of duplicates (distance 0 to the query) and ties;
  // every k from 1 to n and several leaf sizes against the brute force
  std::mt19937_64 rng(2024);
  for (int rep = 0; rep < 20; ++rep) {
    const std::size_t n = 12 + static_cast<std::size_t>(rep % 5),
                      d = 1 + static_cast<std::size_t>(rep % 3);
    std::vector<double> X(n * d), y(n), Q;
    for (auto &v : X) v = static_cast<double>(rng() % 3);
    for (std::size_t j = 0; j < d; ++j) {    // no constant feature
      X[j] = 0.0;
      X[d + j] = 2.0;
    }
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<double>(1 + i * i);
    for (std::size_t q = 0; q < 6; ++q)
      Q.insert(Q.end(), X.begin() + (q % n) * d, X.begin() + (q % n + 1) * d);
    Model m(make_meta(d), y, X, 1);
    for (std::size_t k = 1; k <= n; ++k)
      for (std::size_t leaf : {std::size_t(1), std::size_t(2), std::size_t(3), DEFAULT_LEAF_SIZE})
        compare_with_brute_force(m, Q, k, leaf);
  }
}

TEST(TmlKNN, MatchesBruteForceRandom)
{
  // n = 5000, d = 10, k = 50, continuous features with different scales
  const std::size_t n = 5000, d = 10, k = 50, nq = 400;
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> X(n * d), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = 100.0 + 1600.0 * std::uniform_real_distribution<double>(0, 1)(rng);
    for (std::size_t j = 0; j < d; ++j)
      X[i * d + j] = -2.0 + 0.3 * static_cast<double>(j) + (1.0 + static_cast<double>(j)) * g(rng);
  }
  Model m(make_meta(d), y, X, k);
  std::vector<double> Q(nq * d);
  for (std::size_t q = 0; q < nq; ++q)
    for (std::size_t j = 0; j < d; ++j)
      Q[q * d + j] = (q % 4 == 0)
          ? X[(q * 7 % n) * d + j]    // exact training points (distance 0)
          : -2.0 + 0.3 * static_cast<double>(j) + 1.5 * (1.0 + static_cast<double>(j)) * g(rng);
  compare_with_brute_force(m, Q, k);
  compare_with_brute_force(m, Q, k, 4);
}

TEST(TmlKNN, MatchesBruteForceWithManyTiesBinary)
{
  // features in {0,1}, each value exactly n/2 times per column: mean 0.5 and
  // std 0.5 exactly, z = +-1 exactly, dist2 = 4 * Hamming distance (exact), so
  // nearly every query has ties across the k-th neighbour; labels distinct so
  // a wrong tie-break changes the mean.
  const std::size_t n = 5000, d = 10, k = 50, nq = 300;
  std::mt19937_64 rng(777);
  std::vector<double> X(n * d), y(n);
  for (std::size_t j = 0; j < d; ++j) {
    std::vector<double> col(n);
    for (std::size_t i = 0; i < n; ++i) col[i] = (i < n / 2) ? 0.0 : 1.0;
    std::shuffle(col.begin(), col.end(), rng);
    for (std::size_t i = 0; i < n; ++i) X[i * d + j] = col[i];
  }
  for (std::size_t i = 0; i < n; ++i) y[i] = 100.0 + static_cast<double>(i) * 0.37;
  Model m(make_meta(d), y, X, k);
  EXPECT_EQ(m.mean()[3], 0.5);
  EXPECT_EQ(m.stdev()[3], 0.5);
  std::vector<double> Q(nq * d);
  for (auto &v : Q) v = static_cast<double>(rng() % 2);
  // default leaf size and a deep tree (leaf size 2: many pruning decisions)
  for (std::size_t leaf : {DEFAULT_LEAF_SIZE, std::size_t(2)}) {
    const std::size_t ties = compare_with_brute_force(m, Q, k, leaf);
    EXPECT_GT(ties, nq * 9 / 10) << "test data should have ties at the k-th neighbour";
  }
}

TEST(TmlKNN, MatchesBruteForceWithManyTiesSmallIntegers)
{
  // unbalanced small integers {0,1} / {0,1,2}: many exact duplicates and equal distances
  const std::size_t n = 5000, d = 10, k = 50, nq = 300;
  std::mt19937_64 rng(4242);
  std::vector<double> X(n * d), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = std::sin(static_cast<double>(i)) * 500.0 + 700.0;
    for (std::size_t j = 0; j < d; ++j) X[i * d + j] = static_cast<double>(rng() % (j < 5 ? 2 : 3));
  }
  Model m(make_meta(d), y, X, k);
  std::vector<double> Q(nq * d);
  for (std::size_t q = 0; q < nq; ++q)
    for (std::size_t j = 0; j < d; ++j) Q[q * d + j] = static_cast<double>(rng() % 4);
  for (std::size_t leaf : {DEFAULT_LEAF_SIZE, std::size_t(3)}) {
    const std::size_t ties = compare_with_brute_force(m, Q, k, leaf);
    EXPECT_GT(ties, nq / 4) << "test data should have ties at the k-th neighbour";
  }
}

TEST(TmlKNN, BatchThreadsAndLeafSizesAgree)
{
  const std::size_t n = 3000, d = 4, nq = 2000;
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<int> u(0, 5);
  std::vector<double> X(n * d), y(n), Q(nq * d);
  for (auto &v : X) v = u(rng);
  for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<double>(i % 97);
  for (auto &v : Q) v = u(rng) + 0.5 * (u(rng) % 2);
  Model m(make_meta(d), y, X, 20);
  KNNRegressor a(m), b(m, 20, 1), c(m, 20, 64);
  std::vector<double> ra(nq), rb(nq), rc(nq), rt(nq);
  auto ws = a.make_workspace();
  a.predict(Q.data(), nq, ra.data(), ws);
  b.predict_batch(Q.data(), nq, rb.data(), 1);
  c.predict_batch(Q.data(), nq, rc.data(), 1);
  a.predict_batch(Q.data(), nq, rt.data(), 3);
  EXPECT_TRUE(same_bits(ra, rb));
  EXPECT_TRUE(same_bits(ra, rc));
  EXPECT_TRUE(same_bits(ra, rt));
}

TEST(TmlKNN, BatchPredictDoesNotAllocate)
{
  const std::size_t n = 2000, d = 10, nq = 500;
  std::mt19937_64 rng(8);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> X(n * d), y(n), Q(nq * d), out(nq);
  for (auto &v : X) v = g(rng);
  for (auto &v : y) v = g(rng);
  for (auto &v : Q) v = g(rng);
  Model m(make_meta(d), y, X, 50);
  KNNRegressor knn(m);
  auto ws = knn.make_workspace();
  knn.predict(Q.data(), nq, out.data(), ws);    // warm-up: sizes the workspace
  const std::size_t before = g_allocations;
  knn.predict(Q.data(), nq, out.data(), ws);
  for (std::size_t q = 0; q < nq; ++q) out[q] = knn.predict(Q.data() + q * d, ws);
  EXPECT_EQ(g_allocations, before) << "heap allocations during batch prediction";
}

TEST(TmlKNN, HighDimensionFallback)
{
  // d = 40 > fixed-dimension limit: dynamic nanoflann path
  const std::size_t n = 800, d = 40, k = 7;
  std::mt19937_64 rng(5);
  std::vector<double> X(n * d), y(n), Q(20 * d);
  for (auto &v : X) v = static_cast<double>(rng() % 3);
  for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<double>(i);
  for (auto &v : Q) v = static_cast<double>(rng() % 3);
  Model m(make_meta(d), y, X, k);
  compare_with_brute_force(m, Q, k);
}

TEST(TmlKNN, ErrorsForBadKAndQueries)
{
  Metadata meta = make_meta(2);
  Model m(meta, {1, 2, 3, 4, 5}, {0, 1, 1, 0, 2, 2, 3, 1, 4, 0}, 3);
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               KNNRegressor knn(m, 6);
             }),
             "k = 6 exceeds the number of 5");
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               KNNRegressor knn(m, 0);
             }),
             "k must be >= 1");
  KNNRegressor knn(m);
  EXPECT_EQ(knn.k(), 3u);
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               knn.predict(std::vector<double>{1.0});
             }),
             "query has 1 features");
  const double bad[2] = {0.0, std::numeric_limits<double>::infinity()};
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               knn.predict(bad);
             }),
             "feature 2 is not finite");
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               Model mm(meta, {1, 2}, {0, 1, 1, 0}, 3);
             }),
             "k = 3 exceeds the number of 2");
}

TEST(TmlKNN, RegressorOutlivesModel)
{
  std::unique_ptr<KNNRegressor> knn;
  double q[2] = {0.1, 0.2};
  double expect;
  {
    Model m(make_meta(2), {1, 2, 3, 4}, {0, 0, 1, 0, 0, 1, 1, 1}, 2);
    knn.reset(new KNNRegressor(m));
    expect = BruteForce(m).predict(q, 2);
  }
  EXPECT_EQ(knn->predict(q), expect);
}

// ---------------------------------------------------------------------------
// model file

namespace {
Model random_model(std::size_t n, std::size_t d, std::uint32_t k, unsigned seed,
                   const std::string &units = "metal")
{
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> X(n * d), y(n);
  for (auto &v : X) v = g(rng) * 3.0 - 1.0;
  for (auto &v : y) v = 100.0 + 1000.0 * std::fabs(g(rng));
  Metadata meta = make_meta(d, units);
  meta.dr2_floor = 2.5e-9;
  return Model(meta, y, X, k);
}
}    // namespace

TEST(TmlModelFile, RoundTripBitwise)
{
  TmpDir tmp;
  const std::string path = tmp.file("model.bin");
  Model m = random_model(700, 6, 25, 1);
  m.save(path);
  Model l = Model::load(path);
  EXPECT_EQ(l.units(), "metal");
  EXPECT_EQ(l.dim(), 6u);
  EXPECT_EQ(l.size(), 700u);
  EXPECT_EQ(l.k_default(), 25u);
  EXPECT_TRUE(same_bits(l.dr2_floor(), 2.5e-9));
  EXPECT_TRUE(same_bits(l.lags(), m.lags()));
  EXPECT_TRUE(same_bits(l.mean(), m.mean()));
  EXPECT_TRUE(same_bits(l.stdev(), m.stdev()));
  EXPECT_TRUE(same_bits(l.labels(), m.labels()));
  EXPECT_TRUE(same_bits(l.features(), m.features()));
  EXPECT_EQ(l.source(), path);
  // saving the loaded model reproduces the file byte for byte
  const std::string path2 = tmp.file("model2.bin");
  l.save(path2);
  EXPECT_EQ(slurp(path), slurp(path2));
  // predictions identical
  KNNRegressor a(m), b(l);
  std::vector<double> q(6, 0.3);
  EXPECT_TRUE(same_bits(a.predict(q), b.predict(q)));
}

TEST(TmlModelFile, LayoutMatchesDocumentation)
{
  // independent byte-level reader of the documented little-endian layout
  const std::size_t n = 9, d = 3;
  Model m = random_model(n, d, 4, 2, "real");
  const std::vector<unsigned char> b = m.to_bytes();
  ASSERT_EQ(b.size(), 48 + 24 * d + 4 + 8 + 4 + 4 + 8 * n + 8 * n * d + 8);
  EXPECT_EQ(Model::file_size(d, n), b.size());
  EXPECT_EQ(Model::file_size(d, n, 1), b.size() - 8);
  EXPECT_EQ(std::memcmp(b.data(), "AMORPHTMLMODEL\0\0", 16), 0);
  EXPECT_EQ(rd_le(b, 16, 4), 2u);
  EXPECT_EQ(rd_le(b, 20, 4), d);
  EXPECT_EQ(rd_le(b, 24, 8), n);
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(&b[32])), "real");
  for (std::size_t i = 32 + 4; i < 48; ++i) EXPECT_EQ(b[i], 0) << i;
  std::size_t off = 48;
  for (std::size_t j = 0; j < d; ++j, off += 8) EXPECT_TRUE(same_bits(rd_f64(b, off), m.lags()[j]));
  for (std::size_t j = 0; j < d; ++j, off += 8) EXPECT_TRUE(same_bits(rd_f64(b, off), m.mean()[j]));
  for (std::size_t j = 0; j < d; ++j, off += 8)
    EXPECT_TRUE(same_bits(rd_f64(b, off), m.stdev()[j]));
  EXPECT_EQ(rd_le(b, off, 4), 4u);
  off += 4;
  EXPECT_EQ(rd_f64(b, off), 2.5e-9);
  off += 8;
  EXPECT_EQ(rd_le(b, off, 4), 0xffffffffu);    // affine -1 (unknown) as int32
  off += 4;
  EXPECT_EQ(rd_le(b, off, 4), 0u);    // origins not recorded
  off += 4;
  for (std::size_t i = 0; i < n; ++i, off += 8)
    EXPECT_TRUE(same_bits(rd_f64(b, off), m.labels()[i]));
  for (std::size_t i = 0; i < n * d; ++i, off += 8)
    EXPECT_TRUE(same_bits(rd_f64(b, off), m.features()[i]));
  EXPECT_EQ(off, b.size() - 8);
  EXPECT_EQ(rd_le(b, off, 8), ref_fnv(b.data(), b.size() - 8));
  EXPECT_EQ(fnv1a64(reinterpret_cast<const unsigned char *>("a"), 1),
            0xaf63dc4c8601ec8cULL);    // FNV test vector
}

TEST(TmlModelFile, TruncatedFileThrows)
{
  TmpDir tmp;
  const std::string path = tmp.file("model.bin"), cut = tmp.file("cut.bin");
  Model m = random_model(50, 4, 5, 3);
  m.save(path);
  const std::vector<unsigned char> b = slurp(path);
  for (std::size_t len : {std::size_t(0), std::size_t(10), std::size_t(40), std::size_t(100),
                          b.size() - 9, b.size() - 1}) {
    spit(cut, std::vector<unsigned char>(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(len)));
    const std::string msg = thrown<std::runtime_error>([&] {
      Model::load(cut);
    });
    EXPECT_MSG(msg, "truncated");
    EXPECT_MSG(msg, cut);
  }
  std::vector<unsigned char> longer = b;
  longer.push_back(0);
  spit(cut, longer);
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               Model::load(cut);
             }),
             "trailing bytes");
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               Model::load(tmp.file("missing.bin"));
             }),
             "cannot open");
}

TEST(TmlModelFile, FlippedByteFailsChecksum)
{
  TmpDir tmp;
  const std::string path = tmp.file("model.bin"), bad = tmp.file("bad.bin");
  Model m = random_model(50, 4, 5, 4);
  m.save(path);
  const std::vector<unsigned char> b = slurp(path);
  // a byte in the lags, mean, labels, features, and the checksum itself
  for (std::size_t pos : {std::size_t(50), std::size_t(48 + 8 * 4 + 3),
                          std::size_t(48 + 24 * 4 + 12 + 17), b.size() - 100, b.size() - 3}) {
    std::vector<unsigned char> c = b;
    c[pos] ^= 0x10;
    spit(bad, c);
    EXPECT_MSG(thrown<std::runtime_error>([&] {
                 Model::load(bad);
               }),
               "checksum mismatch")
        << "byte " << pos;
  }
}

TEST(TmlModelFile, WrongMagicAndVersion)
{
  TmpDir tmp;
  const std::string bad = tmp.file("bad.bin");
  Model m = random_model(20, 2, 5, 5);
  std::vector<unsigned char> b = m.to_bytes();
  std::vector<unsigned char> c = b;
  c[3] = 'X';
  fix_checksum(c);
  spit(bad, c);
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               Model::load(bad);
             }),
             "bad magic");
  spit_text(bad, "# AMORPH-TML-FEATURES 1\n# units metal\n");
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               Model::load(bad);
             }),
             "bad magic");
  for (std::uint32_t v : {0u, 3u}) {
    c = b;
    wr_le(c, 16, v, 4);
    fix_checksum(c);
    spit(bad, c);
    const std::string msg = thrown<std::runtime_error>([&] {
      Model::load(bad);
    });
    EXPECT_MSG(msg, "unsupported model format version " + std::to_string(v));
    EXPECT_MSG(msg, "reads versions 1 to 2");
  }
}

TEST(TmlModelFile, InvalidContentsWithValidChecksum)
{
  Model m = random_model(20, 2, 5, 6);
  const std::vector<unsigned char> b = m.to_bytes();
  const std::size_t d = 2, off_std = 48 + 16 * d, off_k = 48 + 24 * d, off_affine = off_k + 12,
                    off_labels = off_k + 20;
  auto load_bytes = [](const std::vector<unsigned char> &c) {
    Model::from_bytes(c.data(), c.size(), "crafted");
  };
  std::vector<unsigned char> c = b;
  wr_le(c, off_k, 21, 4);    // k default > n
  fix_checksum(c);
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               load_bytes(c);
             }),
             "default k = 21");
  c = b;
  const double nan = std::nan("");
  std::uint64_t bits;
  std::memcpy(&bits, &nan, 8);
  wr_le(c, off_labels + 8 * 3, bits, 8);
  fix_checksum(c);
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               load_bytes(c);
             }),
             "non-finite label of training instance 4");
  c = b;
  wr_le(c, off_std + 8, 0, 8);    // std of feature 2 = 0
  fix_checksum(c);
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               load_bytes(c);
             }),
             "standard deviation of feature 2");
  c = b;
  c[32] = ' ';    // units " etal"
  fix_checksum(c);
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               load_bytes(c);
             }),
             "unit style");
  for (std::uint32_t a : {7u, 2u, 0xfffffffeu}) {    // affine 7, 2, -2
    c = b;
    wr_le(c, off_affine, a, 4);
    fix_checksum(c);
    const std::string msg = thrown<std::runtime_error>([&] {
      load_bytes(c);
    });
    EXPECT_MSG(msg, "crafted");
    EXPECT_MSG(msg, "affine setting " + std::to_string(static_cast<std::int32_t>(a)));
  }
}

TEST(TmlModelFile, CompatibilityChecks)
{
  TmpDir tmp;
  const std::string path = tmp.file("model.bin");
  random_model(30, 3, 5, 7).save(path);
  Model m = Model::load(path);    // lags 0.2 0.4 0.6 (computed as 0.2*(j+1))
  const std::vector<double> lags = m.lags();
  EXPECT_NO_THROW(m.check_compatible(lags, "metal"));
  EXPECT_NO_THROW(m.check_compatible({0.2, 0.4, 0.6}, "metal"));    // within rel tol 1e-6
  std::string msg = thrown<std::runtime_error>([&] {
    m.check_compatible({0.2, 0.5, 0.6}, "metal");
  });
  EXPECT_MSG(msg, "lag mismatch");
  EXPECT_MSG(msg, "[0.2 0.5 0.6]");
  EXPECT_MSG(msg, "[0.2 0.4 0.6");    // model's lags (0.6000000000000001)
  EXPECT_MSG(msg, path);
  msg = thrown<std::runtime_error>([&] {
    m.check_compatible({0.2, 0.4}, "metal");
  });
  EXPECT_MSG(msg, "3 lags");
  EXPECT_MSG(msg, "2 lags");
  msg = thrown<std::runtime_error>([&] {
    m.check_compatible(lags, "real");
  });
  EXPECT_MSG(msg, "unit style mismatch");
  EXPECT_MSG(msg, "'metal'");
  EXPECT_MSG(msg, "'real'");
}

// ---------------------------------------------------------------------------
// feature files

namespace {
FeatureSet random_features(std::size_t n, std::size_t d, unsigned seed)
{
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  FeatureSet s;
  s.meta = make_meta(d);
  s.meta.lags[0] = 0.123456789012345678;
  s.meta.dr2_floor = 3e-11;
  std::vector<double> f(d);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < d; ++j)
      f[j] = g(rng) * std::pow(10.0, static_cast<double>(j % 5) * 30.0 - 60.0);
    s.add_row(100.0 * static_cast<double>(i % 7) + 1.0 / 3.0, f.data());
  }
  return s;
}
}    // namespace

TEST(TmlFeatureFile, TextRoundTripBitwise)
{
  TmpDir tmp;
  const std::string path = tmp.file("f.txt");
  FeatureSet s = random_features(300, 5, 11);
  {
    FeatureWriter w(path, s.meta, FeatureFormat::Text);
    for (std::size_t i = 0; i < s.size(); ++i) w.write(s.labels[i], &s.features[i * 5]);
    EXPECT_EQ(w.rows(), 300u);
  }    // destructor closes
  const std::vector<unsigned char> raw = slurp(path);
  const std::string text(raw.begin(), raw.end());
  EXPECT_EQ(text.rfind("# AMORPH-TML-FEATURES 2\n", 0), 0u);
  EXPECT_EQ(text.find("# affine"), std::string::npos);    // unknown: not written
  EXPECT_EQ(text.find("# origins"), std::string::npos);
  EXPECT_NE(text.find("# units metal\n"), std::string::npos);
  EXPECT_NE(text.find("# lags 0.12345678901234568 0.4 0.6000000000000001 0.8 1\n"),
            std::string::npos);
  for (FeatureFormat f : {FeatureFormat::Text, FeatureFormat::Auto}) {
    FeatureSet r = read_features(path, f);
    EXPECT_EQ(r.meta.units, "metal");
    EXPECT_TRUE(same_bits(r.meta.lags, s.meta.lags));
    EXPECT_TRUE(same_bits(r.meta.dr2_floor, 3e-11));
    EXPECT_TRUE(same_bits(r.labels, s.labels));
    EXPECT_TRUE(same_bits(r.features, s.features));
  }
}

TEST(TmlFeatureFile, BinaryRoundTripAndAutoDetect)
{
  TmpDir tmp;
  const std::string path = tmp.file("f.bin");
  FeatureSet s = random_features(257, 3, 12);
  write_features(path, s, FeatureFormat::Binary);
  const std::vector<unsigned char> b = slurp(path);
  ASSERT_EQ(b.size(), 64 + 8 * 3 + 257 * 4 * 8 + 8);
  EXPECT_EQ(rd_le(b, 16, 4), 2u);
  EXPECT_EQ(std::memcmp(b.data(), "AMORPHTMLFEAT\0\0\0", 16), 0);
  EXPECT_EQ(rd_le(b, 24, 8), 257u);
  EXPECT_EQ(rd_le(b, b.size() - 8, 8), ref_fnv(b.data(), b.size() - 8));
  FeatureSet r = read_features(path);    // auto
  EXPECT_EQ(r.meta.units, "metal");
  EXPECT_TRUE(same_bits(r.meta.lags, s.meta.lags));
  EXPECT_TRUE(same_bits(r.labels, s.labels));
  EXPECT_TRUE(same_bits(r.features, s.features));
  // corrupt / truncated
  const std::string bad = tmp.file("bad.bin");
  std::vector<unsigned char> c = b;
  c[200] ^= 1;
  spit(bad, c);
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               read_features(bad);
             }),
             "checksum mismatch");
  spit(bad, std::vector<unsigned char>(b.begin(), b.end() - 20));
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               read_features(bad);
             }),
             "truncated");
  // an empty feature file (no rows) is valid
  const std::string empty = tmp.file("empty.bin");
  {
    FeatureWriter w(empty, s.meta, FeatureFormat::Binary);
  }
  EXPECT_EQ(read_features(empty).size(), 0u);
}

TEST(TmlFeatureFile, MalformedTextReportsLineNumbers)
{
  TmpDir tmp;
  const std::string path = tmp.file("bad.txt");
  const std::string head = "# AMORPH-TML-FEATURES 1\n# units metal\n# lags 0.2 0.5\n# a comment\n";
  struct Case {
    std::string text, sub1, sub2;
  };
  const std::vector<Case> cases = {
      {head + "300 1 2\n300 1\n", ":6:", "expected 3 columns"},
      {std::string("\x89\x01garbage\x02\n", 11),
       ":1:", "not a text T_ML feature file (binary data"},
      {head + "300 1 2\x7f\n", ":5:", "binary data"},
      {head + "300 1 2\n\n300 1 2 4\n", ":7:", "found 4"},
      {head + "300 1 2\n300 abc 2\n", ":6:", "column 2: invalid number 'abc'"},
      {head + "300 1 2\n300 1 2x\n", ":6:", "invalid number '2x'"},
      {head + "300 nan 2\n", ":5:", "non-finite"},
      {head + "inf 1 2\n", ":5:", "non-finite"},
      {head + "300 1 2\n# units real\n", ":6:", "after data rows"},
      {"# units metal\n", ":1:", "AMORPH-TML-FEATURES"},
      {"300 1 2\n", ":1:", "AMORPH-TML-FEATURES"},
      {"# AMORPH-TML-FEATURES 3\n", ":1:", "unsupported feature file version 3"},
      {"# AMORPH-TML-FEATURES 0\n", ":1:", "reads versions 1 to 2"},
      {"# AMORPH-TML-FEATURES 2\n# units metal\n# affine none\n",
       ":3:", "'affine' expects 'remove' or 'keep'"},
      {"# AMORPH-TML-FEATURES 2\n# units metal\n# affine\n", ":3:", "'affine' expects"},
      {"# AMORPH-TML-FEATURES 2\n# affine keep remove\n", ":2:", "'affine' expects"},
      {"# AMORPH-TML-FEATURES 2\n# affine keep\n# affine keep\n",
       ":3:", "duplicate header keyword 'affine'"},
      {"# AMORPH-TML-FEATURES 2\n# origins 0\n", ":2:", "'origins' expects one integer between 1"},
      {"# AMORPH-TML-FEATURES 2\n# origins -3\n", ":2:", "'origins' expects"},
      {"# AMORPH-TML-FEATURES 2\n# origins 2.5\n", ":2:", "'origins' expects"},
      {"# AMORPH-TML-FEATURES 2\n# origins 4294967296\n", ":2:", "'origins' expects"},
      {"# AMORPH-TML-FEATURES 2\n# origins 2 3\n", ":2:", "'origins' expects"},
      {"# AMORPH-TML-FEATURES 2\n# origins 2\n# lags 1\n# units metal\n1 2\n# origins 3\n",
       ":6:", "after data rows"},
      {"# AMORPH-TML-FEATURES 1\n# lags 0.2\n1 2\n", ":3:", "'# units'"},
      {"# AMORPH-TML-FEATURES 1\n# units metal\n1 2\n", ":3:", "'# lags'"},
      {"# AMORPH-TML-FEATURES 1\n# units metal\n# lags 0.2 -1\n",
       ":3:", "lag 2 must be finite and > 0"},
      {"# AMORPH-TML-FEATURES 1\n# units metal\n# units real\n",
       ":3:", "duplicate header keyword 'units'"},
      {"# AMORPH-TML-FEATURES 1\n# units metal\n# lags 1 2\n# nfeatures 3\n", "nfeatures 3",
       "2 lags"},
      {"", "empty file", "AMORPH-TML-FEATURES"},
  };
  for (const auto &c : cases) {
    spit_text(path, c.text);
    const std::string msg = thrown<std::runtime_error>([&] {
      read_features(path);
    });
    EXPECT_MSG(msg, c.sub1) << "input:\n" << c.text;
    EXPECT_MSG(msg, c.sub2) << "input:\n" << c.text;
  }
  // tolerated: CRLF, tabs, '+' signs, comments between rows, "#key" spelling
  spit_text(path,
            "# AMORPH-TML-FEATURES 1\r\n#units metal\r\n# lags\t0.2 0.5\r\n\r\n+300\t1e-3 -2\r\n# "
            "c\n1 2 3\n");
  FeatureSet r = read_features(path);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.labels[0], 300.0);
  EXPECT_EQ(r.features[0], 1e-3);
  EXPECT_EQ(r.features[3], 3.0);
}

TEST(TmlFeatureFile, WriterRejectsNonFinite)
{
  TmpDir tmp;
  FeatureWriter w(tmp.file("w.txt"), make_meta(2));
  const double f[2] = {1.0, std::nan("")};
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               w.write(300.0, f);
             }),
             "feature 2 is not finite");
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               w.write(300.0, std::vector<double>{1.0});
             }),
             "expected 2");
  Metadata bad = make_meta(2, "metal units");
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               FeatureWriter w2(tmp.file("w2.txt"), bad);
             }),
             "blanks");
}

// ---------------------------------------------------------------------------
// builder

TEST(TmlBuilder, FromMultipleFiles)
{
  TmpDir tmp;
  const std::string f1 = tmp.file("a.txt"), f2 = tmp.file("b.bin"), out = tmp.file("model.bin");
  FeatureSet a = random_features(40, 3, 21), b = random_features(25, 3, 22);
  write_features(f1, a, FeatureFormat::Text);
  write_features(f2, b, FeatureFormat::Binary);
  Model m = build_model_file({f1, f2}, out, 10);
  ASSERT_EQ(m.size(), 65u);
  EXPECT_EQ(m.k_default(), 10u);
  EXPECT_TRUE(same_bits(m.dr2_floor(), 3e-11));
  // training order: file order, then row order
  std::vector<double> labels = a.labels, feats = a.features;
  labels.insert(labels.end(), b.labels.begin(), b.labels.end());
  feats.insert(feats.end(), b.features.begin(), b.features.end());
  EXPECT_TRUE(same_bits(m.labels(), labels));
  EXPECT_TRUE(same_bits(m.features(), feats));
  // mean of feature 1 by hand (sum in long double, loose tolerance)
  long double s = 0;
  for (std::size_t i = 0; i < 65; ++i) s += feats[i * 3];
  EXPECT_NEAR(m.mean()[0], static_cast<double>(s / 65),
              1e-12 * std::fabs(static_cast<double>(s / 65)) + 1e-300);
  Model l = Model::load(out);
  EXPECT_TRUE(same_bits(l.features(), feats));
  // incompatible files
  FeatureSet c = random_features(10, 3, 23);
  c.meta.lags[2] = 9.0;
  const std::string f3 = tmp.file("c.txt");
  write_features(f3, c);
  const std::string msg = thrown<std::invalid_argument>([&] {
    build_model({f1, f3});
  });
  EXPECT_MSG(msg, f3);
  EXPECT_MSG(msg, f1);
  EXPECT_MSG(msg, "9]");
  // no instances / no files
  const std::string e = tmp.file("empty.txt");
  {
    FeatureWriter w(e, a.meta);
  }
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               build_model({e});
             }),
             "no training instances");
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               build_model({});
             }),
             "no feature files");
}

// ---------------------------------------------------------------------------
// format version 2: affine setting and number of time origins

namespace {
struct Recording {
  int affine;
  std::uint32_t origins;
};
const std::vector<Recording> RECORDINGS = {{AFFINE_UNKNOWN, 0},
                                           {AFFINE_KEEP, 1},
                                           {AFFINE_REMOVE, 7},
                                           {AFFINE_KEEP, 0},
                                           {AFFINE_UNKNOWN, 4294967295u}};

void put_bytes(std::vector<unsigned char> &b, const void *p, std::size_t n)
{
  const unsigned char *c = static_cast<const unsigned char *>(p);
  b.insert(b.end(), c, c + n);
}
void put_le(std::vector<unsigned char> &b, std::uint64_t v, int nbytes)
{
  for (int i = 0; i < nbytes; ++i) b.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
void put_dbl(std::vector<unsigned char> &b, double x)
{
  std::uint64_t v;
  std::memcpy(&v, &x, 8);
  put_le(b, v, 8);
}
void put_units16(std::vector<unsigned char> &b, const std::string &u)
{
  std::string s = u;
  s.resize(16, '\0');
  put_bytes(b, s.data(), 16);
}
}    // namespace

TEST(TmlRecording, TextRoundTripEachSetting)
{
  TmpDir tmp;
  const std::string path = tmp.file("f.txt");
  for (const Recording &r : RECORDINGS) {
    FeatureSet s = random_features(20, 3, 31);
    s.meta.affine = r.affine;
    s.meta.origins = r.origins;
    write_features(path, s, FeatureFormat::Text);
    const std::vector<unsigned char> raw = slurp(path);
    const std::string text(raw.begin(), raw.end());
    EXPECT_EQ(text.rfind("# AMORPH-TML-FEATURES 2\n", 0), 0u);
    const char *want_affine = r.affine == AFFINE_KEEP ? "\n# affine keep\n" : "\n# affine remove\n";
    EXPECT_EQ(text.find("# affine") != std::string::npos, r.affine != AFFINE_UNKNOWN)
        << text.substr(0, 200);
    if (r.affine != AFFINE_UNKNOWN) { EXPECT_NE(text.find(want_affine), std::string::npos); }
    EXPECT_EQ(text.find("# origins") != std::string::npos, r.origins != 0);
    if (r.origins) {
      EXPECT_NE(text.find("\n# origins " + std::to_string(r.origins) + "\n"), std::string::npos);
    }
    // the new header lines come after dr2_floor and before the columns line
    if (r.affine != AFFINE_UNKNOWN) { EXPECT_LT(text.find("# dr2_floor"), text.find("# affine")); }
    if (r.origins) { EXPECT_LT(text.find("# origins"), text.find("# columns")); }
    FeatureSet back = read_features(path);
    EXPECT_EQ(back.meta.affine, r.affine);
    EXPECT_EQ(back.meta.origins, r.origins);
    EXPECT_TRUE(same_bits(back.features, s.features));
    EXPECT_TRUE(same_bits(back.labels, s.labels));
  }
  // hand-written version-2 text with both lines (and '#key' spelling)
  spit_text(
      path,
      "# AMORPH-TML-FEATURES 2\n# units metal\n#affine keep\n# origins 12\n# lags 1 2\n300 1 2\n");
  FeatureSet h = read_features(path);
  EXPECT_EQ(h.meta.affine, AFFINE_KEEP);
  EXPECT_EQ(h.meta.origins, 12u);
}

TEST(TmlRecording, BinaryRoundTripAndLayout)
{
  TmpDir tmp;
  const std::string path = tmp.file("f.bin");
  const std::size_t n = 11, d = 3;
  for (const Recording &r : RECORDINGS) {
    FeatureSet s = random_features(n, d, 32);
    s.meta.affine = r.affine;
    s.meta.origins = r.origins;
    write_features(path, s, FeatureFormat::Binary);
    const std::vector<unsigned char> b = slurp(path);
    // documented version-2 layout, built independently
    std::vector<unsigned char> want;
    put_bytes(want, "AMORPHTMLFEAT\0\0\0", 16);
    put_le(want, 2, 4);
    put_le(want, d, 4);
    put_le(want, n, 8);
    put_units16(want, "metal");
    put_dbl(want, 3e-11);
    put_le(want, static_cast<std::uint32_t>(r.affine), 4);
    put_le(want, r.origins, 4);
    for (double lag : s.meta.lags) put_dbl(want, lag);
    for (std::size_t i = 0; i < n; ++i) {
      put_dbl(want, s.labels[i]);
      for (std::size_t j = 0; j < d; ++j) put_dbl(want, s.features[i * d + j]);
    }
    put_le(want, ref_fnv(want.data(), want.size()), 8);
    ASSERT_EQ(b.size(), 72 + 8 * d + 8 * n * (d + 1));
    EXPECT_EQ(b, want) << "affine " << r.affine << " origins " << r.origins;
    FeatureSet back = read_features(path);
    EXPECT_EQ(back.meta.affine, r.affine);
    EXPECT_EQ(back.meta.origins, r.origins);
    EXPECT_TRUE(same_bits(back.meta.lags, s.meta.lags));
    EXPECT_TRUE(same_bits(back.features, s.features));
  }
}

TEST(TmlRecording, ModelRoundTripAndLayout)
{
  for (const Recording &r : RECORDINGS) {
    Model m0 = random_model(13, 2, 3, 33);
    Metadata meta = m0.metadata();
    meta.affine = r.affine;
    meta.origins = r.origins;
    Model m(meta, m0.labels(), m0.features(), 3);
    EXPECT_EQ(m.affine(), r.affine);
    EXPECT_EQ(m.origins(), r.origins);
    const std::vector<unsigned char> b = m.to_bytes();
    const std::size_t d = 2, n = 13, off = 48 + 24 * d + 12;
    ASSERT_EQ(b.size(), 48 + 24 * d + 20 + 8 * n + 8 * n * d + 8);
    EXPECT_EQ(rd_le(b, 16, 4), 2u);
    EXPECT_EQ(static_cast<std::int32_t>(rd_le(b, off, 4)), r.affine);
    EXPECT_EQ(rd_le(b, off + 4, 4), r.origins);
    EXPECT_TRUE(same_bits(rd_f64(b, off + 8), m.labels()[0]));
    EXPECT_TRUE(same_bits(rd_f64(b, off - 8), 2.5e-9));
    Model l = Model::from_bytes(b.data(), b.size(), "mem");
    EXPECT_EQ(l.affine(), r.affine);
    EXPECT_EQ(l.origins(), r.origins);
    EXPECT_TRUE(same_bits(l.features(), m.features()));
    EXPECT_EQ(l.to_bytes(), b);
  }
}

TEST(TmlRecording, Version1FilesStillRead)
{
  TmpDir tmp;
  const std::size_t n = 3, d = 2;
  const std::vector<double> lags = {0.25, 1.5}, labels = {300, 700, 1000.5};
  const std::vector<double> X = {-1.0, -2.0, 0.5, 0.25, 3.0, -4.5};
  // binary feature file, version 1 (documented layout: no affine/origins)
  std::vector<unsigned char> f;
  put_bytes(f, "AMORPHTMLFEAT\0\0\0", 16);
  put_le(f, 1, 4);
  put_le(f, d, 4);
  put_le(f, n, 8);
  put_units16(f, "real");
  put_dbl(f, 2e-10);
  for (double lag : lags) put_dbl(f, lag);
  for (std::size_t i = 0; i < n; ++i) {
    put_dbl(f, labels[i]);
    for (std::size_t j = 0; j < d; ++j) put_dbl(f, X[i * d + j]);
  }
  put_le(f, ref_fnv(f.data(), f.size()), 8);
  ASSERT_EQ(f.size(), 64 + 8 * d + 8 * n * (d + 1));
  const std::string fb = tmp.file("v1.bin");
  spit(fb, f);
  FeatureSet s = read_features(fb);
  EXPECT_EQ(s.meta.units, "real");
  EXPECT_EQ(s.meta.dr2_floor, 2e-10);
  EXPECT_EQ(s.meta.lags, lags);
  EXPECT_EQ(s.labels, labels);
  EXPECT_EQ(s.features, X);
  EXPECT_EQ(s.meta.affine, AFFINE_UNKNOWN);
  EXPECT_EQ(s.meta.origins, 0u);
  // version 1 with a wrong checksum is still detected
  std::vector<unsigned char> c = f;
  c[60] ^= 4;
  spit(fb, c);
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               read_features(fb);
             }),
             "checksum mismatch");
  // version 1 text: "# affine"/"# origins" were not reserved, they are comments
  const std::string ft = tmp.file("v1.txt");
  spit_text(
      ft,
      "# AMORPH-TML-FEATURES 1\n# units real\n# lags 0.25 1.5\n# affine whatever\n# origins x\n"
      "300 -1 -2\n");
  FeatureSet t = read_features(ft);
  EXPECT_EQ(t.meta.affine, AFFINE_UNKNOWN);
  EXPECT_EQ(t.meta.origins, 0u);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.features[1], -2.0);
  // model file, version 1
  const std::vector<double> mean = {0.5, -1.25}, stdev = {2.0, 0.75};
  std::vector<unsigned char> mb;
  put_bytes(mb, "AMORPHTMLMODEL\0\0", 16);
  put_le(mb, 1, 4);
  put_le(mb, d, 4);
  put_le(mb, n, 8);
  put_units16(mb, "real");
  for (double v : lags) put_dbl(mb, v);
  for (double v : mean) put_dbl(mb, v);
  for (double v : stdev) put_dbl(mb, v);
  put_le(mb, 2, 4);    // k
  put_dbl(mb, 2e-10);
  for (double v : labels) put_dbl(mb, v);
  for (double v : X) put_dbl(mb, v);
  put_le(mb, ref_fnv(mb.data(), mb.size()), 8);
  ASSERT_EQ(mb.size(), 68 + 24 * d + 8 * n + 8 * n * d);
  EXPECT_EQ(Model::file_size(d, n, 1), mb.size());
  const std::string fm = tmp.file("v1.model");
  spit(fm, mb);
  Model m = Model::load(fm);
  EXPECT_EQ(m.affine(), AFFINE_UNKNOWN);
  EXPECT_EQ(m.origins(), 0u);
  EXPECT_EQ(m.k_default(), 2u);
  EXPECT_EQ(m.mean(), mean);
  EXPECT_EQ(m.stdev(), stdev);
  EXPECT_EQ(m.labels(), labels);
  EXPECT_EQ(m.features(), X);
  EXPECT_EQ(m.dr2_floor(), 2e-10);
  // saved again: version 2, 8 bytes longer, affine -1 and origins 0 after the floor
  const std::vector<unsigned char> b2 = m.to_bytes();
  ASSERT_EQ(b2.size(), mb.size() + 8);
  EXPECT_EQ(rd_le(b2, 16, 4), 2u);
  const std::size_t off = 48 + 24 * d + 12;
  EXPECT_EQ(std::memcmp(b2.data() + 20, mb.data() + 20, off - 20), 0);
  EXPECT_EQ(rd_le(b2, off, 4), 0xffffffffu);
  EXPECT_EQ(rd_le(b2, off + 4, 4), 0u);
  EXPECT_EQ(std::memcmp(b2.data() + off + 8, mb.data() + off, mb.size() - off - 8), 0);
}

TEST(TmlRecording, CorruptAffineIsAnError)
{
  TmpDir tmp;
  const std::string path = tmp.file("f.bin");
  FeatureSet s = random_features(5, 2, 34);
  s.meta.affine = AFFINE_KEEP;
  write_features(path, s, FeatureFormat::Binary);
  std::vector<unsigned char> b = slurp(path);
  ASSERT_EQ(rd_le(b, 56, 4), 0u);
  wr_le(b, 56, 7, 4);
  fix_checksum(b);
  spit(path, b);
  std::string msg = thrown<std::runtime_error>([&] {
    read_features(path);
  });
  EXPECT_MSG(msg, path);
  EXPECT_MSG(msg, "corrupt header: affine setting 7");
  // without fixing the checksum it is reported as corrupt by the checksum
  wr_le(b, 56, 1, 4);
  spit(path, b);
  EXPECT_MSG(thrown<std::runtime_error>([&] {
               read_features(path);
             }),
             "checksum mismatch");
  // in memory: metadata validation and the writer
  Metadata meta = make_meta(2);
  meta.affine = 2;
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               meta.validate();
             }),
             "affine setting 2");
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               FeatureWriter w(tmp.file("w.txt"), meta);
             }),
             "affine setting 2");
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               (void) Model(meta, {1.0, 2.0}, {1.0, 2.0, 3.0, 4.0}, 1);
             }),
             "affine");
}

TEST(TmlRecording, AppendMergesAndRejectsConflicts)
{
  auto set = [](int affine, std::uint32_t origins, unsigned seed) {
    FeatureSet s = random_features(4, 2, seed);
    s.meta.affine = affine;
    s.meta.origins = origins;
    return s;
  };
  {
    FeatureSet a = set(AFFINE_KEEP, 3, 1);
    const std::string msg = thrown<std::invalid_argument>([&] {
      a.append(set(AFFINE_REMOVE, 3, 2), "b.txt", "a.txt");
    });
    EXPECT_MSG(msg, "a.txt (affine keep)");
    EXPECT_MSG(msg, "b.txt (affine remove)");
    EXPECT_EQ(a.size(), 4u);    // unchanged
    EXPECT_EQ(a.meta.affine, AFFINE_KEEP);
  }
  {
    FeatureSet a = set(AFFINE_KEEP, 3, 1);
    const std::string msg = thrown<std::invalid_argument>([&] {
      a.append(set(AFFINE_KEEP, 5, 2), "b.txt", "a.txt");
    });
    EXPECT_MSG(msg, "a.txt (origins 3)");
    EXPECT_MSG(msg, "b.txt (origins 5)");
    EXPECT_MSG(msg, "time origins");
    // without names: still says which is which
    EXPECT_MSG(
        thrown<std::invalid_argument>([&] {
          a.append(set(AFFINE_REMOVE, 3, 2));
        }),
        "the feature set it is appended to (affine keep) and appended feature set (affine remove)");
  }
  struct Case {
    int a1;
    std::uint32_t o1;
    int a2;
    std::uint32_t o2;
    int want_a;
    std::uint32_t want_o;
  };
  const std::vector<Case> cases = {
      {AFFINE_KEEP, 3, AFFINE_KEEP, 3, AFFINE_KEEP, 3},
      {AFFINE_REMOVE, 1, AFFINE_REMOVE, 1, AFFINE_REMOVE, 1},
      {AFFINE_KEEP, 3, AFFINE_UNKNOWN, 3, AFFINE_UNKNOWN, 3},
      {AFFINE_UNKNOWN, 0, AFFINE_REMOVE, 2, AFFINE_UNKNOWN, 0},
      {AFFINE_REMOVE, 2, AFFINE_REMOVE, 0, AFFINE_REMOVE, 0},
  };
  for (const Case &c : cases) {
    FeatureSet a = set(c.a1, c.o1, 1);
    a.append(set(c.a2, c.o2, 2), "b");
    EXPECT_EQ(a.size(), 8u);
    EXPECT_EQ(a.meta.affine, c.want_a) << c.a1 << " " << c.a2;
    EXPECT_EQ(a.meta.origins, c.want_o) << c.o1 << " " << c.o2;
  }
}

TEST(TmlRecording, BuilderChecksAllFilesAndModelCarriesSettings)
{
  TmpDir tmp;
  auto file = [&](const std::string &name, int affine, std::uint32_t origins, unsigned seed) {
    FeatureSet s = random_features(15, 3, seed);
    s.meta.affine = affine;
    s.meta.origins = origins;
    const std::string p = tmp.file(name);
    write_features(p, s, seed % 2 ? FeatureFormat::Binary : FeatureFormat::Text);
    return p;
  };
  const std::string k1 = file("k1.txt", AFFINE_KEEP, 4, 41),
                    k2 = file("k2.bin", AFFINE_KEEP, 4, 42),
                    u = file("u.txt", AFFINE_UNKNOWN, 0, 43),
                    r = file("r.bin", AFFINE_REMOVE, 4, 44),
                    o2 = file("o2.bin", AFFINE_KEEP, 2, 45);
  const std::string out = tmp.file("m.model");
  Model m = build_model_file({k1, k2}, out, 5);
  EXPECT_EQ(m.affine(), AFFINE_KEEP);
  EXPECT_EQ(m.origins(), 4u);
  Model l = Model::load(out);
  EXPECT_EQ(l.affine(), AFFINE_KEEP);
  EXPECT_EQ(l.origins(), 4u);
  // an unknown file makes the model's settings unknown
  Model mu = build_model({k1, u, k2}, 5);
  EXPECT_EQ(mu.affine(), AFFINE_UNKNOWN);
  EXPECT_EQ(mu.origins(), 0u);
  // keep and remove conflict even with an unrecorded file between them
  std::string msg = thrown<std::invalid_argument>([&] {
    build_model({k1, u, r}, 5);
  });
  EXPECT_MSG(msg, "feature file '" + k1 + "' (affine keep)");
  EXPECT_MSG(msg, "feature file '" + r + "' (affine remove)");
  msg = thrown<std::invalid_argument>([&] {
    build_model({u, k2, o2}, 5);
  });
  EXPECT_MSG(msg, "feature file '" + k2 + "' (origins 4)");
  EXPECT_MSG(msg, "feature file '" + o2 + "' (origins 2)");
  // from_features carries the metadata
  FeatureSet s = read_features(k1);
  Model mf = Model::from_features(s, 5);
  EXPECT_EQ(mf.affine(), AFFINE_KEEP);
  EXPECT_EQ(mf.origins(), 4u);
}

TEST(TmlRecording, CheckRecordingMessages)
{
  Metadata keep4 = make_meta(2), v1 = make_meta(2);
  keep4.affine = AFFINE_KEEP;
  keep4.origins = 4;
  const std::string what = "model 'a.model'";
  // same settings: no warnings
  EXPECT_TRUE(check_recording(keep4, AFFINE_KEEP, 4, what).empty());
  // different affine: an error naming the model and both settings
  std::string msg = thrown<std::runtime_error>([&] {
    check_recording(keep4, AFFINE_REMOVE, 4, what);
  });
  EXPECT_EQ(msg.rfind("model 'a.model' was trained with affine keep, features are now recorded "
                      "with affine remove",
                      0),
            0u)
      << msg;
  Metadata remove1 = keep4;
  remove1.affine = AFFINE_REMOVE;
  remove1.origins = 1;
  msg = thrown<std::runtime_error>([&] {
    check_recording(remove1, AFFINE_KEEP, 1, "model 'b'");
  });
  EXPECT_MSG(
      msg, "model 'b' was trained with affine remove, features are now recorded with affine keep");
  // different origins: a warning with both counts
  std::vector<std::string> w = check_recording(keep4, AFFINE_KEEP, 1, what);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_MSG(
      w[0], "model 'a.model' was trained with origins 4, features are now recorded with origins 1");
  // version-1 model: one warning each for affine and origins
  w = check_recording(v1, AFFINE_REMOVE, 1, what);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_MSG(w[0], "model 'a.model' does not record its affine setting");
  EXPECT_MSG(w[0], "affine remove");
  EXPECT_MSG(w[1], "model 'a.model' does not record its number of time origins");
  EXPECT_MSG(w[1], "origins 1");
  // the current recording unknown (a version-1 query file)
  w = check_recording(keep4, AFFINE_UNKNOWN, 0, what);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_MSG(w[0], "trained with affine keep");
  EXPECT_MSG(w[0], "not recorded");
  EXPECT_MSG(w[1], "trained with origins 4");
  w = check_recording(v1, AFFINE_UNKNOWN, 0, what);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_MSG(w[0], "neither model 'a.model' nor");
  // only origins unknown in the model
  Metadata keep0 = keep4;
  keep0.origins = 0;
  w = check_recording(keep0, AFFINE_KEEP, 3, what);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_MSG(w[0], "origins 3");
  // bad arguments
  EXPECT_MSG(thrown<std::invalid_argument>([&] {
               check_recording(keep4, 5, 4, what);
             }),
             "affine setting 5");
  EXPECT_EQ(affine_name(AFFINE_KEEP), "keep");
  EXPECT_EQ(affine_name(AFFINE_REMOVE), "remove");
  EXPECT_EQ(affine_name(AFFINE_UNKNOWN), "unknown");
}

// ---------------------------------------------------------------------------
// golden model file, shared with unittest/python/test_tml.py (test_golden_model_file):
// unittest/data/golden.tmlmodel was written by Model::save from the inputs below.  Both
// tests decode it and compare with these inputs, and both writers must reproduce it byte
// for byte, so the C++ and the Python implementations agree on one file format.  After a
// deliberate change of the format, regenerate it with
//   AMORPH_UPDATE_GOLDEN=1 build/<dir>/unittest/test_tml_model --gtest_filter='TmlGolden.*'
// and update the inputs of both tests together.

namespace golden {

// 6 instances of 3 temperature classes (interleaved), 4 lags.  The features are multiples
// of 1/4 chosen so that the mean and the population std of every feature are exact in
// binary: mean {-4.5, -4, -3.5, -3}, std {0.5, 0.5, 0.75, 0.75}.
const char *const UNITS = "metal";
const std::vector<double> LAGS = {0.2, 0.5, 1.0, 2.0};
constexpr double DR2_FLOOR = 1.0e-10;
constexpr int AFFINE = AFFINE_REMOVE;
constexpr std::uint32_t ORIGINS = 4;
constexpr std::uint32_t K = 3;
const std::vector<double> LABELS = {300.0, 700.0, 1000.0, 300.0, 700.0, 1000.0};
const std::vector<double> FEATURES = {
    -5.25, -4.75, -4.75, -4.0,     // 300
    -4.5,  -4.25, -3.75, -2.75,    // 700
    -4.25, -3.5,  -3.0,  -2.5,     // 1000
    -5.0,  -4.25, -4.0,  -4.0,     // 300
    -4.25, -4.0,  -3.0,  -2.75,    // 700
    -3.75, -3.25, -2.5,  -2.0,     // 1000
};
const std::vector<double> MEAN = {-4.5, -4.0, -3.5, -3.0};
const std::vector<double> STD = {0.5, 0.5, 0.75, 0.75};

std::string path()
{
  return std::string(AMORPH_TEST_DATA_DIR) + "/golden.tmlmodel";
}

Model model()
{
  Metadata meta;
  meta.units = UNITS;
  meta.lags = LAGS;
  meta.dr2_floor = DR2_FLOOR;
  meta.affine = AFFINE;
  meta.origins = ORIGINS;
  return Model(meta, LABELS, FEATURES, K);
}

}    // namespace golden

TEST(TmlGolden, ReadDecodesTheInputs)
{
  if (std::getenv("AMORPH_UPDATE_GOLDEN")) golden::model().save(golden::path());
  const std::vector<unsigned char> bytes = slurp(golden::path());
  ASSERT_FALSE(bytes.empty()) << "cannot read " << golden::path();
  EXPECT_EQ(bytes.size(), Model::file_size(golden::LAGS.size(), golden::LABELS.size()));
  const Model m = Model::load(golden::path());
  EXPECT_EQ(m.source(), golden::path());
  EXPECT_EQ(m.units(), golden::UNITS);
  EXPECT_EQ(m.dim(), golden::LAGS.size());
  EXPECT_EQ(m.size(), golden::LABELS.size());
  EXPECT_TRUE(same_bits(m.lags(), golden::LAGS));
  EXPECT_TRUE(same_bits(m.dr2_floor(), golden::DR2_FLOOR));
  EXPECT_EQ(m.affine(), golden::AFFINE);
  EXPECT_EQ(m.origins(), golden::ORIGINS);
  EXPECT_EQ(m.k_default(), golden::K);
  EXPECT_TRUE(same_bits(m.labels(), golden::LABELS));
  EXPECT_TRUE(same_bits(m.features(), golden::FEATURES));
  EXPECT_TRUE(same_bits(m.mean(), golden::MEAN));
  EXPECT_TRUE(same_bits(m.stdev(), golden::STD));
  EXPECT_EQ(rd_le(bytes, bytes.size() - 8, 8), ref_fnv(bytes.data(), bytes.size() - 8));
}

TEST(TmlGolden, WriterReproducesTheFile)
{
  const std::vector<unsigned char> golden_bytes = slurp(golden::path());
  ASSERT_FALSE(golden_bytes.empty()) << "cannot read " << golden::path();
  const Model m = golden::model();
  EXPECT_TRUE(same_bits(m.mean(), golden::MEAN));
  EXPECT_TRUE(same_bits(m.stdev(), golden::STD));
  EXPECT_EQ(m.to_bytes(), golden_bytes);
  TmpDir tmp;
  const std::string out = tmp.file("golden.tmlmodel");
  m.save(out);
  EXPECT_EQ(slurp(out), golden_bytes);
}

// ---------------------------------------------------------------------------
// the finiteness checks of labelled rows and queries, message by message

TEST(TmlFiniteness, ExactMessages)
{
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  const double ok[2] = {1.0, 2.0}, bad2[2] = {1.0, -inf};
  // one row, with the value
  FeatureSet fs;
  fs.meta = make_meta(2);
  EXPECT_EQ(thrown<std::invalid_argument>([&] {
              fs.add_row(nan, ok);
            }),
            "T_ML features: label is not finite (nan)");
  EXPECT_EQ(thrown<std::invalid_argument>([&] {
              fs.add_row(300.0, bad2);
            }),
            "T_ML features: feature 2 is not finite (-inf)");
  EXPECT_EQ(fs.size(), 0u);
  TmpDir tmp;
  FeatureWriter w(tmp.file("w.bin"), make_meta(2), FeatureFormat::Binary);
  EXPECT_EQ(thrown<std::invalid_argument>([&] {
              w.write(inf, ok);
            }),
            "T_ML feature writer: label is not finite (inf)");
  EXPECT_EQ(thrown<std::invalid_argument>([&] {
              w.write(300.0, bad2);
            }),
            "T_ML feature writer: feature 2 is not finite (-inf)");
  EXPECT_EQ(w.rows(), 0u);
  // many rows: the first non-finite value in row order, label before features
  fs.labels = {300.0, 700.0, 900.0};
  fs.features = {1.0, 2.0, 3.0, nan, 5.0, 6.0};
  EXPECT_EQ(thrown<std::invalid_argument>([&] {
              fs.validate();
            }),
            "T_ML features: instance 2: feature 2 is not finite");
  fs.labels[1] = -inf;
  EXPECT_EQ(thrown<std::invalid_argument>([&] {
              fs.validate();
            }),
            "T_ML features: instance 2: label is not finite");
  EXPECT_EQ(thrown<std::invalid_argument>([&] {
              Model(fs.meta, fs.labels, fs.features, 1);
            }),
            "T_ML model: instance 2: label is not finite");
  fs.labels[1] = 700.0;
  EXPECT_EQ(thrown<std::invalid_argument>([&] {
              Model(fs.meta, fs.labels, fs.features, 1);
            }),
            "T_ML model: instance 2: feature 2 is not finite");
  // files: binary feature records and model instances (checksums made valid)
  FeatureSet good;
  good.meta = make_meta(2);
  good.add_row(300.0, ok);
  const double row2[2] = {3.0, 5.0};
  good.add_row(700.0, row2);
  const std::string fb = tmp.file("f.bin");
  write_features(fb, good, FeatureFormat::Binary);
  std::vector<unsigned char> b = slurp(fb);
  std::uint64_t bits;
  std::memcpy(&bits, &nan, 8);
  wr_le(b, 64 + 16 + 24 + 16, bits, 8);    // record 2, feature 2
  fix_checksum(b);
  spit(fb, b);
  EXPECT_EQ(thrown<std::runtime_error>([&] {
              read_features(fb);
            }),
            "T_ML feature file '" + fb + "': record 2: feature 2 is not finite");
  wr_le(b, 64 + 16 + 24, bits, 8);    // record 2, label
  fix_checksum(b);
  spit(fb, b);
  EXPECT_EQ(thrown<std::runtime_error>([&] {
              read_features(fb);
            }),
            "T_ML feature file '" + fb + "': record 2: label is not finite");
  Model m(good.meta, good.labels, good.features, 1);
  b = m.to_bytes();
  const std::size_t off_features = 48 + 24 * 2 + 20 + 8 * 2;
  wr_le(b, off_features + 8 * 3, bits, 8);    // instance 2, feature 2
  fix_checksum(b);
  EXPECT_EQ(thrown<std::runtime_error>([&] {
              Model::from_bytes(b.data(), b.size(), "crafted");
            }),
            "crafted: non-finite feature 2 of training instance 2");
  // queries: the tree search with the value, the brute force without
  KNNRegressor knn(m);
  EXPECT_EQ(thrown<std::invalid_argument>([&] {
              knn.predict(bad2);
            }),
            "T_ML kNN: query feature 2 is not finite (-inf)");
  EXPECT_EQ(thrown<std::invalid_argument>([&] {
              knn.predict_brute_force(bad2);
            }),
            "T_ML kNN: query feature 2 is not finite");
}
