namespace D2Sharp.Backends.Cuda;

/// <summary>
/// The arithmetic of the CUDA backend's convolutions and GEMMs. Our own kernels compute in float32
/// in every mode.
/// </summary>
public enum CudaPrecision
{
    /// <summary>Float32 with FMA arithmetic only (cuDNN FMA math, cuBLAS default math): the fixtures' tolerance.</summary>
    Fp32,
    /// <summary>Float32 storage, TF32 tensor cores in cuDNN and cuBLAS (10-bit mantissa products): faster, measured error reported by the device check.</summary>
    Tf32,
}
