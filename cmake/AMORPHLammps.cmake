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
set(AMORPH_LAMMPS_MIN_VERSION 20210929)
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
  load_cache("${LAMMPS_BINARY_DIR}" READ_WITH_PREFIX _LMP_ BUILD_MPI LAMMPS_SIZES LAMMPS_EXCEPTIONS
    PKG_KOKKOS EXTERNAL_KOKKOS Kokkos_DIR KOKKOS_PREC KOKKOS_LAYOUT)
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
# LAMMPS 29 Sep 2021: errors are C++ exceptions only with LAMMPS_EXCEPTIONS, which also
# changes the layout of class Error (newer LAMMPS always throws and has no such option)
if(AMORPH_LAMMPS_VERSION LESS 20220623)
  if(LAMMPS_BINARY_DIR)
    set(_lmp_exc "${_LMP_LAMMPS_EXCEPTIONS}")
  else()
    set(_lmp_exc OFF)
  endif()
  option(LAMMPS_EXCEPTIONS "LAMMPS was built with LAMMPS_EXCEPTIONS (must match the LAMMPS build)" ${_lmp_exc})
  if(LAMMPS_BINARY_DIR AND NOT ((LAMMPS_EXCEPTIONS AND _lmp_exc) OR (NOT LAMMPS_EXCEPTIONS AND NOT _lmp_exc)))
    message(FATAL_ERROR "AMORPH: LAMMPS_EXCEPTIONS=${LAMMPS_EXCEPTIONS} but LAMMPS was built with ${_lmp_exc}")
  endif()
  if(LAMMPS_EXCEPTIONS)
    target_compile_definitions(amorph_lammps_headers INTERFACE LAMMPS_EXCEPTIONS)
  endif()
  message(STATUS "AMORPH: LAMMPS_EXCEPTIONS=${LAMMPS_EXCEPTIONS}")
endif()
message(STATUS "AMORPH: BUILD_MPI=${BUILD_MPI} LAMMPS_SIZES=${_sizes}")

# ---- KOKKOS: the /kk styles (src/KOKKOS), when the LAMMPS build has the KOKKOS package ----
# They compile against LAMMPS's KOKKOS headers and the Kokkos that LAMMPS was built with
# (same version, backends and options: found through the Kokkos_DIR of the LAMMPS build).
set(_amorph_kokkos_default OFF)
if(LAMMPS_BINARY_DIR AND _LMP_PKG_KOKKOS)
  if(_LMP_EXTERNAL_KOKKOS)
    set(_amorph_kokkos_default ON)
  else()
    message(STATUS "AMORPH: LAMMPS has KOKKOS with its bundled Kokkos: no /kk styles (they need "
      "a LAMMPS built against an installed Kokkos, -DEXTERNAL_KOKKOS=on; doc/src/Kokkos.rst)")
  endif()
endif()
option(AMORPH_KOKKOS "Build the /kk styles (needs a LAMMPS with the KOKKOS package)" ${_amorph_kokkos_default})
if(AMORPH_KOKKOS)
  if(LAMMPS_BINARY_DIR AND NOT _LMP_PKG_KOKKOS)
    message(FATAL_ERROR "AMORPH: AMORPH_KOKKOS=on, but the LAMMPS in ${LAMMPS_BINARY_DIR} was built without PKG_KOKKOS")
  endif()
  if(LAMMPS_BINARY_DIR AND NOT _LMP_EXTERNAL_KOKKOS)
    message(FATAL_ERROR "AMORPH: the /kk styles need a LAMMPS built against an installed Kokkos "
      "(-DEXTERNAL_KOKKOS=on -DKokkos_DIR=...), so that the plugin compiles against the same "
      "Kokkos; or build AMORPH without them: -DAMORPH_KOKKOS=off")
  endif()
  if(NOT Kokkos_DIR AND _LMP_Kokkos_DIR)
    set(Kokkos_DIR "${_LMP_Kokkos_DIR}" CACHE PATH "Kokkos CMake package of the LAMMPS build")
  endif()
  find_package(Kokkos REQUIRED CONFIG)
  if(LAMMPS_BINARY_DIR AND _LMP_Kokkos_DIR AND NOT Kokkos_DIR STREQUAL _LMP_Kokkos_DIR)
    message(FATAL_ERROR "AMORPH: Kokkos_DIR=${Kokkos_DIR}, but LAMMPS was built with ${_LMP_Kokkos_DIR}")
  endif()
  # (what LAMMPS's own find_package(Kokkos 3.4.01) accepts: the same major version)
  if(AMORPH_LAMMPS_VERSION LESS 20220623 AND (Kokkos_VERSION VERSION_LESS 3.4.1 OR NOT Kokkos_VERSION VERSION_LESS 4))
    message(FATAL_ERROR "AMORPH: LAMMPS ${AMORPH_LAMMPS_VERSION} needs Kokkos 3 from 3.4.01, found ${Kokkos_VERSION}")
  endif()
  target_include_directories(amorph_lammps_headers INTERFACE "${LAMMPS_SOURCE_DIR}/KOKKOS")
  target_compile_definitions(amorph_lammps_headers INTERFACE LMP_KOKKOS
    AMORPH_KOKKOS_VERSION="${Kokkos_VERSION}")
  # newer LAMMPS: the precision (KK_FLOAT) and view layout of its KOKKOS build, private
  # definitions of the LAMMPS target that the /kk headers depend on
  if(_LMP_KOKKOS_PREC)
    string(TOUPPER "${_LMP_KOKKOS_PREC}" _prec)
    set(_prec_DOUBLE DOUBLE_DOUBLE)
    set(_prec_MIXED SINGLE_DOUBLE)
    set(_prec_SINGLE SINGLE_SINGLE)
    target_compile_definitions(amorph_lammps_headers INTERFACE LMP_KOKKOS_${_prec_${_prec}})
  endif()
  if(_LMP_KOKKOS_LAYOUT)
    string(TOUPPER "${_LMP_KOKKOS_LAYOUT}" _layout)
    target_compile_definitions(amorph_lammps_headers INTERFACE LMP_KOKKOS_LAYOUT_${_layout})
  endif()
  target_link_libraries(amorph_lammps_headers INTERFACE Kokkos::kokkos)
  message(STATUS "AMORPH: /kk styles with Kokkos ${Kokkos_VERSION} (${Kokkos_DIR})")
endif()

