using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

public static unsafe partial class Cudnn
{
    /// <summary>
    /// Heuristic ranking of forward algorithms (no execution, cheap). Entries whose
    /// <see cref="CudnnConvolutionFwdAlgoPerf.Status"/> is not success cannot run this problem.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnGetConvolutionForwardAlgorithm_v7(nint handle, nint xDesc, nint wDesc, nint convDesc, nint yDesc,
        int requestedAlgoCount, out int returnedAlgoCount, CudnnConvolutionFwdAlgoPerf* perfResults);

    /// <summary>
    /// Times every forward algorithm on scratch buffers cuDNN allocates itself, sorted fastest first. Slow
    /// (it runs them); cache the answer per shape.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnFindConvolutionForwardAlgorithm(nint handle, nint xDesc, nint wDesc, nint convDesc, nint yDesc,
        int requestedAlgoCount, out int returnedAlgoCount, CudnnConvolutionFwdAlgoPerf* perfResults);

    /// <summary>
    /// Like <see cref="cudnnFindConvolutionForwardAlgorithm"/> but on caller-provided buffers and workspace,
    /// so no allocation happens; <paramref name="y"/> is overwritten.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnFindConvolutionForwardAlgorithmEx(nint handle, nint xDesc, ulong x, nint wDesc, ulong w, nint convDesc, nint yDesc, ulong y,
        int requestedAlgoCount, out int returnedAlgoCount, CudnnConvolutionFwdAlgoPerf* perfResults, ulong workSpace, nuint workSpaceSizeInBytes);

    /// <summary>Workspace bytes <paramref name="algo"/> needs for this problem.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnGetConvolutionForwardWorkspaceSize(nint handle, nint xDesc, nint wDesc, nint convDesc, nint yDesc,
        CudnnConvolutionFwdAlgo algo, out nuint sizeInBytes);

    /// <summary>y = alpha · conv(x, w) + beta · y. <paramref name="alpha"/> and <paramref name="beta"/> are host pointers.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnConvolutionForward(nint handle, void* alpha, nint xDesc, ulong x, nint wDesc, ulong w, nint convDesc,
        CudnnConvolutionFwdAlgo algo, ulong workSpace, nuint workSpaceSizeInBytes, void* beta, nint yDesc, ulong y);

    /// <summary>
    /// y = act(alpha1 · conv(x, w) + alpha2 · z + bias): convolution, residual <paramref name="z"/> (may alias
    /// <paramref name="y"/>; pass alpha2 = 0 for none), per-channel bias (a 1×C×1×1 tensor) and ReLU in one call.
    /// The activation must be ReLU, or Identity with <see cref="CudnnConvolutionFwdAlgo.ImplicitPrecompGemm"/>.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnConvolutionBiasActivationForward(nint handle, void* alpha1, nint xDesc, ulong x, nint wDesc, ulong w, nint convDesc,
        CudnnConvolutionFwdAlgo algo, ulong workSpace, nuint workSpaceSizeInBytes, void* alpha2, nint zDesc, ulong z, nint biasDesc, ulong bias,
        nint activationDesc, nint yDesc, ulong y);

    /// <summary>C = alpha · A + beta · C, broadcasting A over dimensions where it has size 1 (e.g. adding a bias).</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnAddTensor(nint handle, void* alpha, nint aDesc, ulong a, void* beta, nint cDesc, ulong c);
}
