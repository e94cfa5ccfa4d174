# AMORPH - LAMMPS plugin package, GPL-2.0
# amorph_parse_lammps_version(<lammps src dir> <out var>): version.h -> yyyymmdd
# ---- version: "#define LAMMPS_VERSION "4 Jul 2026"" -> 20260704 ----
function(amorph_parse_lammps_version srcdir outvar)
  file(STRINGS "${srcdir}/version.h" _line REGEX "^#define LAMMPS_VERSION ")
  if(NOT _line MATCHES "\"([0-9]+) ([A-Za-z]+) ([0-9]+)\"")
    message(FATAL_ERROR "AMORPH: cannot parse LAMMPS version from ${srcdir}/version.h: '${_line}'")
  endif()
  set(_day ${CMAKE_MATCH_1})
  set(_mon ${CMAKE_MATCH_2})
  set(_year ${CMAKE_MATCH_3})
  set(_months Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)
  list(FIND _months "${_mon}" _idx)
  if(_idx LESS 0)
    message(FATAL_ERROR "AMORPH: unknown month '${_mon}' in LAMMPS version.h")
  endif()
  math(EXPR _num "${_year} * 10000 + (${_idx} + 1) * 100 + ${_day}")
  set(${outvar} ${_num} PARENT_SCOPE)
endfunction()
