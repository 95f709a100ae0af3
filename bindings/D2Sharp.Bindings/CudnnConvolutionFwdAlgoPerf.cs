using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

/// <summary>
/// <c>cudnnConvolutionFwdAlgoPerf_t</c> (cudnn_cnn.h, cuDNN 9.6): one candidate returned by
/// <see cref="Cudnn.cudnnFindConvolutionForwardAlgorithm"/> and friends; 48 bytes on 64-bit platforms.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct CudnnConvolutionFwdAlgoPerf
{
    public CudnnConvolutionFwdAlgo Algo;
    /// <summary>Whether this algorithm can run the problem at all; skip entries that are not <see cref="CudnnStatus.Success"/>.</summary>
    public CudnnStatus Status;
    /// <summary>Measured milliseconds (find) or -1 (heuristic get).</summary>
    public float Time;
    /// <summary>Workspace bytes the algorithm needs.</summary>
    public nuint Memory;
    public CudnnDeterminism Determinism;
    /// <summary>Math type the timing was taken with; set it on the convolution descriptor before running.</summary>
    public CudnnMathType MathType;
    private int _reserved0, _reserved1, _reserved2;
}
