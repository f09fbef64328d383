// SPDX-License-Identifier: MIT
/* Host stand-in for the CPU feature flags (arch/x86_64/cpu.c): no RDRAND
 * or RDSEED, so the random generator seeds from the TSC and clock. */
#include <arch/x86_64/cpu.h>

struct cpu_features cpu_features;
