namespace D2Sharp.Backends.Cpu;

/// <summary>How the CPU backend computes the 3×3 stride-1 convolutions that Winograd can take.</summary>
public enum CpuConvAlgorithm
{
    /// <summary>Per layer, by the rule measured on this backend (see <c>Conv2dKernel.PrefersWinograd</c>).</summary>
    Auto,
    /// <summary>Always the implicit GEMM.</summary>
    Direct,
    /// <summary>Winograd F(4×4, 3×3) for every layer it applies to (3×3, stride 1, dilation 1, no groups).</summary>
    Winograd,
}
