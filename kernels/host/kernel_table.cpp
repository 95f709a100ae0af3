// kernel_table.cpp: the host library's C interface (libd2sharp_kernels_host.so), which the tests
// call the way the CUDA backend calls cuLaunchKernel.
//
// The table lists every `extern "C" __global__` of kernels/*.cu by hand; each file defines the
// d2h_entry_<kernel> trampolines and d2h_sizeof_<Params> functions it names (D2_HOST_ENTRY,
// D2_HOST_STRUCT in host/emulator.h), so a row without a kernel fails to link, and
// CudaKernels/KernelTableTests checks that no kernel is missing from the table.
#include "emulator.h"

#include <cstring>

#define D2_KERNEL(name) extern "C" void d2h_entry_##name(void**);
#define D2_STRUCT(name) extern "C" int d2h_sizeof_##name();
#include "kernel_list.h"
#undef D2_KERNEL
#undef D2_STRUCT

namespace {

struct KernelRow
{
    const char* name;
    void (*entry)(void**);
};

struct StructRow
{
    const char* name;
    int (*size)();
};

#define D2_KERNEL(name) {#name, d2h_entry_##name},
#define D2_STRUCT(name)
const KernelRow Kernels[] = {
#include "kernel_list.h"
};
#undef D2_KERNEL
#undef D2_STRUCT

#define D2_KERNEL(name)
#define D2_STRUCT(name) {#name, d2h_sizeof_##name},
const StructRow Structs[] = {
#include "kernel_list.h"
};
#undef D2_KERNEL
#undef D2_STRUCT

} // namespace

// Runs the named kernel under the emulator with cuLaunchKernel's arguments: 0 on success,
// 1 unknown kernel, 2 more than 1024 threads per block, 3 an empty grid or block.
extern "C" __attribute__((visibility("default"))) int d2h_launch(const char* kernel_name, unsigned gx, unsigned gy, unsigned gz,
                                                                 unsigned bx, unsigned by, unsigned bz, void** params)
{
    for (const KernelRow& row : Kernels)
        if (std::strcmp(row.name, kernel_name) == 0) return d2h_run(row.entry, {gx, gy, gz}, {bx, by, bz}, params);
    return 1;
}

// sizeof the named parameter struct, or −1 when the table does not know it.
extern "C" __attribute__((visibility("default"))) int d2h_sizeof(const char* struct_name)
{
    for (const StructRow& row : Structs)
        if (std::strcmp(row.name, struct_name) == 0) return row.size();
    return -1;
}

// The i-th kernel of the table, or null past its end: lets the tests compare it with the sources.
extern "C" __attribute__((visibility("default"))) const char* d2h_kernel_name(int index)
{
    return index >= 0 && index < (int)(sizeof Kernels / sizeof Kernels[0]) ? Kernels[index].name : nullptr;
}
