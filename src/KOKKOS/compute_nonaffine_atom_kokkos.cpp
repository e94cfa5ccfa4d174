/* ----------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
------------------------------------------------------------------------- */

// first: Kokkos before the kernel header, whose functions then are device functions too
#include "amorph_kokkos.h"

#include "compute_nonaffine_atom_kokkos.h"
#include "fix_nonaffine_ref.h"
#include "nonaffine_kernel.h"

#include "atom_kokkos.h"
#include "atom_masks.h"
#include "comm.h"
#include "utils.h"

#include <vector>

using namespace LAMMPS_NS;
namespace NA = AMORPH::nonaffine;

using AMORPH_NS::DeviceRow;
using AMORPH_NS::upload;

template <class DeviceType>
ComputeNonaffineAtomKokkos<DeviceType>::ComputeNonaffineAtomKokkos(LAMMPS *lmp, int narg,
                                                                   char **arg) :
    // checked before compute nonaffine/atom parses its arguments and creates its fixes
    ComputeNonaffineAtom((AMORPH_NS::require_kokkos(lmp, "compute nonaffine/atom/kk"), lmp), narg,
                         arg)
{
  kokkosable = 1;
  atomKK = (AtomKokkos *) atom;
  execution_space = ExecutionSpaceFromDevice<DeviceType>::space;
  datamask_read = EMPTY_MASK;
  datamask_modify = EMPTY_MASK;
  // the helper fix runs every step but reads atom data only at reference resets, where
  // sync_host_atoms() brings them to the host: LAMMPS must not copy all atom data for it
  ref->datamask_read = EMPTY_MASK;
  ref->datamask_modify = EMPTY_MASK;
}

template <class DeviceType> void ComputeNonaffineAtomKokkos<DeviceType>::init()
{
  ComputeNonaffineAtom::init();
  if (comm->me == 0)
    utils::logmesg(lmp, "compute {} {}: per-atom kernel on Kokkos {}\n", style, id,
                   DeviceType::execution_space::name());
}

template <class DeviceType> void ComputeNonaffineAtomKokkos<DeviceType>::refresh_ghosts()
{
  AMORPH_NS::current_ghosts_kokkos(lmp);
}

template <class DeviceType> void ComputeNonaffineAtomKokkos<DeviceType>::sync_host_atoms()
{
  atomKK->sync(Host, X_MASK | IMAGE_MASK | MASK_MASK);
}

template <class DeviceType> void ComputeNonaffineAtomKokkos<DeviceType>::bonds_built()
{
  upload(bond_atom, d_bond_atom, "nonaffine/atom/kk:bond_atom");
  upload(bond_need, d_bond_need, "nonaffine/atom/kk:bond_need");
  upload(bond_first, d_bond_first, "nonaffine/atom/kk:bond_first");
  upload(bond_j, d_bond_j, "nonaffine/atom/kk:bond_j");
  AMORPH_NS::upload_rows(bond_d0.data(), 0, bond_j.size(), 3, d_bond_d0,
                         "nonaffine/atom/kk:bond_d0");
}

template <class DeviceType> bigint ComputeNonaffineAtomKokkos<DeviceType>::evaluate_bonds()
{
  const int nlocal = atom->nlocal;
  AMORPH_NS::zero_rows(d_out, nlocal, size_peratom_cols, "nonaffine/atom/kk:out");

  atomKK->sync(execution_space, X_MASK);
  const auto x = atomKK->k_x.template view<DeviceType>();
  const IntView atoms = d_bond_atom, need = d_bond_need, first = d_bond_first, bj = d_bond_j;
  const RowsView d0 = d_bond_d0, rows_out = d_out;
  const int cF = col_F, cS = col_strain;
  int nlost = 0;
  Kokkos::parallel_reduce(
      Kokkos::RangePolicy<typename DeviceType::execution_space>(0, (int) bond_atom.size()),
      LAMMPS_LAMBDA(const int a, int &lost) {
        const int i = atoms(a);
        if (NA::evaluate_bonds(x, i, bj, d0, first(a), first(a + 1), need(a), cF, cS,
                               DeviceRow<RowsView>{rows_out, i}))
          ++lost;
      },
      nlost);

  // the per-atom array for output lives on the host (array_atom): its local rows
  if (nlocal > 0) AMORPH_NS::download_rows(d_out, nlocal, &this->out[0][0]);
  return nlost;
}

template <class DeviceType> double ComputeNonaffineAtomKokkos<DeviceType>::memory_usage()
{
  double bytes = ComputeNonaffineAtom::memory_usage();
  bytes += (double) (d_bond_atom.extent(0) + d_bond_need.extent(0) + d_bond_first.extent(0) +
                     d_bond_j.extent(0)) *
      sizeof(int);
  bytes += (double) (d_bond_d0.size() + d_out.size()) * sizeof(double);
  return bytes;
}

namespace LAMMPS_NS {
template class ComputeNonaffineAtomKokkos<LMPDeviceType>;
#ifdef LMP_KOKKOS_GPU
template class ComputeNonaffineAtomKokkos<LMPHostType>;
#endif
}    // namespace LAMMPS_NS
