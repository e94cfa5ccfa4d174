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
#
# LAMMPS's own files must compile with unchanged flags (so that a compiler cache reuses
# the objects of a plugin-host build of the same LAMMPS): AMORPH's include directories
# and definitions are set on AMORPH's sources only, and the headers that LAMMPS files
# include through the generated style headers are linked into LAMMPS's style-header
# folder, which is already on their include path.
set(AMORPH_BUILTIN_ROOT "${CMAKE_CURRENT_LIST_DIR}/..")
get_filename_component(AMORPH_BUILTIN_ROOT "${AMORPH_BUILTIN_ROOT}" ABSOLUTE)

function(amorph_builtin_setup)
  set(_src "${AMORPH_BUILTIN_ROOT}/src")
  list(APPEND CMAKE_MODULE_PATH "${AMORPH_BUILTIN_ROOT}/cmake")
  include(AMORPHSources)
  include(AMORPHLammpsVersionOnly)
  include(AMORPHVoro)
  include(AMORPHNanoflann)
  amorph_parse_lammps_version("${LAMMPS_SOURCE_DIR}" _ver)

  set(_incs "${_src}" "${_src}/kernels" ${AMORPH_NANOFLANN_INCLUDE_DIRS})
  set(_defs "AMORPH_LAMMPS_VERSION=${_ver}" "AMORPH_VERSION=\"builtin\"")
  if(AMORPH_WITH_VORO)
    list(APPEND _incs "${VORO_INCLUDE_DIR}")
    list(APPEND _defs AMORPH_HAVE_VORO)
    target_link_libraries(lammps PRIVATE "${VORO_LIBRARY}")
  endif()
  target_sources(lammps PRIVATE ${AMORPH_STYLE_SOURCES} ${AMORPH_KERNEL_SOURCES})
  set_source_files_properties(${AMORPH_STYLE_SOURCES} ${AMORPH_KERNEL_SOURCES} PROPERTIES
    INCLUDE_DIRECTORIES "${_incs}" COMPILE_DEFINITIONS "${_defs}")

  # style headers (and what they include) where LAMMPS's files find them
  file(GLOB _headers "${_src}/*.h" "${_src}/kernels/*.h")
  foreach(_h ${_headers})
    get_filename_component(_name "${_h}" NAME)
    file(CREATE_LINK "${_h}" "${LAMMPS_STYLE_HEADERS_DIR}/${_name}" SYMBOLIC)
  endforeach()
  RegisterStyles("${_src}")
  GenerateStyleHeaders("${LAMMPS_STYLE_HEADERS_DIR}")
  message(STATUS "AMORPH: built-in package with ${AMORPH_STYLE_NAMES} (LAMMPS ${_ver})")
endfunction()

cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL amorph_builtin_setup)
