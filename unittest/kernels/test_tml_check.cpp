// AMORPH - LAMMPS plugin package, GPL-2.0
// T_ML model check: AUC against closed forms, leave-one-out T_ML on constructed models.
#include "tml_check.h"
#include "tml_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

using namespace AMORPH::tml;

TEST(TMLCheck, AucClosedForms)
{
  EXPECT_DOUBLE_EQ(auc({1, 2, 3}, {4, 5}), 1.0);       // fully separated
  EXPECT_DOUBLE_EQ(auc({4, 5}, {1, 2, 3}), 0.0);       // reversed
  EXPECT_DOUBLE_EQ(auc({1, 2, 3}, {1, 2, 3}), 0.5);    // identical samples
  // one pair of 4 tied: (b > a) for 3 pairs of 4, 1 tie -> (3 + 0.5) / 4
  EXPECT_DOUBLE_EQ(auc({1, 2}, {2, 3}), 3.5 / 4.0);
  EXPECT_THROW(auc({}, {1.0}), std::invalid_argument);
}

static Model two_class_model(double sep)
{
  // class 300: features around 0, class 900: around sep; a 1-D grid of 40 + 40 instances
  Metadata meta;
  meta.units = "metal";
  meta.lags = {0.1, 0.2};
  std::vector<double> y, X;
  for (int i = 0; i < 40; ++i) {
    y.push_back(300.0);
    X.push_back(0.01 * i);
    X.push_back(0.013 * i);
  }
  for (int i = 0; i < 40; ++i) {
    y.push_back(900.0);
    X.push_back(sep + 0.01 * i);
    X.push_back(sep + 0.013 * i);
  }
  return Model(meta, y, X, 5);
}

TEST(TMLCheck, SeparatedClassesPredictTheirLabels)
{
  const Model m = two_class_model(100.0);
  const ModelCheck c = check_model(m, 5, 1000);
  ASSERT_EQ(c.classes.size(), 2u);
  EXPECT_EQ(c.classes[0].count, 40u);
  EXPECT_EQ(c.classes[0].checked, 40u);
  EXPECT_DOUBLE_EQ(c.classes[0].mean_predicted, 300.0);
  EXPECT_DOUBLE_EQ(c.classes[1].mean_predicted, 900.0);
  EXPECT_DOUBLE_EQ(c.classes[1].std_predicted, 0.0);
  ASSERT_EQ(c.adjacent_auc.size(), 1u);
  EXPECT_DOUBLE_EQ(c.adjacent_auc[0], 1.0);
  EXPECT_TRUE(c.overlapping().empty());
  EXPECT_TRUE(c.warnings().empty());
  // subsample: every 3rd instance (ceil(40/15) = 3) -> 14 per class
  const ModelCheck s = check_model(m, 5, 15);
  EXPECT_EQ(s.classes[0].checked, 14u);
}

TEST(TMLCheck, OverlappingClassesAreNamed)
{
  // both classes drawn from the same distribution
  std::mt19937 gen(4711);
  std::normal_distribution<double> nd(0.0, 1.0);
  Metadata meta;
  meta.units = "metal";
  meta.lags = {0.1, 0.2};
  std::vector<double> y, X;
  for (int i = 0; i < 600; ++i) {
    y.push_back(i < 300 ? 300.0 : 900.0);
    X.push_back(nd(gen));
    X.push_back(nd(gen));
  }
  const Model m(meta, y, X, 5);
  const ModelCheck c = check_model(m, 20, 1000);
  EXPECT_NEAR(c.adjacent_auc[0], 0.5, 0.15);
  ASSERT_EQ(c.overlapping().size(), 1u);
  EXPECT_EQ(c.overlapping()[0].first, 300.0);
  ASSERT_EQ(c.warnings().size(), 1u);
  EXPECT_NE(c.warnings()[0].find("classes 300 and 900 overlap"), std::string::npos);
  EXPECT_THROW(check_model(m, 600, 10), std::invalid_argument);    // k + 1 > n
  EXPECT_THROW(check_model(m, 5, 0), std::invalid_argument);
}
