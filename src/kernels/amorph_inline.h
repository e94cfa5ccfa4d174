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

namespace AMORPH {

// Accessors of plain host arrays for the per-atom kernel functions (evaluate_bonds,
// atom_pass1, ...), which read and write through call operators so that the Kokkos styles
// can pass their Kokkos::Views instead.
struct Rows {    // x(j, k) = p[j][k]
  double *const *p;
  AMORPH_INLINE double &operator()(int j, int k) const { return p[j][k]; }
};
struct Row {    // out(c) = p[c]
  double *p;
  AMORPH_INLINE double &operator()(int c) const { return p[c]; }
};
struct Flat {    // bj(b) = p[b]
  const int *p;
  AMORPH_INLINE int operator()(int b) const { return p[b]; }
};
template <int N> struct Strided {    // v(b, k) = p[N b + k]
  const double *p;
  AMORPH_INLINE double operator()(int b, int k) const { return p[N * (long) b + k]; }
};

}    // namespace AMORPH

#endif
