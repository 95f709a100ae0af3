namespace D2Sharp.Bindings;

// Values from cuDNN 9.6.0's headers (cudnn_graph.h, cudnn_ops.h, cudnn_cnn.h; CUDNN_MAJOR 9, MINOR 6) as
// shipped in NVIDIA's CUDA 12.6 redistributable, and the cuDNN 9 API reference
// (docs.nvidia.com/deeplearning/cudnn/api: cudnn-graph-library, cudnn-ops-library, cudnn-cnn-library).
// cuDNN 9 headers are not installed on the build machines, so the tests compare against a table of these values.

/// <summary>
/// <c>cudnnStatus_t</c> (cudnn_graph.h, cuDNN 9). cuDNN 9 renumbered the codes into categories:
/// 1xxx initialisation, 2xxx bad parameter, 3xxx not supported, 4xxx internal, 5xxx execution; the
/// category is <c>status / 1000 * 1000</c>. The cuDNN 8 names kept as deprecated aliases are included.
/// </summary>
public enum CudnnStatus
{
    Success = 0,
    NotInitialized = 1001,
    SublibraryVersionMismatch = 1002,
    SerializationVersionMismatch = 1003,
    Deprecated = 1004,
    LicenseError = 1005,
    RuntimeInProgress = 1006,
    RuntimeFpOverflow = 1007,
    SublibraryLoadingFailed = 1008,
    BadParam = 2000,
    /// <summary>Deprecated alias of <see cref="BadParam"/>'s category.</summary>
    InvalidValue = 2001,
    BadParamNullPointer = 2002,
    BadParamMisalignedPointer = 2003,
    BadParamNotFinalized = 2004,
    BadParamOutOfBound = 2005,
    BadParamSizeInsufficient = 2006,
    BadParamStreamMismatch = 2007,
    BadParamShapeMismatch = 2008,
    BadParamDuplicatedEntries = 2009,
    BadParamAttributeType = 2010,
    BadParamCudaGraphMismatch = 2011,
    BadParamDescriptorType = 2012,
    NotSupported = 3000,
    NotSupportedGraphPattern = 3001,
    NotSupportedShape = 3002,
    NotSupportedDataType = 3003,
    NotSupportedLayout = 3004,
    NotSupportedIncompatibleCudaDriver = 3005,
    NotSupportedIncompatibleCudart = 3006,
    NotSupportedArchMismatch = 3007,
    NotSupportedRuntimePrerequisiteMissing = 3008,
    NotSupportedSublibraryUnavailable = 3009,
    NotSupportedSharedMemoryInsufficient = 3010,
    NotSupportedPadding = 3011,
    NotSupportedBadLaunchParam = 3012,
    NotSupportedCudaGraphNativeApi = 3013,
    InternalError = 4000,
    InternalErrorCompilationFailed = 4001,
    InternalErrorUnexpectedValue = 4002,
    InternalErrorHostAllocationFailed = 4003,
    InternalErrorDeviceAllocationFailed = 4004,
    InternalErrorBadLaunchParam = 4005,
    InternalErrorTextureCreationFailed = 4006,
    ExecutionFailed = 5000,
    ExecutionFailedCudaDriver = 5001,
    ExecutionFailedCublas = 5002,
    ExecutionFailedCudart = 5003,
    ExecutionFailedCurand = 5004,
    /// <summary>cuDNN 8 name, now <see cref="InternalErrorHostAllocationFailed"/>.</summary>
    AllocFailed = InternalErrorHostAllocationFailed,
    /// <summary>cuDNN 8 name, now <see cref="NotSupportedArchMismatch"/>.</summary>
    ArchMismatch = NotSupportedArchMismatch,
    /// <summary>cuDNN 8 name, now <see cref="InternalErrorTextureCreationFailed"/>.</summary>
    MappingError = InternalErrorTextureCreationFailed,
    /// <summary>cuDNN 8 name, now <see cref="NotSupportedRuntimePrerequisiteMissing"/>.</summary>
    RuntimePrerequisiteMissing = NotSupportedRuntimePrerequisiteMissing,
    /// <summary>cuDNN 8 name, now <see cref="SublibraryVersionMismatch"/>.</summary>
    VersionMismatch = SublibraryVersionMismatch,
}

/// <summary><c>cudnnDataType_t</c> (cudnn_graph.h, cuDNN 9.6).</summary>
public enum CudnnDataType
{
    Float = 0,
    Double = 1,
    Half = 2,
    Int8 = 3,
    Int32 = 4,
    Int8x4 = 5,
    Uint8 = 6,
    Uint8x4 = 7,
    Int8x32 = 8,
    Bfloat16 = 9,
    Int64 = 10,
    Boolean = 11,
    Fp8E4M3 = 12,
    Fp8E5M2 = 13,
    FastFloatForFp8 = 14,
}

/// <summary><c>cudnnTensorFormat_t</c> (cudnn_graph.h, cuDNN 9.6).</summary>
public enum CudnnTensorFormat
{
    /// <summary>Row major: w stride 1, h stride w.</summary>
    Nchw = 0,
    /// <summary>Channels interleaved: c stride 1. The layout D2Sharp's CUDA backend uses.</summary>
    Nhwc = 1,
    NchwVectC = 2,
}

/// <summary><c>cudnnConvolutionMode_t</c> (cudnn_graph.h, cuDNN 9.6).</summary>
public enum CudnnConvolutionMode
{
    /// <summary>True convolution: the filter is flipped.</summary>
    Convolution = 0,
    /// <summary>What deep-learning frameworks (PyTorch, Detectron2) call convolution.</summary>
    CrossCorrelation = 1,
}

/// <summary><c>cudnnConvolutionFwdAlgo_t</c> (cudnn_graph.h, cuDNN 9.6).</summary>
public enum CudnnConvolutionFwdAlgo
{
    ImplicitGemm = 0,
    ImplicitPrecompGemm = 1,
    Gemm = 2,
    Direct = 3,
    Fft = 4,
    FftTiling = 5,
    Winograd = 6,
    WinogradNonfused = 7,
    Count = 8,
}

/// <summary>
/// <c>cudnnMathType_t</c> (cudnn_graph.h, cuDNN 9.6). <see cref="Default"/> lets cuDNN use TF32 tensor cores
/// for fp32 convolutions on Ampere and newer (unless NVIDIA_TF32_OVERRIDE=0); only <see cref="FmaMath"/>
/// guarantees strict fp32 arithmetic.
/// </summary>
public enum CudnnMathType
{
    Default = 0,
    TensorOpMath = 1,
    TensorOpMathAllowConversion = 2,
    FmaMath = 3,
}

/// <summary><c>cudnnActivationMode_t</c> (cudnn_graph.h, cuDNN 9.6).</summary>
public enum CudnnActivationMode
{
    Sigmoid = 0,
    /// <summary>The only activation <see cref="Cudnn.cudnnConvolutionBiasActivationForward"/> fuses besides Identity.</summary>
    Relu = 1,
    Tanh = 2,
    ClippedRelu = 3,
    Elu = 4,
    /// <summary>
    /// No activation. With <see cref="Cudnn.cudnnConvolutionBiasActivationForward"/> only the
    /// <see cref="CudnnConvolutionFwdAlgo.ImplicitPrecompGemm"/> algorithm accepts it.
    /// </summary>
    Identity = 5,
    Swish = 6,
}

/// <summary><c>cudnnNanPropagation_t</c> (cudnn_graph.h, cuDNN 9.6).</summary>
public enum CudnnNanPropagation
{
    NotPropagateNan = 0,
    PropagateNan = 1,
}

/// <summary><c>cudnnDeterminism_t</c> (cudnn_graph.h, cuDNN 9.6).</summary>
public enum CudnnDeterminism
{
    NonDeterministic = 0,
    Deterministic = 1,
}
