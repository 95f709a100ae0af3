using D2Sharp.Graph;

namespace D2Sharp.Ops;

/// <summary>
/// The spec of one op: its attributes, how it maps input shapes to an output shape (logical NCHW),
/// its parameters (relative to the node's module path) and its cost. Each op also carries a plain
/// <c>Reference()</c> implementation on NHWC <see cref="FeatureMap"/> views: the executable spec
/// that faster backends are checked against.
/// </summary>
public abstract class Op
{
    public abstract string Kind { get; }
    public virtual int Arity => 1;

    /// <summary>Output dimensions from input dimensions; throws <see cref="ShapeException"/> when they do not fit.</summary>
    public abstract int[] InferShape(IReadOnlyList<int[]> inputs);

    /// <summary>Multiply-accumulates for one run at these shapes (0 for ops that do no MACs).</summary>
    public virtual long Macs(IReadOnlyList<int[]> inputs, int[] output) => 0;

    /// <summary>Parameters with names relative to the node (<c>weight</c>, <c>norm.running_var</c>).</summary>
    public virtual IEnumerable<ParameterSpec> Parameters => [];

    /// <summary>A one-line summary of the attributes, for <c>d2sharp graph</c>.</summary>
    public abstract string Describe();

    protected static void ExpectRank(int[] dims, int rank, string what)
    {
        if (dims.Length != rank)
            throw new ShapeException($"{what} must have rank {rank}, got {Tensor.ShapeString(dims)}");
    }

    /// <summary>
    /// Checks that a reference implementation was handed a view of the extents its spec implies, so
    /// a planner or caller mistake fails loudly instead of reading a neighbour's slot.
    /// </summary>
    protected static void ExpectExtents(FeatureMap map, int n, int c, int h, int w, string what)
    {
        if (map.N != n || map.C != c || map.H != h || map.W != w)
            throw new ShapeException($"{what} is {Tensor.ShapeString(map.NchwShape)}, expected {Tensor.ShapeString([n, c, h, w])}");
    }

    /// <summary>
    /// The fused activation. ReLU as <c>torch.relu</c>: NaN stays NaN (<see cref="MathF.Max(float, float)"/>
    /// propagates it), so a broken input is not silently turned into zeros.
    /// </summary>
    protected static float Activate(float value, Activation activation) =>
        activation == Activation.Relu ? MathF.Max(value, 0f) : value;

    /// <summary>Checks a parameter array's length (a weight of the wrong layer or a truncated checkpoint entry).</summary>
    protected static void ExpectLength(float[] array, long length, string what)
    {
        if (array.LongLength != length)
            throw new ShapeException($"{what} has {array.LongLength} elements, expected {length}");
    }
}

public enum Activation { None, Relu }

/// <summary>Normalisations folded into the preceding conv at load time (GroupNorm is a real op).</summary>
public enum FoldedNorm { None, FrozenBN, BN, SyncBN }

public sealed class ShapeException(string message) : D2SharpException(message);
