/* -*- c++ -*- -------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0

   Numbers and switches of style arguments: LAMMPS's utils::numeric, bnumeric
   and logical, after checks whose errors name the style, the keyword and the
   offending value ("fix tml: every expects an integer, got '1.5'"), and that
   refuse what utils:: lets through: non-finite values ("1e999" reads as inf)
   and integers out of range.  Include only from .cpp files.
------------------------------------------------------------------------- */

#ifndef AMORPH_ARGS_H
#define AMORPH_ARGS_H

#include "error.h"
#include "lmptype.h"
#include "pointers.h"
#include "utils.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace AMORPH {

class StyleArgs {
 public:
  StyleArgs(LAMMPS_NS::LAMMPS *lmp, std::string style) : lmp_(lmp), style_(std::move(style)) {}

  // a finite floating-point number
  double number(const std::string &kw, const char *s) const
  {
    // the whole string must be the number (LAMMPS 29 Sep 2021's is_double() lets e.g. "1..2"
    // pass, and strtod would read it as 1)
    char *end = nullptr;
    errno = 0;
    const double v = s ? std::strtod(s, &end) : 0.0;
    if (!s || !LAMMPS_NS::utils::is_double(s) || end == s || *end != '\0')
      lmp_->error->all(FLERR, "{}: {} expects a number, got '{}'", style_, kw, s ? s : "");
    if (!std::isfinite(v) || (errno == ERANGE && std::fabs(v) > 1.0))
      lmp_->error->all(FLERR, "{}: {} must be a finite number, got '{}'", style_, kw, s);
    return LAMMPS_NS::utils::numeric(FLERR, s, false, lmp_);
  }

  // an integer within the range of bigint
  LAMMPS_NS::bigint big(const std::string &kw, const char *s) const
  {
    char *end = nullptr;
    errno = 0;
    if (s) (void) std::strtoll(s, &end, 10);
    if (!s || !LAMMPS_NS::utils::is_integer(s) || end == s || *end != '\0')
      lmp_->error->all(FLERR, "{}: {} expects an integer, got '{}'", style_, kw, s ? s : "");
    if (errno == ERANGE) lmp_->error->all(FLERR, "{}: {} = {} is out of range", style_, kw, s);
    return LAMMPS_NS::utils::bnumeric(FLERR, s, false, lmp_);
  }

  // an integer within the range of int
  int integer(const std::string &kw, const char *s) const
  {
    const LAMMPS_NS::bigint v = big(kw, s);
    if (v > std::numeric_limits<int>::max() || v < std::numeric_limits<int>::min())
      lmp_->error->all(FLERR, "{}: {} = {} is out of range", style_, kw, s);
    return (int) v;
  }

  // yes/no, on/off, true/false, 1/0 (as utils::logical)
  bool logical(const std::string &kw, const char *s) const
  {
    const std::string v = s ? s : "";
    if (v != "yes" && v != "no" && v != "on" && v != "off" && v != "true" && v != "false" &&
        v != "1" && v != "0")
      lmp_->error->all(FLERR, "{}: {} expects yes or no, got '{}'", style_, kw, s ? s : "");
    return v == "yes" || v == "on" || v == "true" || v == "1";
  }

  const std::string &style() const { return style_; }

 private:
  LAMMPS_NS::LAMMPS *lmp_;
  std::string style_;
};

}    // namespace AMORPH

#endif
