// AMORPH - LAMMPS plugin package, GPL-2.0
//
// amorph_inline.h -- AMORPH_INLINE marks the kernel functions that the Kokkos
// variants of the styles (src/KOKKOS) call inside their device kernels as well as
// the plain styles on the host: one definition of the numerics for both.  It is
// KOKKOS_INLINE_FUNCTION (host + device, inline) in a translation unit that
// includes Kokkos first (the src/KOKKOS sources, through amorph_kokkos.h), plain
// `inline` everywhere else, so the kernels need no Kokkos to build and test.

#ifndef AMORPH_INLINE_H
#define AMORPH_INLINE_H

#if defined(KOKKOS_INLINE_FUNCTION)
#define AMORPH_INLINE KOKKOS_INLINE_FUNCTION
#else
#define AMORPH_INLINE inline
#endif

#endif
