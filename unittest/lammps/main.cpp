// AMORPH - LAMMPS plugin package, GPL-2.0
// GoogleTest main for tests that create LAMMPS instances: MPI must be initialised once.
#include <gtest/gtest.h>
#include <mpi.h>

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  int rv = RUN_ALL_TESTS();
  MPI_Finalize();
  return rv;
}
