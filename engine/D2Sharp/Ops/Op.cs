using D2Sharp.Graph;

namespace D2Sharp.Ops;

/// <summary>
/// The spec of one op: attributes, input and output data types, how input shapes map to output
/// shapes (logical NCHW for feature maps), its parameters (relative to the node's module path),
/// its cost, and hints for the memory planner. Ops hold no implementation: each backend registers
/// its kernels per op type, and the reference backend's kernels
/// (<c>Backends/Reference/Kernels/</c>) are the executable spec every other backend is checked against.
/// </summary>
public abstract class Op
{
    private static readonly IReadOnlyList<string> SingleOutput = [""];

    /// <summary>The op type name (<c>Conv2d</c>, <c>RpnProposals</c>): the key backends register their kernels under, shown by <c>d2sharp graph</c>.</summary>
    public abstract string Kind { get; }
    /// <summary>Number of inputs the op takes; <see cref="ModelGraph.AddWithOutputs"/> throws when a node is given another count.</summary>
    public virtual int Arity => 1;

    /// <summary>Names of the outputs, relative to the node; ops with one output have one unnamed output.</summary>
    public virtual IReadOnlyList<string> OutputNames => SingleOutput;

    /// <summary>Data type of input <paramref name="index"/>; float32 unless the op says otherwise.</summary>
    /// <param name="index">Zero-based input index, below <see cref="Arity"/>.</param>
    public virtual DataType InputType(int index) => DataType.Float32;
    /// <summary>Data type of output <paramref name="index"/>, an index into <see cref="OutputNames"/>; float32 unless the op says otherwise.</summary>
    /// <param name="index">Zero-based output index.</param>
    public virtual DataType OutputType(int index) => DataType.Float32;

    /// <summary>Whether the first output is a feature map (stored in each backend's feature layout) rather than a plain array.</summary>
    public virtual bool ProducesFeatureMap => OutputType(0) == DataType.Float32;

    /// <summary>For a data-dependent output: the index of the int32 [N] output holding its valid row count; -1 otherwise.</summary>
    public virtual int CountOutputOf(int output) => -1;

    /// <summary>
    /// For an output [N, P, …] whose rows follow an input's count (the mask probabilities of the
    /// detections, a cascade stage's refined proposals): the index of the int32 [N] input holding
    /// it; -1 otherwise.
    /// </summary>
    public virtual int CountInputOf(int output) => -1;

    /// <summary>
    /// For an op whose first output holds N images × S slots along dimension 0 (RoiAlign's pooled
    /// boxes, [N·S, C, S', S']): the input with each image's int32 [N] count of slots in use; -1
    /// otherwise. The rows of the unused slots are zero.
    /// </summary>
    public virtual int SlotCountInput => -1;

    /// <summary>
    /// True when row r of the output (dimension 0) depends only on row r of each input, so that
    /// the op can run on a range of rows: convs, norms, linear layers and elementwise ops. A host
    /// backend runs such an op on the ROI heads' used slots only (<see cref="Graph.Value.SlotCount"/>).
    /// </summary>
    public virtual bool IsRowWise => false;

    /// <summary>Output dimensions from input dimensions; throws <see cref="ShapeException"/> when they do not fit.</summary>
    public abstract int[][] InferShapes(IReadOnlyList<int[]> inputs);

    /// <summary>Multiply-accumulates for one run at these shapes (0 for ops that do no MACs).</summary>
    public virtual long Macs(IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs) => 0;

    /// <summary>Parameters with names relative to the node (<c>weight</c>, <c>norm.running_var</c>).</summary>
    public virtual IEnumerable<ParameterSpec> Parameters => [];

    /// <summary>
    /// The input whose buffer the first output may overwrite (the op reads each element of it only
    /// before writing the same element: elementwise ops, a fused residual); -1 when none may be.
    /// The memory planner reuses the buffer when nothing reads that input afterwards.
    /// </summary>
    public virtual int InPlaceInput => -1;

    /// <summary>
    /// True when the outputs depend on the input shapes alone (anchor grids): a backend computes
    /// them once when it prepares a plan, never per run, and the inputs' data is not read.
    /// </summary>
    public virtual bool DependsOnShapesOnly => false;

    /// <summary>A one-line summary of the attributes, for <c>d2sharp graph</c>.</summary>
    public abstract string Describe();

    /// <summary>Throws <see cref="ShapeException"/> unless <paramref name="dims"/> has <paramref name="rank"/> dimensions.</summary>
    /// <param name="dims">The dimensions to check.</param>
    /// <param name="rank">The required rank.</param>
    /// <param name="what">What the dimensions belong to, for the message (<c>"input"</c>, <c>"deltas"</c>).</param>
    protected static void ExpectRank(int[] dims, int rank, string what)
    {
        if (dims.Length != rank)
            throw new ShapeException($"{what} must have rank {rank}, got {Tensor.ShapeString(dims)}");
    }

    /// <summary>The fused activation of convs, GroupNorm and Add.</summary>
    protected static string DescribeActivation(Activation activation) => activation == Activation.Relu ? " +relu" : "";
}

/// <summary>An activation fused into the op that produces a value (applied after bias, norm and residual add).</summary>
public enum Activation
{
    /// <summary>No activation: the output is the op's linear result.</summary>
    None,
    /// <summary>max(x, 0) on every output element.</summary>
    Relu,
}

/// <summary>Normalisations folded into the preceding conv at load time (GroupNorm is a real op).</summary>
public enum FoldedNorm
{
    /// <summary>No normalisation (<c>NORM: ""</c>); the conv keeps its own bias, if any.</summary>
    None,
    /// <summary>Detectron2's <c>FrozenBatchNorm2d</c> (<c>NORM: "FrozenBN"</c>): fixed weight, bias, running mean and variance.</summary>
    FrozenBN,
    /// <summary>torch <c>BatchNorm2d</c> (<c>NORM: "BN"</c>) in eval mode, using its running statistics.</summary>
    BN,
    /// <summary>Synchronised batch norm (<c>NORM: "SyncBN"</c>, <c>"nnSyncBN"</c>, <c>"naiveSyncBN"</c>); at inference the same as <see cref="BN"/>.</summary>
    SyncBN,
}

/// <summary>Thrown when an op's input shapes do not fit it (wrong rank, channel count or size); the message names the shapes.</summary>
public sealed class ShapeException(string message) : D2SharpException(message);
