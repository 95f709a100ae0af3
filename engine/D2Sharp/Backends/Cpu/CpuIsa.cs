using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace D2Sharp.Backends.Cpu;

/// <summary>The vector instruction set the CPU backend's kernels use.</summary>
public enum CpuIsa
{
    /// <summary>The widest the processor runs: <see cref="Avx512"/>, else <see cref="Avx2"/>, else <see cref="Portable"/>.</summary>
    Auto,
    /// <summary>512-bit vectors with fused multiply-add (x64 AVX-512F).</summary>
    Avx512,
    /// <summary>256-bit vectors with fused multiply-add (x64 AVX2 + FMA).</summary>
    Avx2,
    /// <summary><see cref="Vector{T}"/> of the machine's preferred width, on any processor .NET runs on.</summary>
    Portable,
}

/// <summary>What the processor offers of <see cref="CpuIsa"/>: support checks, resolution of <see cref="CpuIsa.Auto"/> and vector widths.</summary>
public static class CpuIsas
{
    /// <summary>Whether this processor and runtime run <paramref name="isa"/>'s kernels (always true for <see cref="CpuIsa.Auto"/> and <see cref="CpuIsa.Portable"/>).</summary>
    public static bool IsSupported(CpuIsa isa) => isa switch
    {
        CpuIsa.Auto or CpuIsa.Portable => true,
        CpuIsa.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        CpuIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => false,
    };

    /// <summary>The instruction set <paramref name="isa"/> stands for on this processor.</summary>
    public static CpuIsa Resolve(CpuIsa isa)
    {
        if (isa != CpuIsa.Auto)
            return IsSupported(isa) ? isa : throw new PlatformNotSupportedException($"this processor does not run the {isa} kernels of the CPU backend");
        return IsSupported(CpuIsa.Avx512) ? CpuIsa.Avx512 : IsSupported(CpuIsa.Avx2) ? CpuIsa.Avx2 : CpuIsa.Portable;
    }

    /// <summary>Floats per vector on the resolved instruction set.</summary>
    public static int VectorWidth(CpuIsa isa) => Resolve(isa) switch
    {
        CpuIsa.Avx512 => Vector512<float>.Count,
        CpuIsa.Avx2 => Vector256<float>.Count,
        _ => Vector<float>.Count,
    };
}
