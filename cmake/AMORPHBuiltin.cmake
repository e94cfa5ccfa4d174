# AMORPH - LAMMPS plugin package, GPL-2.0
#
# Built-in package mode: compile the AMORPH styles into liblammps/lmp, without modifying
# the LAMMPS source tree.  Configure LAMMPS with
#
#   cmake -S <lammps>/cmake -B build -DCMAKE_PROJECT_lammps_INCLUDE=<amorph>/cmake/AMORPHBuiltin.cmake ...
#
# CMake runs this file right after LAMMPS's project() call; the real work is deferred to
# the end of LAMMPS's CMakeLists.txt, when the `lammps` target and its style-header
# machinery exist: our sources are added to the target, our style headers registered and
# the style headers regenerated, exactly as for a LAMMPS package.
set(AMORPH_BUILTIN_ROOT "${CMAKE_CURRENT_LIST_DIR}/..")
get_filename_component(AMORPH_BUILTIN_ROOT "${AMORPH_BUILTIN_ROOT}" ABSOLUTE)

function(amorph_builtin_setup)
  set(_src "${AMORPH_BUILTIN_ROOT}/src")
  list(APPEND CMAKE_MODULE_PATH "${AMORPH_BUILTIN_ROOT}/cmake")
  include(AMORPHSources)
  # version number of this LAMMPS for the compatibility switches in our .cpp files
  include(AMORPHLammpsVersionOnly)
  amorph_parse_lammps_version("${LAMMPS_SOURCE_DIR}" _ver)
  find_path(NANOFLANN_INCLUDE_DIR nanoflann.hpp REQUIRED)
  target_sources(lammps PRIVATE ${AMORPH_STYLE_SOURCES} ${AMORPH_KERNEL_SOURCES})
  target_include_directories(lammps PRIVATE "${_src}" "${_src}/kernels" "${NANOFLANN_INCLUDE_DIR}")
  include(AMORPHVoro)
  if(AMORPH_WITH_VORO)
    target_link_libraries(lammps PRIVATE amorph::voro)
  endif()
  set_source_files_properties(${AMORPH_STYLE_SOURCES} ${AMORPH_KERNEL_SOURCES} PROPERTIES
    COMPILE_DEFINITIONS "AMORPH_LAMMPS_VERSION=${_ver};AMORPH_VERSION=\"builtin\"")
  RegisterStyles("${_src}")
  GenerateStyleHeaders("${LAMMPS_STYLE_HEADERS_DIR}")
  message(STATUS "AMORPH: built-in package with ${AMORPH_STYLE_NAMES} (LAMMPS ${_ver})")
endfunction()

cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL amorph_builtin_setup)
