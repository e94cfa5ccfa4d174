/* ----------------------------------------------------------------------
   AMORPH - LAMMPS plugin package, GPL-2.0
------------------------------------------------------------------------- */

// first: Kokkos before the kernel header, whose functions then are device functions too
#include "amorph_kokkos.h"

#include "compute_boop_atom_kokkos.h"

#include "atom_kokkos.h"
#include "atom_masks.h"
#include "comm.h"
#include "utils.h"

#include <vector>

using namespace LAMMPS_NS;
namespace BK = AMORPH::boop;
using AMORPH_NS::DeviceRow;
using AMORPH_NS::upload;

template <class DeviceType>
ComputeBoopAtomKokkos<DeviceType>::ComputeBoopAtomKokkos(LAMMPS *lmp, int narg, char **arg) :
    // checked before compute boop/atom parses its arguments
    ComputeBoopAtom((AMORPH_NS::require_kokkos(lmp, "compute boop/atom/kk"), lmp), narg, arg)
{
  kokkosable = 1;
  atomKK = (AtomKokkos *) atom;
  execution_space = ExecutionSpaceFromDevice<DeviceType>::space;
  datamask_read = EMPTY_MASK;
  datamask_modify = EMPTY_MASK;

  // the tables of the degrees on the device, and a setup whose pointers lead there
  const BK::BoopSetup h = setup();
  const int ndeg = h.ndeg;
  upload(h.t.a, BK::NTRI, d_a, "boop/atom/kk:a");
  upload(h.t.ab, BK::NTRI, d_ab, "boop/atom/kk:ab");
  upload(h.t.diag, BK::LMAX + 1, d_diag, "boop/atom/kk:diag");
  upload(h.t.sub, BK::LMAX + 1, d_sub, "boop/atom/kk:sub");
  upload(h.t.slot, BK::LMAX + 1, d_slot, "boop/atom/kk:slot");
  upload(h.t.off, ndeg, d_off, "boop/atom/kk:off");
  upload(degrees, d_degrees, "boop/atom/kk:degrees");
  std::vector<BK::W3jTerm> terms;
  std::vector<int> first;
  for (int k = 0; k < ndeg; ++k) {
    first.push_back((int) terms.size());
    terms.insert(terms.end(), h.w3j[k].terms, h.w3j[k].terms + h.w3j[k].nterms);
  }
  upload(terms, d_terms, "boop/atom/kk:terms");
  std::vector<BK::W3jView> views;
  for (int k = 0; k < ndeg; ++k)
    views.push_back({d_terms.data() + first[k], h.w3j[k].nterms, h.w3j[k].l});
  upload(views, d_w3j, "boop/atom/kk:w3j");
  d_setup = h;
  d_setup.t = {d_a.data(),    d_ab.data(),  d_diag.data(), d_sub.data(),
               d_slot.data(), d_off.data(), h.t.lmax};
  d_setup.w3j = d_w3j.data();
  d_setup.degrees = d_degrees.data();
}

template <class DeviceType> void ComputeBoopAtomKokkos<DeviceType>::init()
{
  ComputeBoopAtom::init();
  if (comm->me == 0)
    utils::logmesg(lmp, "compute {} {}: per-atom kernels on Kokkos {}\n", style, id,
                   DeviceType::execution_space::name());
}

template <class DeviceType> void ComputeBoopAtomKokkos<DeviceType>::refresh_ghosts()
{
  AMORPH_NS::current_ghosts_kokkos(lmp);
}

template <class DeviceType> void ComputeBoopAtomKokkos<DeviceType>::sync_host_atoms()
{
  // the neighbour search reads positions, masks and IDs (for its order) on the host
  atomKK->sync(Host, X_MASK | MASK_MASK | TAG_MASK);
}

template <class DeviceType> void ComputeBoopAtomKokkos<DeviceType>::evaluate_pass1()
{
  const int nlocal = atom->nlocal;
  upload(eval_atom, d_eval_atom, "boop/atom/kk:eval_atom");
  upload(eval_out, d_eval_out, "boop/atom/kk:eval_out");
  upload(bond_first, d_bond_first, "boop/atom/kk:bond_first");
  upload(bond_j, d_bond_j, "boop/atom/kk:bond_j");
  AMORPH_NS::upload_rows(bond_vec.data(), 0, bond_j.size(), 4, d_bond_vec, "boop/atom/kk:bond_vec");
  // q_lm rows for the local and ghost atoms (the ghosts' arrive in ghost_qlm())
  AMORPH_NS::ensure_rows(d_qlm, nmax, 2 * nhalf, "boop/atom/kk:qlm");
  AMORPH_NS::zero_rows(d_qlm, nlocal, 2 * nhalf, "boop/atom/kk:qlm");
  AMORPH_NS::zero_rows(d_boop, nlocal, size_peratom_cols, "boop/atom/kk:boop");

  const BK::BoopSetup s = d_setup;
  const IntView atoms = d_eval_atom, write = d_eval_out, first = d_bond_first;
  const RowsView bvec = d_bond_vec, q = d_qlm, out = d_boop;
  Kokkos::parallel_for(
      Kokkos::RangePolicy<typename DeviceType::execution_space>(0, (int) eval_atom.size()),
      LAMMPS_LAMBDA(const int a) {
        const int i = atoms(a);
        BK::atom_pass1(s, i, bvec, first(a), first(a + 1), q, write(a) != 0,
                       DeviceRow<RowsView>{out, i});
      });
  if (!need_neighbors_of_neighbors()) download_output();
}

template <class DeviceType> void ComputeBoopAtomKokkos<DeviceType>::ghost_qlm()
{
  // the forward communication packs the host rows: local rows to the host, the ghost rows
  // they filled back to the device
  const int nlocal = atom->nlocal, nall = nlocal + atom->nghost;
  if (nlocal > 0) AMORPH_NS::download_rows(d_qlm, nlocal, &qlm[0][0]);
  ComputeBoopAtom::ghost_qlm();
  if (nall > nlocal)
    AMORPH_NS::upload_rows(&qlm[nlocal][0], nlocal, nall - nlocal, 2 * nhalf, d_qlm,
                           "boop/atom/kk:qlm");
}

template <class DeviceType> void ComputeBoopAtomKokkos<DeviceType>::evaluate_pass2()
{
  const BK::BoopSetup s = d_setup;
  const IntView atoms = d_eval_atom, write = d_eval_out, first = d_bond_first, bj = d_bond_j;
  const RowsView q = d_qlm, out = d_boop;
  Kokkos::parallel_for(
      Kokkos::RangePolicy<typename DeviceType::execution_space>(0, (int) eval_atom.size()),
      LAMMPS_LAMBDA(const int a) {
        if (!write(a)) return;
        const int i = atoms(a);
        BK::atom_pass2(s, i, bj, first(a), first(a + 1), q, DeviceRow<RowsView>{out, i});
      });
  download_output();
}

// the per-atom array for output lives on the host (array_atom): its local rows
template <class DeviceType> void ComputeBoopAtomKokkos<DeviceType>::download_output()
{
  if (atom->nlocal > 0) AMORPH_NS::download_rows(d_boop, atom->nlocal, &boop[0][0]);
}

template <class DeviceType> double ComputeBoopAtomKokkos<DeviceType>::memory_usage()
{
  double bytes = ComputeBoopAtom::memory_usage();
  bytes += (double) (d_eval_atom.extent(0) + d_eval_out.extent(0) + d_bond_first.extent(0) +
                     d_bond_j.extent(0)) *
      sizeof(int);
  bytes += (double) (d_bond_vec.size() + d_qlm.size() + d_boop.size()) * sizeof(double);
  return bytes;
}

namespace LAMMPS_NS {
template class ComputeBoopAtomKokkos<LMPDeviceType>;
#ifdef LMP_KOKKOS_GPU
template class ComputeBoopAtomKokkos<LMPHostType>;
#endif
}    // namespace LAMMPS_NS
