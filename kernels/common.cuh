// common.cuh: what every kernel file shares.
//
// - Portability: under nvcc (__CUDACC__) this is plain CUDA. Under g++ (kernels/host/, the host
//   emulation the tests run) the CUDA keywords and built-ins come from host/emulator.h, so the
//   SAME kernel source is compiled both ways and checked against the C# reference on any machine.
// - Parameter structs: every entry point takes one struct by value (the host passes
//   `void* params[] = { &p }` to cuLaunchKernel). Pointers are 8 bytes (device addresses, or host
//   addresses under the emulator), int/float 4, counts `long long`. Each struct is padded by hand
//   so that C#'s [StructLayout(LayoutKind.Sequential)] (Backends/Cuda/KernelParams.cs) gives the
//   same layout; each file static_asserts its struct's size, and the tests compare it with C#.
// - Exact float32 arithmetic where the reference's rounding is the spec: D2_FMUL/D2_FADD forbid
//   nvcc's multiply-add contraction (g++ does not contract on x86-64 without -mfma).
#pragma once

#ifdef __CUDACC__
#define D2_FMUL(a, b) __fmul_rn((a), (b))
#define D2_FADD(a, b) __fadd_rn((a), (b))
// The host-emulation hooks vanish on the device.
#define D2_HOST_ENTRY(kernel, Params)
#define D2_HOST_STRUCT(Params)
#else
#include "host/emulator.h"
#define D2_FMUL(a, b) ((a) * (b))
#define D2_FADD(a, b) ((a) + (b))
#endif

#define D2_STRUCT_SIZE(Params, bytes) static_assert(sizeof(Params) == (bytes), #Params " must stay " #bytes " bytes: KernelParams.cs mirrors it")

// Threads per block of every 1-D launch (LaunchShapes.Elementwise in C#).
#define D2_BLOCK 256

// The global index of this thread and the grid's stride, in 64 bits: element counts of a batch of
// feature maps can pass 2^31.
__device__ __forceinline__ long long d2_first_index() { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ __forceinline__ long long d2_grid_stride() { return (long long)gridDim.x * blockDim.x; }

// max(x, 0) with .NET's MathF.Max(x, 0f) semantics: NaN stays NaN, −0 becomes +0.
__device__ __forceinline__ float d2_relu(float x) { return x > 0.f || x != x ? x : 0.f; }
