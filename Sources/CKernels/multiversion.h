#ifndef INDUCTIVE_MULTIVERSION_H
#define INDUCTIVE_MULTIVERSION_H

// Shared by the kernels of this target.
//
// No fused multiply-adds: every clone (and every machine) rounds the same way, so results
// do not depend on which instruction set was chosen at load time.
#if defined(__clang__)
#pragma clang fp contract(off)
#else
#pragma STDC FP_CONTRACT OFF
#endif

// Compiled for several x86-64 levels, the best chosen when the program loads (function
// multiversioning); elsewhere one baseline version.
#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
#define INDUCTIVE_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define INDUCTIVE_MULTIVERSION
#endif

#endif
