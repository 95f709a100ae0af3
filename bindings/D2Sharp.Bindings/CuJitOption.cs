namespace D2Sharp.Bindings;

/// <summary>
/// <c>CUjit_option</c> for <see cref="CudaDriver.cuModuleLoadDataEx"/>, from <c>cuda.h</c> (CUDA 11.8;
/// members marked "CUDA 12.6" from the 12.6 header). The header numbers them implicitly from 0.
/// Buffer options take a pointer value; size options take the size itself cast to <c>void*</c>, and the
/// driver writes back the number of bytes used.
/// </summary>
public enum CuJitOption
{
    MaxRegisters = 0,
    ThreadsPerBlock = 1,
    WallTime = 2,
    InfoLogBuffer = 3,
    InfoLogBufferSizeBytes = 4,
    ErrorLogBuffer = 5,
    ErrorLogBufferSizeBytes = 6,
    OptimizationLevel = 7,
    TargetFromCucontext = 8,
    Target = 9,
    FallbackStrategy = 10,
    GenerateDebugInfo = 11,
    LogVerbose = 12,
    GenerateLineInfo = 13,
    CacheMode = 14,
    NewSm3xOpt = 15,
    FastCompile = 16,
    GlobalSymbolNames = 17,
    GlobalSymbolAddresses = 18,
    GlobalSymbolCount = 19,
    Lto = 20,
    Ftz = 21,
    PrecDiv = 22,
    PrecSqrt = 23,
    Fma = 24,
    ReferencedKernelNames = 25,
    ReferencedKernelCount = 26,
    ReferencedVariableNames = 27,
    ReferencedVariableCount = 28,
    OptimizeUnusedDeviceVariables = 29,
    PositionIndependentCode = 30, // CUDA 12.6
    MinCtaPerSm = 31, // CUDA 12.6
    MaxThreadsPerBlock = 32, // CUDA 12.6
    OverrideDirectiveValues = 33, // CUDA 12.6
}
