# AMORPH - LAMMPS plugin package, GPL-2.0
#
# ctest compat.kokkos_headers: compile every /kk source (src/KOKKOS/*.cpp) to an object file
# against the LAMMPS source tree of this build (its src/KOKKOS headers) and another Kokkos's
# headers (e.g. Debian's libkokkos-dev 5.x, unpacked), in C++20, for each KK_FLOAT precision
# of LAMMPS (double, single, mixed).  Nothing is linked or run: the code must stay valid for
# the newest Kokkos and LAMMPS while the run tests use LAMMPS 29 Sep 2021 with Kokkos 3.4.
#
#   cmake -DCXX=... -DKOKKOS_INCLUDE=... -DLAMMPS_SRC=... -DAMORPH_SRC=... -DVERSION=yyyymmdd
#         -DSIZES=SMALLBIG -DMPI_INCLUDE="a;b" -DOUT=dir -P kokkos_compile_test.cmake
file(GLOB _sources "${AMORPH_SRC}/KOKKOS/*.cpp")
if(NOT _sources)
  message(FATAL_ERROR "no /kk sources in ${AMORPH_SRC}/KOKKOS")
endif()
if(NOT EXISTS "${KOKKOS_INCLUDE}/Kokkos_Core.hpp")
  message(FATAL_ERROR "no Kokkos_Core.hpp in ${KOKKOS_INCLUDE}")
endif()
set(_inc -I${LAMMPS_SRC} -I${LAMMPS_SRC}/KOKKOS -I${AMORPH_SRC} -I${AMORPH_SRC}/KOKKOS
  -I${AMORPH_SRC}/kernels -I${KOKKOS_INCLUDE})
foreach(_d ${MPI_INCLUDE})
  list(APPEND _inc -I${_d})
endforeach()
file(MAKE_DIRECTORY "${OUT}")
set(_n 0)
foreach(_prec DOUBLE_DOUBLE SINGLE_SINGLE SINGLE_DOUBLE)
  foreach(_src ${_sources})
    get_filename_component(_name "${_src}" NAME_WE)
    execute_process(
      COMMAND "${CXX}" -std=c++20 -fopenmp -c -o "${OUT}/${_name}_${_prec}.o" "${_src}"
              -DLMP_KOKKOS -DLMP_KOKKOS_${_prec} -DLAMMPS_${SIZES}
              -DAMORPH_LAMMPS_VERSION=${VERSION} ${_inc}
      RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "${_name}.cpp (LMP_KOKKOS_${_prec}) does not compile against "
        "${KOKKOS_INCLUDE}:\n${_err}")
    endif()
    math(EXPR _n "${_n} + 1")
  endforeach()
endforeach()
list(LENGTH _sources _ns)
message(STATUS "compiled ${_ns} /kk sources x 3 precisions (${_n} objects) against "
  "${KOKKOS_INCLUDE} and ${LAMMPS_SRC}")
