using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Weights;

/// <summary>
/// Turns named parameters (checkpoint tensors matched to the graph) into per-node arrays, folding
/// every FrozenBN/BN/SyncBN into the conv before it: scale = γ/√(var + ε), weight·scale,
/// bias = β − mean·scale (+ conv bias·scale). Also provides a deterministic initialisation for
/// running a model without a checkpoint.
/// </summary>
public static class WeightBinder
{
    /// <summary>BatchNorm epsilon of Detectron2's FrozenBatchNorm2d and of nn.BatchNorm2d.</summary>
    public const double BatchNormEps = 1e-5;

    /// <summary>
    /// Builds the per-node arrays. <paramref name="parameters"/> maps full parameter names to tensors
    /// (a <see cref="CheckpointMatch.Parameters"/>, where Caffe2's absent running statistics are
    /// already filled with Detectron2's mean 0 / var 1); <paramref name="source"/> names them in errors.
    /// </summary>
    public static ModelWeights Bind(ModelGraph graph, IReadOnlyDictionary<string, Tensor> parameters, string source)
    {
        float[] Get(Node node, string relative)
        {
            var name = node.ParameterName(relative);
            if (!parameters.TryGetValue(name, out var t))
                throw new CheckpointException(source, $"parameter '{name}' is missing");
            var spec = node.Op.Parameters.First(p => p.Name == relative);
            if (!t.Shape.SequenceEqual(spec.Shape))
                throw new CheckpointException(source,
                    $"parameter '{name}' has shape {Tensor.ShapeString(t.Shape)}, the model expects {Tensor.ShapeString(spec.Shape)}");
            return t.Data;
        }
        var byNode = new NodeWeights?[graph.Nodes.Count];
        foreach (var node in graph.Nodes)
        {
            byNode[node.Id] = node.Op switch
            {
                Conv2d c => Fold(node, Get(node, "weight"), c.HasBias ? Get(node, "bias") : null, c.Norm, c.OutChannels, Get),
                DeformConv2d d => Fold(node, Get(node, "weight"), null, d.Norm, d.OutChannels, Get),
                GroupNorm => new NodeWeights(Get(node, "weight"), Get(node, "bias")),
                Linear l => new NodeWeights(Get(node, "weight"), l.HasBias ? Get(node, "bias") : null),
                ConvTranspose2d t => new NodeWeights(Get(node, "weight"), t.HasBias ? Get(node, "bias") : null),
                _ => null,
            };
        }
        return new ModelWeights(graph, byNode, source);
    }

    /// <summary>
    /// Loads a checkpoint (<c>.pkl</c> or <c>.pth</c>, with <see cref="CheckpointLimits.Default"/>), matches it to the graph's parameters as Detectron2's checkpointer does
    /// (throwing a <see cref="CheckpointException"/> that lists every missing parameter and shape
    /// mismatch), and binds it. The match tells what was left unused.
    /// </summary>
    public static (ModelWeights Weights, CheckpointMatch Match) LoadCheckpoint(ModelGraph graph, string path) =>
        BindCheckpoint(graph, CheckpointLoader.Load(path), path);

    /// <summary>As <see cref="LoadCheckpoint"/> for a checkpoint already loaded from <paramref name="source"/>.</summary>
    public static (ModelWeights Weights, CheckpointMatch Match) BindCheckpoint(ModelGraph graph, Checkpoint checkpoint, string source)
    {
        var match = CheckpointMatcher.Match(graph.Parameters.ToList(), checkpoint);
        match.ThrowIfIncomplete();
        return (Bind(graph, match.Parameters, source), match);
    }

    private static NodeWeights Fold(Node node, float[] weight, float[]? bias, FoldedNorm norm, int outChannels,
        Func<Node, string, float[]> get)
    {
        if (norm == FoldedNorm.None) return new NodeWeights(weight, bias);
        var gamma = get(node, "norm.weight");
        var beta = get(node, "norm.bias");
        var mean = get(node, "norm.running_mean");
        var variance = get(node, "norm.running_var");
        int perOut = weight.Length / outChannels;
        var folded = new float[weight.Length];
        var foldedBias = new float[outChannels];
        for (int o = 0; o < outChannels; o++)
        {
            double scale = gamma[o] / Math.Sqrt(variance[o] + BatchNormEps);
            for (int i = 0; i < perOut; i++)
                folded[o * perOut + i] = (float)(weight[o * perOut + i] * scale);
            foldedBias[o] = (float)(beta[o] - mean[o] * scale + (bias?[o] ?? 0.0) * scale);
        }
        return new NodeWeights(folded, foldedBias);
    }

    /// <summary>
    /// Deterministic weights for running without a checkpoint, drawn from a seeded generator as
    /// Detectron2 initialises its modules: conv weights c2_msra_fill (normal, std √(2/fan_out)),
    /// fully connected ones c2_xavier_fill (uniform on ±√(3/fan_in)), the RPN head and box
    /// predictor as in <see cref="HeadWeightStd"/>, biases 0 (RetinaNet's class scores at the 0.01
    /// prior), BN and GN identity except the last
    /// BatchNorm of each residual branch (γ = 0), deformable offset convs 0.
    /// </summary>
    public static ModelWeights Initialize(ModelGraph graph, int seed = 0)
    {
        var rng = new Random(seed);
        var parameters = new Dictionary<string, Tensor>();
        foreach (var node in graph.Nodes)
        {
            bool offsetConv = node.Name.EndsWith(".conv2_offset", StringComparison.Ordinal);
            foreach (var p in node.Op.Parameters)
            {
                // A module applied to several levels (the RPN head) has one set of parameters.
                if (parameters.ContainsKey(node.ParameterName(p.Name))) continue;
                var t = new Tensor(p.Shape);
                // A GroupNorm in RetinaNet's head starts as identity like every other norm.
                if (p.Name == "weight" && node.Op is not GroupNorm && HeadWeightStd(node.Module) is { } headStd)
                {
                    for (int i = 0; i < t.Data.Length; i++) t.Data[i] = (float)(headStd * NextGaussian(rng));
                }
                else if (p.Name == "weight" && p.Shape.Length == 4 && !offsetConv)
                {
                    double std = Math.Sqrt(2.0 / (p.Shape[0] * p.Shape[2] * p.Shape[3]));
                    for (int i = 0; i < t.Data.Length; i++) t.Data[i] = (float)(std * NextGaussian(rng));
                }
                else if (p.Name == "weight" && p.Shape.Length == 2)
                {
                    // c2_xavier_fill: uniform on ±√(3 / fan_in).
                    double bound = Math.Sqrt(3.0 / p.Shape[1]);
                    for (int i = 0; i < t.Data.Length; i++) t.Data[i] = (float)((2 * rng.NextDouble() - 1) * bound);
                }
                else if (p.Name == "bias" && node.Module == "head.cls_score")
                {
                    // RetinaNet's prior: every class starts at probability PRIOR_PROB (its default, 0.01).
                    Array.Fill(t.Data, (float)-Math.Log((1 - 0.01) / 0.01));
                }
                else if (p.Name == "norm.weight" && node.Op is Conv2d { HasResidual: true })
                {
                    // The last BatchNorm of a residual branch starts at 0 (zero-init residual), so an
                    // untrained 50-layer ResNet keeps its features at the input's scale instead of
                    // growing them block by block to where the RPN's boxes leave the image.
                }
                else if (p.Name is "norm.weight" or "norm.running_var" || (node.Op is GroupNorm && p.Name == "weight"))
                {
                    Array.Fill(t.Data, 1f);
                }
                parameters[node.ParameterName(p.Name)] = t;
            }
        }
        return Bind(graph, parameters, $"deterministic initialisation (seed {seed})");
    }

    /// <summary>
    /// Detectron2's own initialisation of the heads' last layers: the RPN and RetinaNet heads' convs
    /// normal with std 0.01, the box predictor's class scores 0.01 and box deltas 0.001. Small deltas keep
    /// untrained proposals near their anchors, so an uninitialised model does the work a trained one does.
    /// </summary>
    private static double? HeadWeightStd(string module) => module switch
    {
        _ when module.StartsWith("proposal_generator.rpn_head.", StringComparison.Ordinal) => 0.01,
        _ when module.StartsWith("head.", StringComparison.Ordinal) => 0.01,
        _ when module.EndsWith("box_predictor.cls_score", StringComparison.Ordinal) => 0.01,
        _ when module.EndsWith("box_predictor.bbox_pred", StringComparison.Ordinal) => 0.001,
        _ => null,
    };

    private static double NextGaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
