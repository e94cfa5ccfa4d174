# AMORPH - LAMMPS plugin package, GPL-2.0
#
# Locate a LAMMPS source tree, read its version, and describe the ABI a plugin must match.
#
# Inputs (cache variables):
#   LAMMPS_SOURCE_DIR   the src/ folder of the LAMMPS tree your lmp/liblammps was built from
#   LAMMPS_BINARY_DIR   optional: the LAMMPS CMake build folder (liblammps.so, lmp, CMakeCache.txt);
#                       needed for the tests, and used to copy MPI/LAMMPS_SIZES settings
#   BUILD_MPI, LAMMPS_SIZES   must equal those of the LAMMPS build (checked when
#                       LAMMPS_BINARY_DIR is given)
# Outputs:
#   AMORPH_LAMMPS_VERSION  yyyymmdd, parsed from version.h
#   target amorph::lammps_headers (INTERFACE): include dirs, MPI or STUBS, LAMMPS_<SIZES>

set(LAMMPS_SOURCE_DIR "" CACHE PATH "LAMMPS src/ directory (the tree your LAMMPS was built from)")
set(LAMMPS_BINARY_DIR "" CACHE PATH "LAMMPS CMake build directory (optional: for tests and ABI checks)")

if(NOT LAMMPS_SOURCE_DIR OR NOT EXISTS "${LAMMPS_SOURCE_DIR}/lammps.h")
  message(FATAL_ERROR "AMORPH: set -DLAMMPS_SOURCE_DIR=<lammps>/src (a LAMMPS source tree; "
    "got '${LAMMPS_SOURCE_DIR}'). Installed LAMMPS headers are incomplete and cannot be used.")
endif()
get_filename_component(LAMMPS_SOURCE_DIR "${LAMMPS_SOURCE_DIR}" ABSOLUTE)

include(AMORPHLammpsVersionOnly)
amorph_parse_lammps_version("${LAMMPS_SOURCE_DIR}" AMORPH_LAMMPS_VERSION)
set(AMORPH_LAMMPS_MIN_VERSION 20250204)
if(AMORPH_LAMMPS_VERSION LESS AMORPH_LAMMPS_MIN_VERSION)
  message(FATAL_ERROR "AMORPH needs LAMMPS ${AMORPH_LAMMPS_MIN_VERSION} or newer; "
    "${LAMMPS_SOURCE_DIR} is ${AMORPH_LAMMPS_VERSION}")
endif()
message(STATUS "AMORPH: building against LAMMPS ${AMORPH_LAMMPS_VERSION} (${LAMMPS_SOURCE_DIR})")

# ---- ABI settings: take them from the LAMMPS build when we know it ----
set(_lmp_mpi "")
set(_lmp_sizes "")
if(LAMMPS_BINARY_DIR)
  if(NOT EXISTS "${LAMMPS_BINARY_DIR}/CMakeCache.txt")
    message(FATAL_ERROR "AMORPH: LAMMPS_BINARY_DIR=${LAMMPS_BINARY_DIR} is not a LAMMPS CMake build folder")
  endif()
  load_cache("${LAMMPS_BINARY_DIR}" READ_WITH_PREFIX _LMP_ BUILD_MPI LAMMPS_SIZES)
  set(_lmp_mpi "${_LMP_BUILD_MPI}")
  string(TOLOWER "${_LMP_LAMMPS_SIZES}" _lmp_sizes)
endif()
if(_lmp_mpi STREQUAL "")
  find_package(MPI QUIET COMPONENTS CXX)
  set(_lmp_mpi ${MPI_FOUND})
endif()
if(_lmp_sizes STREQUAL "")
  set(_lmp_sizes smallbig)
endif()
option(BUILD_MPI "Build with MPI (must match the LAMMPS build)" ${_lmp_mpi})
set(LAMMPS_SIZES "${_lmp_sizes}" CACHE STRING "LAMMPS integer sizes: smallbig or bigbig (must match the LAMMPS build)")
set_property(CACHE LAMMPS_SIZES PROPERTY STRINGS smallbig bigbig)
string(TOLOWER "${LAMMPS_SIZES}" _sizes)
if(NOT _sizes MATCHES "^(smallbig|bigbig)$")
  message(FATAL_ERROR "AMORPH: LAMMPS_SIZES must be smallbig or bigbig, not '${LAMMPS_SIZES}'")
endif()
if(LAMMPS_BINARY_DIR)
  if(NOT (BUILD_MPI STREQUAL _LMP_BUILD_MPI OR (BUILD_MPI AND _LMP_BUILD_MPI) OR (NOT BUILD_MPI AND NOT _LMP_BUILD_MPI)))
    message(FATAL_ERROR "AMORPH: BUILD_MPI=${BUILD_MPI} but LAMMPS was built with BUILD_MPI=${_LMP_BUILD_MPI}")
  endif()
  if(NOT _sizes STREQUAL _lmp_sizes)
    message(FATAL_ERROR "AMORPH: LAMMPS_SIZES=${_sizes} but LAMMPS was built with ${_lmp_sizes}")
  endif()
endif()
string(TOUPPER "${_sizes}" _SIZES)

add_library(amorph_lammps_headers INTERFACE)
add_library(amorph::lammps_headers ALIAS amorph_lammps_headers)
target_include_directories(amorph_lammps_headers INTERFACE "${LAMMPS_SOURCE_DIR}")
target_compile_definitions(amorph_lammps_headers INTERFACE
  LAMMPS_${_SIZES} AMORPH_LAMMPS_VERSION=${AMORPH_LAMMPS_VERSION})
if(BUILD_MPI)
  set(MPI_CXX_SKIP_MPICXX TRUE)
  find_package(MPI REQUIRED COMPONENTS CXX)
  target_link_libraries(amorph_lammps_headers INTERFACE MPI::MPI_CXX)
else()
  target_include_directories(amorph_lammps_headers INTERFACE "${LAMMPS_SOURCE_DIR}/STUBS")
endif()
message(STATUS "AMORPH: BUILD_MPI=${BUILD_MPI} LAMMPS_SIZES=${_sizes}")
