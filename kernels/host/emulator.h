// emulator.h: the CUDA execution model on the CPU, enough for kernels/*.cu compiled with g++.
//
// A launch runs the grid's blocks one after another. The threads of a block are cooperative
// user-level threads (ucontext): each runs until it returns or calls __syncthreads(), which yields
// to the scheduler; the scheduler resumes the block's threads round-robin, so every thread reaches
// a barrier before any passes it, as on the GPU. Only one emulated thread runs at a time, hence:
// - __shared__ is a function-level static: one copy, shared by the running block's threads (each
//   block initialises what it uses, as it must on the GPU);
// - threadIdx/blockIdx/blockDim/gridDim are globals the scheduler sets before resuming a thread;
// - atomics are plain read-modify-writes.
// Launches are serialised by a mutex in emulator.cpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <math.h>   // floorf, expf, fmaxf, sqrt, INFINITY in the global namespace, as CUDA has them

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ static

struct uint3 { unsigned x, y, z; };
struct dim3 { unsigned x, y, z; };
struct float2 { float x, y; };
struct alignas(16) float4 { float x, y, z, w; };

inline float2 make_float2(float x, float y) { return {x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }

extern uint3 threadIdx;
extern uint3 blockIdx;
extern dim3 blockDim;
extern dim3 gridDim;

// Yields to the block scheduler until every thread of the block has arrived.
void __syncthreads();

inline float rsqrtf(float x) { return 1.f / sqrtf(x); }
inline float __expf(float x) { return expf(x); }
inline float atomicAdd(float* address, float value) { float old = *address; *address = old + value; return old; }
inline unsigned atomicAdd(unsigned* address, unsigned value) { unsigned old = *address; *address = old + value; return old; }
inline unsigned __float_as_uint(float x) { unsigned bits; std::memcpy(&bits, &x, sizeof bits); return bits; }

using std::min;
using std::max;

// The launch table's hooks (host/kernel_table.cpp): a C entry that unpacks cuLaunchKernel's
// `void**` and calls the kernel, and the struct's size for the C# layout test.
#define D2_HOST_ENTRY(kernel, Params) \
    extern "C" void d2h_entry_##kernel(void** params) { kernel(*static_cast<const Params*>(params[0])); }
#define D2_HOST_STRUCT(Params) \
    extern "C" int d2h_sizeof_##Params() { return (int)sizeof(Params); }

// Runs `kernel` (a d2h_entry_*) over the grid; 0, or a nonzero d2h_launch error.
int d2h_run(void (*kernel)(void**), dim3 grid, dim3 block, void** params);
