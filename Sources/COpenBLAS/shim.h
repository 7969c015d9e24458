// OpenBLAS (Debian libopenblas-dev): cblas_sgemm and friends, plus thread control.
#include <cblas.h>
