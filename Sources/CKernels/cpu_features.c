// The processor's identity and the instruction-set extensions that both it and the operating
// system support, from cpuid and xgetbv: what OpenBLAS's kernels need, for BLASCore.swift.

#include "CKernels.h"
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>

static void cpuid_count(unsigned leaf, unsigned subleaf, unsigned r[4]) {
    __cpuid_count(leaf, subleaf, r[0], r[1], r[2], r[3]);
}

// XCR0: which register states the operating system saves on a context switch.
static unsigned long long read_xcr0(void) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

int inductive_cpu_identify(char vendor[13], unsigned *family, unsigned *model, unsigned *features) {
    unsigned r[4];
    cpuid_count(0, 0, r);
    unsigned max_leaf = r[0];
    memcpy(vendor, &r[1], 4); // EBX, EDX, ECX spell the vendor
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = 0;
    *family = *model = *features = 0;
    if (max_leaf < 1) return 1;

    cpuid_count(1, 0, r);
    unsigned base_family = (r[0] >> 8) & 0xf, base_model = (r[0] >> 4) & 0xf;
    unsigned ext_family = (r[0] >> 20) & 0xff, ext_model = (r[0] >> 16) & 0xf;
    // The displayed family and model, as the vendors' manuals (and /proc/cpuinfo) define them.
    *family = base_family == 0xf ? base_family + ext_family : base_family;
    *model = (base_family == 0x6 || base_family == 0xf) ? (ext_model << 4) | base_model : base_model;

    unsigned ecx1 = r[2], f = 0;
    if (ecx1 & (1u << 0)) f |= INDUCTIVE_CPU_SSE3;
    if (ecx1 & (1u << 9)) f |= INDUCTIVE_CPU_SSSE3;
    if (ecx1 & (1u << 19)) f |= INDUCTIVE_CPU_SSE41;
    if (ecx1 & (1u << 20)) f |= INDUCTIVE_CPU_SSE42;

    // AVX and AVX-512 are usable only when the OS saves their registers (OSXSAVE, then XCR0:
    // bits 1-2 for XMM/YMM, bits 5-7 for the opmask and ZMM states).
    int osxsave = (ecx1 & (1u << 27)) != 0;
    unsigned long long xcr0 = osxsave ? read_xcr0() : 0;
    int ymm = (xcr0 & 0x6) == 0x6, zmm = ymm && (xcr0 & 0xe0) == 0xe0;
    if (ymm && (ecx1 & (1u << 28))) f |= INDUCTIVE_CPU_AVX;
    if (ymm && (ecx1 & (1u << 12))) f |= INDUCTIVE_CPU_FMA;

    if (max_leaf >= 7) {
        cpuid_count(7, 0, r);
        unsigned ebx7 = r[1], max_subleaf = r[0];
        if (ymm && (ebx7 & (1u << 5))) f |= INDUCTIVE_CPU_AVX2;
        if (zmm) {
            if (ebx7 & (1u << 16)) f |= INDUCTIVE_CPU_AVX512F;
            if (ebx7 & (1u << 17)) f |= INDUCTIVE_CPU_AVX512DQ;
            if (ebx7 & (1u << 30)) f |= INDUCTIVE_CPU_AVX512BW;
            if (ebx7 & (1u << 31)) f |= INDUCTIVE_CPU_AVX512VL;
            if (max_subleaf >= 1) {
                cpuid_count(7, 1, r);
                if (r[0] & (1u << 5)) f |= INDUCTIVE_CPU_AVX512BF16;
            }
        }
    }
    *features = f;
    return 1;
}

#else

int inductive_cpu_identify(char vendor[13], unsigned *family, unsigned *model, unsigned *features) {
    memset(vendor, 0, 13);
    *family = *model = *features = 0;
    return 0;
}

#endif
