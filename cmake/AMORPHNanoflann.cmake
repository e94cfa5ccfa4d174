# AMORPH - LAMMPS plugin package, GPL-2.0
# nanoflann (header-only KD-tree; Debian: libnanoflann-dev) for the kNN search of fix tml.
# The package's CMake configuration (nanoflannConfig.cmake, target nanoflann::nanoflann) is
# used when it is installed; only if it is missing is nanoflann.hpp searched for on the
# include path (older or hand-installed copies without the CMake files).
# Defines AMORPH_NANOFLANN_INCLUDE_DIRS and the INTERFACE target amorph::nanoflann.
find_package(nanoflann CONFIG QUIET)
if(nanoflann_FOUND AND TARGET nanoflann::nanoflann)
  get_target_property(AMORPH_NANOFLANN_INCLUDE_DIRS nanoflann::nanoflann
    INTERFACE_INCLUDE_DIRECTORIES)
  set(_amorph_nanoflann_how "CMake package in ${nanoflann_DIR}")
else()
  find_path(NANOFLANN_INCLUDE_DIR nanoflann.hpp)
  if(NOT NANOFLANN_INCLUDE_DIR)
    message(FATAL_ERROR "AMORPH: nanoflann not found: neither its CMake package "
      "(nanoflannConfig.cmake; set nanoflann_DIR) nor nanoflann.hpp (set NANOFLANN_INCLUDE_DIR) "
      "(Debian: apt-get install libnanoflann-dev)")
  endif()
  set(AMORPH_NANOFLANN_INCLUDE_DIRS "${NANOFLANN_INCLUDE_DIR}")
  set(_amorph_nanoflann_how "nanoflann.hpp in ${NANOFLANN_INCLUDE_DIR}, no CMake package")
endif()
if(NOT TARGET amorph_nanoflann)
  add_library(amorph_nanoflann INTERFACE)
  add_library(amorph::nanoflann ALIAS amorph_nanoflann)
  if(TARGET nanoflann::nanoflann)
    target_link_libraries(amorph_nanoflann INTERFACE nanoflann::nanoflann)
  else()
    target_include_directories(amorph_nanoflann INTERFACE "${AMORPH_NANOFLANN_INCLUDE_DIRS}")
  endif()
  message(STATUS "AMORPH: nanoflann (${_amorph_nanoflann_how})")
endif()
