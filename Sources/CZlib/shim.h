#ifndef INDUCTIVE_CZLIB_SHIM_H
#define INDUCTIVE_CZLIB_SHIM_H
#include <zlib.h>
#endif
