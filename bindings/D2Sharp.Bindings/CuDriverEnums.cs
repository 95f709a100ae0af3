namespace D2Sharp.Bindings;

/// <summary><c>CUstreamCaptureMode</c> (cuda.h): how other threads' unsafe calls interact with a capture.</summary>
public enum CuStreamCaptureMode
{
    Global = 0,
    ThreadLocal = 1,
    Relaxed = 2,
}

/// <summary><c>CUfunction_attribute</c> (cuda.h) for <see cref="CudaDriver.cuFuncSetAttribute"/>.</summary>
public enum CuFunctionAttribute
{
    MaxThreadsPerBlock = 0,
    SharedSizeBytes = 1,
    ConstSizeBytes = 2,
    LocalSizeBytes = 3,
    NumRegs = 4,
    PtxVersion = 5,
    BinaryVersion = 6,
    CacheModeCa = 7,
    /// <summary>Must be raised before a launch that asks for more than 48 KiB of dynamic shared memory.</summary>
    MaxDynamicSharedSizeBytes = 8,
    PreferredSharedMemoryCarveout = 9,
    ClusterSizeMustBeSet = 10,
    RequiredClusterWidth = 11,
    RequiredClusterHeight = 12,
    RequiredClusterDepth = 13,
    NonPortableClusterSizeAllowed = 14,
    ClusterSchedulingPolicyPreference = 15,
}
