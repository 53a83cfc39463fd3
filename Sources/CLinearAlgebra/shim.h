#ifndef INDUCTIVE_CLINEARALGEBRA_SHIM_H
#define INDUCTIVE_CLINEARALGEBRA_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
