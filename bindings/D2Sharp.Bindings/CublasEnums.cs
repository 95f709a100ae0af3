namespace D2Sharp.Bindings;

// Values from cublas_api.h and library_types.h (CUDA 11.8 as installed by Debian's nvidia-cuda-dev,
// identical in CUDA 12.6; the tests parse the installed headers).

/// <summary><c>cublasStatus_t</c> (cublas_api.h).</summary>
public enum CublasStatus
{
    Success = 0,
    NotInitialized = 1,
    AllocFailed = 3,
    InvalidValue = 7,
    ArchMismatch = 8,
    MappingError = 11,
    ExecutionFailed = 13,
    InternalError = 14,
    NotSupported = 15,
    LicenseError = 16,
}

/// <summary><c>cublasOperation_t</c> (cublas_api.h).</summary>
public enum CublasOperation
{
    N = 0,
    T = 1,
    C = 2,
    Hermitan = 2,
    Conjg = 3,
}

/// <summary>
/// <c>cublasMath_t</c> (cublas_api.h). With <see cref="DefaultMath"/>, fp32 GEMMs stay in fp32 unless
/// NVIDIA_TF32_OVERRIDE=1; <see cref="Tf32TensorOpMath"/> opts in to TF32 tensor cores.
/// <see cref="DisallowReducedPrecisionReduction"/> is a flag OR-ed onto one of the others.
/// </summary>
public enum CublasMath
{
    DefaultMath = 0,
    TensorOpMath = 1,
    PedanticMath = 2,
    Tf32TensorOpMath = 3,
    DisallowReducedPrecisionReduction = 16,
}

/// <summary><c>cublasComputeType_t</c> (cublas_api.h) for <see cref="Cublas.cublasGemmEx"/>.</summary>
public enum CublasComputeType
{
    Compute16F = 64,
    Compute16FPedantic = 65,
    Compute32F = 68,
    Compute32FPedantic = 69,
    Compute32FFast16F = 74,
    Compute32FFast16BF = 75,
    Compute32FFastTf32 = 77,
    Compute64F = 70,
    Compute64FPedantic = 71,
    Compute32I = 72,
    Compute32IPedantic = 73,
}

/// <summary><c>cudaDataType_t</c> (library_types.h): element types of cuBLAS's <c>Ex</c> calls.</summary>
public enum CudaDataType
{
    R16F = 2,
    C16F = 6,
    R16BF = 14,
    C16BF = 15,
    R32F = 0,
    C32F = 4,
    R64F = 1,
    C64F = 5,
    R4I = 16,
    C4I = 17,
    R4U = 18,
    C4U = 19,
    R8I = 3,
    C8I = 7,
    R8U = 8,
    C8U = 9,
    R16I = 20,
    C16I = 21,
    R16U = 22,
    C16U = 23,
    R32I = 10,
    C32I = 11,
    R32U = 12,
    C32U = 13,
    R64I = 24,
    C64I = 25,
    R64U = 26,
    C64U = 27,
    R8FE4M3 = 28,
    R8FE5M2 = 29,
}

/// <summary><c>cublasGemmAlgo_t</c> (cublas_api.h). Since CUDA 11 the numbered algorithms are hints cuBLAS may ignore.</summary>
public enum CublasGemmAlgo
{
    Default = -1,
    Algo0 = 0, Algo1 = 1, Algo2 = 2, Algo3 = 3, Algo4 = 4, Algo5 = 5, Algo6 = 6, Algo7 = 7,
    Algo8 = 8, Algo9 = 9, Algo10 = 10, Algo11 = 11, Algo12 = 12, Algo13 = 13, Algo14 = 14, Algo15 = 15,
    Algo16 = 16, Algo17 = 17, Algo18 = 18, Algo19 = 19, Algo20 = 20, Algo21 = 21, Algo22 = 22, Algo23 = 23,
    DefaultTensorOp = 99,
    Algo0TensorOp = 100, Algo1TensorOp = 101, Algo2TensorOp = 102, Algo3TensorOp = 103,
    Algo4TensorOp = 104, Algo5TensorOp = 105, Algo6TensorOp = 106, Algo7TensorOp = 107,
    Algo8TensorOp = 108, Algo9TensorOp = 109, Algo10TensorOp = 110, Algo11TensorOp = 111,
    Algo12TensorOp = 112, Algo13TensorOp = 113, Algo14TensorOp = 114, Algo15TensorOp = 115,
}

/// <summary><c>libraryPropertyType</c> (library_types.h) for <see cref="Cublas.cublasGetProperty"/>.</summary>
public enum LibraryPropertyType
{
    MajorVersion = 0,
    MinorVersion = 1,
    PatchLevel = 2,
}
