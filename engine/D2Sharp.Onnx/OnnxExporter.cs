using D2Sharp.Backends;
using D2Sharp.Backends.Reference;
using D2Sharp.Graph;
using D2Sharp.Modeling;
using D2Sharp.Onnx.Proto;
using D2Sharp.Ops;
using D2Sharp.Weights;
using Google.Protobuf;
using static D2Sharp.Onnx.OnnxGraphWriter;

namespace D2Sharp.Onnx;

/// <summary>
/// Writes a built model at one input size as an ONNX model (opset 17, or 19 when it has
/// deformable convolutions, which become ONNX <c>DeformConv</c>). The model's input is the
/// normalised, padded NCHW <c>image</c> (D2Sharp's tensor path; the uint8 preprocessing has no
/// ONNX counterpart with per-image padding), its outputs the graph's, under the same names.
/// Weights are the bound ones, BatchNorm folded; fused ops are written unfused (Conv, Add, Relu),
/// GroupNorm as Reshape + InstanceNormalization + Reshape + Mul + Add, the FPN merge as Resize +
/// Add, anchor grids as constants computed for this size.
/// </summary>
public static class OnnxExporter
{
    /// <summary>
    /// The ONNX model (serialised protobuf) of <paramref name="model"/> at batch × 3 × height ×
    /// width, padded, with the graph outputs named in <paramref name="outputs"/> (every one when
    /// null; <see cref="ExportableOutputs"/> lists those the exporter can write).
    /// </summary>
    public static byte[] Export(ModelSpec model, ModelWeights weights, int batch, int height, int width,
        IReadOnlyCollection<string>? outputs = null) =>
        Build(model, weights, batch, height, width, outputs).ToByteArray();

    public static void Save(ModelSpec model, ModelWeights weights, int batch, int height, int width, string path,
        IReadOnlyCollection<string>? outputs = null)
    {
        using var file = File.Create(path);
        Build(model, weights, batch, height, width, outputs).WriteTo(file);
    }

    /// <summary>
    /// The graph outputs computed from the image by ops with an ONNX counterpart only: all but the
    /// RPN's proposals, whose per-image clipping and NMS ONNX has no faithful form for.
    /// </summary>
    public static IReadOnlyList<string> ExportableOutputs(ModelSpec model) =>
        model.Graph.Outputs.Where(o => Exportable(o.Value, model.Image)).Select(o => o.Key).ToList();

    private static bool Exportable(Value output, Value image)
    {
        var pending = new Stack<Value>([output]);
        var seen = new HashSet<Value>();
        while (pending.TryPop(out var v))
        {
            if (v == image || !seen.Add(v)) continue;
            if (v.Producer is not { } node || !Knows(node, v)) return false;
            if (node.Op.DependsOnShapesOnly) continue;
            foreach (var input in node.Inputs) pending.Push(input);
        }
        return true;
    }

    /// <summary>Whether <see cref="Write"/> (or <see cref="ConstantNode"/>, for plan constants) writes <paramref name="output"/> of <paramref name="node"/>.</summary>
    private static bool Knows(Node node, Value output) => node.Op switch
    {
        Conv2d or DeformConv2d or GroupNorm or MaxPool2d or UpsampleAdd or Add or Relu => true,
        TopK topk => topk.ScoreThreshold == null && output != node.Outputs[2],
        var op => op.DependsOnShapesOnly,
    };

    internal static ModelProto Build(ModelSpec model, ModelWeights weights, int batch, int height, int width,
        IReadOnlyCollection<string>? outputs = null)
    {
        var plan = model.PlanForNormalized(batch, height, width, outputs);
        bool deformable = plan.Steps.Any(n => n.Op is DeformConv2d);
        var onnx = new ModelProto
        {
            IrVersion = deformable ? 9 : 8,
            ProducerName = "D2Sharp",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = $"{model.Config.GetString("MODEL.META_ARCHITECTURE")} {model.Config.GetString("MODEL.BACKBONE.NAME")} at {batch}x3x{height}x{width}, exported by D2Sharp",
            Graph = new GraphProto { Name = "d2sharp" },
        };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = deformable ? 19 : 17 });
        var writer = new OnnxGraphWriter(onnx.Graph);
        writer.Input(model.Image.Name, DataType.Float32, plan.ShapeOf(model.Image));
        foreach (var node in plan.ShapeOnlyNodes) ConstantNode(writer, plan, node);
        foreach (var node in plan.Steps)
        {
            try
            {
                Write(writer, plan, node, weights.TryFor(node));
            }
            catch (OnnxExportException e)
            {
                throw new OnnxExportException($"node '{node.Name}' ({node.Op.Kind}): {e.Message}");
            }
        }
        foreach (var (name, value) in plan.Outputs)
        {
            if (name != value.Name) writer.Node("Identity", [value.Name], [name]);
            writer.Output(name, value.Type, plan.ShapeOf(value));
        }
        return onnx;
    }

    private static void Write(OnnxGraphWriter w, ExecutionPlan plan, Node node, NodeWeights? weights)
    {
        string x = node.Inputs[0].Name, y = node.Output.Name;
        switch (node.Op)
        {
            case Conv2d conv:
            {
                string convOut = conv.HasResidual || conv.Activation == Activation.Relu ? y + ".conv" : y;
                w.Node("Conv", [x, Weight(w, node, weights), Bias(w, node, weights)], [convOut],
                    Ints("kernel_shape", conv.KernelH, conv.KernelW), Ints("strides", conv.Stride, conv.Stride),
                    Ints("pads", conv.Padding, conv.Padding, conv.Padding, conv.Padding),
                    Ints("dilations", conv.Dilation, conv.Dilation), Int("group", conv.Groups));
                string sum = convOut;
                if (conv.HasResidual)
                {
                    sum = conv.Activation == Activation.Relu ? y + ".sum" : y;
                    w.Node("Add", [convOut, node.Inputs[1].Name], [sum]);
                }
                if (conv.Activation == Activation.Relu) w.Node("Relu", [sum], [y]);
                break;
            }
            case DeformConv2d deform:
            {
                int offsets = 2 * deform.Kernel * deform.Kernel * deform.DeformableGroups;
                string offsetMask = node.Inputs[1].Name;
                var axis = w.Int64s("axis_1", [1]);
                w.Node("Slice", [offsetMask, w.Int64s($"{y}.offset_start", [0]), w.Int64s($"{y}.offset_end", [offsets]), axis], [y + ".offset"]);
                var inputs = new List<string> { x, Weight(w, node, weights), y + ".offset", Bias(w, node, weights) };
                if (deform.Modulated)
                {
                    w.Node("Slice", [offsetMask, w.Int64s($"{y}.mask_start", [offsets]), w.Int64s($"{y}.mask_end", [deform.OffsetChannels]), axis], [y + ".mask_logits"]);
                    w.Node("Sigmoid", [y + ".mask_logits"], [y + ".mask"]);
                    inputs.Add(y + ".mask");
                }
                string deformOut = deform.Activation == Activation.Relu ? y + ".conv" : y;
                w.Node("DeformConv", [.. inputs], [deformOut],
                    Ints("kernel_shape", deform.Kernel, deform.Kernel), Ints("strides", deform.Stride, deform.Stride),
                    Ints("pads", deform.Padding, deform.Padding, deform.Padding, deform.Padding),
                    Ints("dilations", deform.Dilation, deform.Dilation), Int("group", deform.Groups), Int("offset_group", deform.DeformableGroups));
                if (deform.Activation == Activation.Relu) w.Node("Relu", [deformOut], [y]);
                break;
            }
            case GroupNorm gn:
            {
                var shape = plan.ShapeOf(node.Output);
                var nw = weights ?? throw new OnnxExportException("no weights were bound");
                w.Node("Reshape", [x, w.Int64s($"{y}.grouped_shape", [shape[0], gn.Groups, -1])], [y + ".grouped"]);
                w.Node("InstanceNormalization", [y + ".grouped", w.Floats($"{y}.ones", Enumerable.Repeat(1f, gn.Groups).ToArray(), gn.Groups),
                    w.Floats($"{y}.zeros", new float[gn.Groups], gn.Groups)], [y + ".normalized"], Float("epsilon", gn.Eps));
                w.Node("Reshape", [y + ".normalized", w.Int64s($"{y}.shape", shape.Select(d => (long)d).ToArray())], [y + ".ungrouped"]);
                w.Node("Mul", [y + ".ungrouped", w.Floats(node.ParameterName("weight"), nw.Weight, gn.Channels, 1, 1)], [y + ".scaled"]);
                string affine = gn.Activation == Activation.Relu ? y + ".affine" : y;
                w.Node("Add", [y + ".scaled", w.Floats(node.ParameterName("bias"), nw.Bias!, gn.Channels, 1, 1)], [affine]);
                if (gn.Activation == Activation.Relu) w.Node("Relu", [affine], [y]);
                break;
            }
            case MaxPool2d pool:
                w.Node("MaxPool", [x], [y], Ints("kernel_shape", pool.Kernel, pool.Kernel), Ints("strides", pool.Stride, pool.Stride),
                    Ints("pads", pool.Padding, pool.Padding, pool.Padding, pool.Padding));
                break;
            case UpsampleAdd up:
            {
                var resize = up.Mode == UpsampleMode.Nearest
                    ? new[] { String("mode", "nearest"), String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor") }
                    : new[] { String("mode", "linear"), String("coordinate_transformation_mode", "pytorch_half_pixel") };
                w.Node("Resize", [x, "", w.Floats("scales_1_1_2_2", [1f, 1f, 2f, 2f], 4)], [y + ".up"], resize);
                string sum = up.Fuse == FuseType.Avg ? y + ".sum" : y;
                w.Node("Add", [node.Inputs[1].Name, y + ".up"], [sum]);
                if (up.Fuse == FuseType.Avg) w.Node("Mul", [sum, w.Floats("half", [0.5f])], [y]);
                break;
            }
            case Add add:
            {
                string sum = add.Activation == Activation.Relu ? y + ".sum" : y;
                w.Node("Add", [x, node.Inputs[1].Name], [sum]);
                if (add.Activation == Activation.Relu) w.Node("Relu", [sum], [y]);
                break;
            }
            case Relu:
                w.Node("Relu", [x], [y]);
                break;
            case TopK topk:
            {
                if (topk.ScoreThreshold != null) throw new OnnxExportException("a score threshold has no ONNX TopK counterpart");
                if (plan.Outputs.Any(o => o.Value == node.Outputs[2]))
                    throw new OnnxExportException("its count output has no ONNX counterpart");
                var input = plan.ShapeOf(node.Inputs[0]);
                string flat = x;
                if (input.Length == 4)
                {
                    w.Node("Transpose", [x], [y + ".nhwc"], Ints("perm", 0, 2, 3, 1));
                    w.Node("Reshape", [y + ".nhwc", w.Int64s($"{y}.flat_shape", [input[0], -1])], [y + ".flat"]);
                    flat = y + ".flat";
                }
                long k = plan.ShapeOf(node.Output)[1];
                w.Node("TopK", [flat, w.Int64s($"{y}.k", [k])], [node.Outputs[0].Name, node.Outputs[1].Name],
                    Int("axis", 1), Int("largest", 1), Int("sorted", 1));
                break;
            }
            default:
                throw new OnnxExportException($"the ONNX exporter does not know {node.Op.Kind}");
        }
    }

    private static string Weight(OnnxGraphWriter w, Node node, NodeWeights? weights)
    {
        var nw = weights ?? throw new OnnxExportException("no weights were bound");
        var spec = node.Op.Parameters.First(p => p.Name == "weight");
        return w.Floats(node.ParameterName("weight"), nw.Weight, spec.Shape.Select(d => (long)d).ToArray());
    }

    /// <summary>The bias the node adds: its own or its folded BatchNorm's, or zeros (ONNX's Conv then needs none, DeformConv's position is fixed).</summary>
    private static string Bias(OnnxGraphWriter w, Node node, NodeWeights? weights)
    {
        int channels = node.Op.Parameters.First(p => p.Name == "weight").Shape[0];
        return w.Floats(node.ParameterName("bias"), weights?.Bias ?? new float[channels], channels);
    }

    /// <summary>A plan constant (an anchor grid) as an initializer, computed at this size by the reference kernel.</summary>
    private static void ConstantNode(OnnxGraphWriter w, ExecutionPlan plan, Node node)
    {
        var (graph, single) = SingleOpGraph.Create(node.Op, node.Inputs.Select(v => (v.Type, plan.ShapeOf(v))).ToList());
        using var bound = new ReferenceBackend(threads: 1).Bind(graph, WeightBinder.Bind(graph, new Dictionary<string, Tensor>(), "anchors"));
        using var executor = bound.Prepare(single);
        var shape = plan.ShapeOf(node.Output);
        var values = new float[Tensor.CountElements(shape)];
        executor.GetOutput<float>(single.Outputs[0].Key, values);
        w.Node("Identity", [w.Floats(node.Output.Name + ".value", values, shape.Select(d => (long)d).ToArray())], [node.Output.Name]);
    }
}
