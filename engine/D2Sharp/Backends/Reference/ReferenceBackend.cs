using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Reference;

/// <summary>
/// Runs a plan through each op's plain <c>Reference()</c> implementation on NHWC views of one
/// arena. Slow but obviously correct: the CPU path until the SIMD backend lands, and the spec that
/// every faster backend is checked against.
/// </summary>
public sealed class ReferenceBackend : IBackend
{
    public string Name => "reference";

    public IPlanExecutor Prepare(ExecutionPlan plan, ModelWeights weights)
    {
        if (weights.Graph != plan.Graph)
            throw new ArgumentException("the weights were prepared for a different graph than the plan's");
        if (plan.Memory.ArenaSize > Array.MaxLength)
            throw new ExecutionException(
                $"input {plan.Batch}x{plan.Height}x{plan.Width} needs a {plan.Memory.ArenaSize * 4L >> 20} MiB arena, more than one .NET array holds; use a smaller batch or image");
        return new Executor(plan, weights);
    }

    private sealed class Executor(ExecutionPlan plan, ModelWeights weights) : IPlanExecutor
    {
        private readonly float[] _arena = new float[plan.Memory.ArenaSize];

        // Conv weights reordered once for the reference loops, by node id.
        private readonly ConvKernel?[] _kernels = plan.Graph.Nodes.Select(n => n.Op switch
        {
            Conv2d c => c.PrepareKernel(weights.For(n).Weight),
            DeformConv2d d => d.PrepareKernel(weights.For(n).Weight),
            _ => null,
        }).ToArray();

        public ExecutionPlan Plan => plan;

        public void Run(ReadOnlySpan<float> inputNchw)
        {
            var input = Map(plan.Graph.Input);
            if (inputNchw.Length != input.Length)
                throw new ArgumentException($"input has {inputNchw.Length} floats, the plan expects {Tensor.ShapeString(plan.ShapeOf(plan.Graph.Input))}");
            input.CopyFromNchw(inputNchw);
            foreach (var node in plan.Graph.Nodes)
            {
                try
                {
                    Execute(node);
                }
                catch (Exception e) when (e is not D2SharpException)
                {
                    throw new ExecutionException($"node '{node.Name}' ({node.Op.Kind}) failed on the reference backend: {e.Message}", e);
                }
            }
        }

        private void Execute(Node node)
        {
            var y = node.Output;
            switch (node.Op)
            {
                case Conv2d conv:
                {
                    conv.Reference(Map(node.Inputs[0]), _kernels[node.Id]!, weights.For(node).Bias,
                        conv.HasResidual ? Map(node.Inputs[1]) : null, Map(y));
                    break;
                }
                case DeformConv2d deform:
                {
                    deform.Reference(Map(node.Inputs[0]), Map(node.Inputs[1]), _kernels[node.Id]!, weights.For(node).Bias, Map(y));
                    break;
                }
                case GroupNorm gn:
                {
                    var w = weights.For(node);
                    gn.Reference(Map(node.Inputs[0]), w.Weight, w.Bias!, Map(y));
                    break;
                }
                case MaxPool2d pool: pool.Reference(Map(node.Inputs[0]), Map(y)); break;
                case UpsampleAdd up: up.Reference(Map(node.Inputs[0]), Map(node.Inputs[1]), Map(y)); break;
                case Add add: add.Reference(Map(node.Inputs[0]), Map(node.Inputs[1]), Map(y)); break;
                case Relu relu: relu.Reference(Map(node.Inputs[0]), Map(y)); break;
                case AnchorGrid anchors:
                {
                    var x = plan.ShapeOf(node.Inputs[0]);
                    anchors.Reference(x[2], x[3], Flat(y));
                    break;
                }
                default:
                    throw new ExecutionException($"node '{node.Name}': the reference backend has no implementation of {node.Op.Kind}");
            }
        }

        public void ReadOutput(string name, Span<float> destination)
        {
            var v = plan.Graph.Output(name);
            var shape = plan.ShapeOf(v);
            if (destination.Length != Tensor.CountElements(shape))
                throw new ArgumentException($"output '{name}' has shape {Tensor.ShapeString(shape)}, destination holds {destination.Length} floats");
            if (shape.Length == 4) Map(v).CopyToNchw(destination);
            else Flat(v).CopyTo(destination);
        }

        /// <summary>NHWC view of a 4-D value's arena slot.</summary>
        private FeatureMap Map(Value v)
        {
            var s = plan.ShapeOf(v);
            return new FeatureMap(_arena, (int)plan.OffsetOf(v), s[0], s[2], s[3], s[1]);
        }

        private Span<float> Flat(Value v) => _arena.AsSpan((int)plan.OffsetOf(v), (int)plan.SizeOf(v));

        public void Dispose() { }
    }
}
