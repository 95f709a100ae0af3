using D2Sharp.Ops;

namespace D2Sharp.Tests.Backends;

/// <summary>
/// One op on one set of inputs, for the backend-op harness: the inputs and parameters, the naive
/// oracle's result per output, and the length of the op's longest reduction (the tolerance grows
/// with it).
/// </summary>
public sealed record OpCase(string Name, Op Op, Tensor[] Inputs, IReadOnlyDictionary<string, Tensor> Parameters,
    Func<double[][]> Oracle, int ReductionLength)
{
    public override string ToString() => Name;
}

/// <summary>
/// The sweep every backend runs: each op over odd sizes, channel counts that are not a multiple
/// of the vector width, groups, stride and dilation, batch 2, and deformable offsets that reach
/// outside the map.
/// </summary>
internal static class OpCases
{
    public static IEnumerable<OpCase> All() =>
        Conv2dCases().Concat(DeformConv2dCases()).Concat(GroupNormCases()).Concat(MaxPool2dCases()).Concat(UpsampleAddCases())
            .Concat(AddCases()).Concat(ReluCases()).Concat(AnchorGridCases()).Concat(NormalizeImageCases()).Concat(TopKCases())
            .Concat(BoxDecodeCases()).Concat(RpnProposalsCases()).Concat(RoiAlignCases()).Concat(RoiPoolCases()).Concat(LinearCases()).Concat(FastRcnnInferenceCases())
            .Concat(SpatialMeanCases()).Concat(ConvTranspose2dCases()).Concat(MaskRcnnInferenceCases())
            .Concat(RetinaNetInferenceCases()).Concat(RefineBoxesCases()).Concat(UpsampleBilinear2xCases());

    private const int Batch = 2;
    private static readonly (int H, int W)[] Sizes = [(5, 7), (7, 5), (1, 1), (13, 9), (2, 3)];

    private static Tensor Random(Random rng, int[] shape, double scale = 1)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Data.Length; i++) t.Data[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return t;
    }

    private static IEnumerable<OpCase> Conv2dCases()
    {
        int index = 0;
        foreach (int kernel in new[] { 1, 3 })
        foreach (int stride in new[] { 1, 2 })
        foreach (int dilation in new[] { 1, 2 })
        foreach (int groups in new[] { 1, 2 })
        foreach (bool fused in new[] { false, true })
        {
            var (h, w) = Sizes[index % Sizes.Length];
            var (cin, cout) = groups == 1 ? new[] { (3, 5), (17, 6), (8, 8) }[index % 3] : new[] { (4, 6), (18, 10), (8, 8) }[index % 3];
            int padding = index % 2 == 0 ? kernel / 2 * dilation : 0;
            index++;
            if (Conv2d.OutputSize(Math.Min(h, w), kernel, stride, padding, dilation) <= 0) continue;
            yield return ConvCase(new Conv2d
            {
                InChannels = cin, OutChannels = cout, KernelH = kernel, KernelW = kernel, Stride = stride, Padding = padding,
                Dilation = dilation, Groups = groups, HasBias = fused, HasResidual = fused, Activation = fused ? Activation.Relu : Activation.None,
            }, h, w, seed: index);
        }
        yield return ConvCase(new Conv2d { InChannels = 3, OutChannels = 4, KernelH = 1, KernelW = 3, Padding = 1, Stride = 2 }, 5, 7, seed: 101);
        yield return ConvCase(new Conv2d
        {
            InChannels = 16, OutChannels = 16, KernelH = 3, KernelW = 3, Padding = 1, Groups = 4, Norm = FoldedNorm.FrozenBN, Activation = Activation.Relu,
        }, 6, 5, seed: 102);
        yield return ConvCase(new Conv2d { InChannels = 3, OutChannels = 8, KernelH = 7, KernelW = 7, Stride = 2, Padding = 3, Norm = FoldedNorm.BN }, 11, 13, seed: 103);
        // Wider than one register tile: full and partial panels of 16 and 32 output channels.
        yield return ConvCase(new Conv2d
        {
            InChannels = 67, OutChannels = 37, KernelH = 3, KernelW = 3, Padding = 1, HasBias = true, HasResidual = true, Activation = Activation.Relu,
        }, 9, 11, seed: 104);
        yield return ConvCase(new Conv2d { InChannels = 40, OutChannels = 64, KernelH = 1, KernelW = 1, Stride = 2, HasBias = true }, 9, 7, seed: 105);
        yield return ConvCase(new Conv2d { InChannels = 32, OutChannels = 96, KernelH = 3, KernelW = 3, Padding = 2, Dilation = 2, Groups = 2 }, 7, 10, seed: 106);
        // Weights larger than a core's cache share (over 512 KB packed): the CPU backend splits the work by panel.
        yield return ConvCase(new Conv2d { InChannels = 128, OutChannels = 160, KernelH = 3, KernelW = 3, Padding = 1, HasBias = true, Activation = Activation.Relu }, 5, 7, seed: 107);
    }

    internal static OpCase ConvCase(Conv2d op, int h, int w, int seed)
    {
        var rng = new Random(seed);
        int ho = Conv2d.OutputSize(h, op.KernelH, op.Stride, op.Padding, op.Dilation);
        int wo = Conv2d.OutputSize(w, op.KernelW, op.Stride, op.Padding, op.Dilation);
        var x = Random(rng, [Batch, op.InChannels, h, w]);
        var residual = op.HasResidual ? Random(rng, [Batch, op.OutChannels, ho, wo]) : null;
        var parameters = new Dictionary<string, Tensor> { ["weight"] = Random(rng, [op.OutChannels, op.InChannels / op.Groups, op.KernelH, op.KernelW]) };
        if (op.HasBias) parameters["bias"] = Random(rng, [op.OutChannels]);
        if (op.Norm != FoldedNorm.None)
        {
            parameters["norm.weight"] = Random(rng, [op.OutChannels]);
            parameters["norm.bias"] = Random(rng, [op.OutChannels]);
            parameters["norm.running_mean"] = Random(rng, [op.OutChannels]);
            var variance = Random(rng, [op.OutChannels]);
            for (int i = 0; i < variance.Data.Length; i++) variance.Data[i] = 0.5f + Math.Abs(variance.Data[i]);
            parameters["norm.running_var"] = variance;
        }
        double[][] Oracle()
        {
            if (op.Norm == FoldedNorm.None)
                return [NaiveOps.Conv(op, x.Data, Batch, h, w, parameters["weight"].Data, parameters.GetValueOrDefault("bias")?.Data, residual?.Data)];
            // Folding is checked against BatchNorm applied after a plain conv.
            var plain = new Conv2d
            {
                InChannels = op.InChannels, OutChannels = op.OutChannels, KernelH = op.KernelH, KernelW = op.KernelW,
                Stride = op.Stride, Padding = op.Padding, Dilation = op.Dilation, Groups = op.Groups,
            };
            var conv = NaiveOps.Conv(plain, x.Data, Batch, h, w, parameters["weight"].Data, null, null);
            int plane = ho * wo;
            return [conv.Select((v, i) =>
            {
                int o = i / plane % op.OutChannels;
                double y = (v - parameters["norm.running_mean"].Data[o]) / Math.Sqrt(parameters["norm.running_var"].Data[o] + 1e-5)
                           * parameters["norm.weight"].Data[o] + parameters["norm.bias"].Data[o];
                return op.Activation == Activation.Relu ? Math.Max(y, 0) : y;
            }).ToArray()];
        }
        Tensor[] inputs = residual == null ? [x] : [x, residual];
        return new OpCase($"Conv2d {op.Describe()} N={Batch} {h}x{w}", op, inputs, parameters, Oracle,
            op.InChannels / op.Groups * op.KernelH * op.KernelW);
    }

    private static IEnumerable<OpCase> DeformConv2dCases()
    {
        int index = 0;
        foreach (int stride in new[] { 1, 2 })
        foreach (int dilation in new[] { 1, 2 })
        foreach (int groups in new[] { 1, 2 })
        foreach (int deformableGroups in new[] { 1, 2 })
        foreach (bool modulated in new[] { false, true })
        {
            var (h, w) = new[] { (5, 7), (7, 5), (6, 6), (3, 9) }[index % 4];
            var (cin, cout) = new[] { (4, 6), (6, 4), (10, 2), (36, 40) }[index % 4];
            var rng = new Random(200 + index++);
            var op = new DeformConv2d
            {
                InChannels = cin, OutChannels = cout, Stride = stride, Padding = dilation, Dilation = dilation, Groups = groups,
                DeformableGroups = deformableGroups, Modulated = modulated, Norm = FoldedNorm.FrozenBN,
                Activation = index % 2 == 0 ? Activation.Relu : Activation.None,
            };
            int ho = Conv2d.OutputSize(h, 3, stride, dilation, dilation), wo = Conv2d.OutputSize(w, 3, stride, dilation, dilation);
            var x = Random(rng, [Batch, cin, h, w]);
            // Offsets of up to 3 pixels: many samples land partly or wholly outside the map.
            var raw = Random(rng, [Batch, op.OffsetChannels, ho, wo], scale: 3);
            var parameters = new Dictionary<string, Tensor>
            {
                ["weight"] = Random(rng, [cout, cin / groups, 3, 3]),
                ["norm.weight"] = Random(rng, [cout]), ["norm.bias"] = Random(rng, [cout]),
                ["norm.running_mean"] = new Tensor([cout]), ["norm.running_var"] = new Tensor([cout], Enumerable.Repeat(1 - 1e-5f, cout).ToArray()),
            };
            // A FrozenBN with mean 0 and var 1 − eps folds to weight·gamma and bias beta.
            double[][] Oracle()
            {
                var scaled = new float[parameters["weight"].Data.Length];
                int per = scaled.Length / cout;
                for (int i = 0; i < scaled.Length; i++) scaled[i] = (float)((double)parameters["weight"].Data[i] * parameters["norm.weight"].Data[i / per]);
                return [NaiveOps.DeformConv(op, x.Data, Batch, h, w, raw.Data, scaled, parameters["norm.bias"].Data)];
            }
            yield return new OpCase($"DeformConv2d {op.Describe()} N={Batch} {h}x{w}", op, [x, raw], parameters, Oracle, cin / groups * 9);
        }
    }

    private static IEnumerable<OpCase> GroupNormCases()
    {
        int index = 0;
        foreach (var (groups, channels) in new[] { (1, 3), (2, 6), (4, 12), (3, 18), (32, 64) })
        foreach (bool relu in new[] { false, true })
        {
            var (h, w) = Sizes[index % Sizes.Length];
            var rng = new Random(300 + index++);
            var op = new GroupNorm { Groups = groups, Channels = channels, Activation = relu ? Activation.Relu : Activation.None };
            var x = Random(rng, [Batch, channels, h, w], scale: 3);
            var gamma = Random(rng, [channels]);
            var beta = Random(rng, [channels]);
            yield return new OpCase($"GroupNorm {op.Describe()} N={Batch} {h}x{w}", op, [x],
                new Dictionary<string, Tensor> { ["weight"] = gamma, ["bias"] = beta },
                () => [NaiveOps.GroupNorm(op, x.Data, Batch, h, w, gamma.Data, beta.Data)], channels / groups * h * w);
        }
    }

    private static IEnumerable<OpCase> MaxPool2dCases()
    {
        int index = 0;
        foreach (var (k, s, p) in new[] { (3, 2, 1), (1, 2, 0), (2, 2, 0), (3, 1, 1) })
        foreach (int channels in new[] { 3, 17, 40 })
        {
            var (h, w) = new[] { (4, 4), (5, 7), (7, 5), (1, 1) }[index % 4];
            var rng = new Random(400 + index++);
            var op = new MaxPool2d { Kernel = k, Stride = s, Padding = p };
            var x = Random(rng, [Batch, channels, h, w]);
            if (index == 3) x.Data[5] = float.NaN;
            yield return new OpCase($"MaxPool2d {op.Describe()} C={channels} N={Batch} {h}x{w}{(index == 3 ? " with NaN" : "")}", op, [x],
                new Dictionary<string, Tensor>(), () => [NaiveOps.MaxPool(op, x.Data, Batch, channels, h, w)], 1);
        }
    }

    private static IEnumerable<OpCase> UpsampleAddCases()
    {
        int index = 0;
        foreach (var mode in new[] { UpsampleMode.Nearest, UpsampleMode.Bilinear })
        foreach (var fuse in new[] { FuseType.Sum, FuseType.Avg })
        foreach (var (h, w) in new[] { (1, 1), (3, 5), (4, 7) })
        {
            int channels = new[] { 3, 17, 40 }[index % 3];
            var rng = new Random(500 + index++);
            var op = new UpsampleAdd { Mode = mode, Fuse = fuse };
            var top = Random(rng, [Batch, channels, h, w]);
            var lateral = Random(rng, [Batch, channels, 2 * h, 2 * w]);
            yield return new OpCase($"UpsampleAdd {op.Describe()} C={channels} N={Batch} {h}x{w}", op, [top, lateral],
                new Dictionary<string, Tensor>(), () => [NaiveOps.UpsampleAdd(op, top.Data, lateral.Data, Batch, channels, h, w)], 1);
        }
    }

    private static IEnumerable<OpCase> AddCases()
    {
        int index = 0;
        foreach (var activation in new[] { Activation.None, Activation.Relu })
        foreach (int[] shape in new[] { new[] { Batch, 3, 5, 7 }, new[] { Batch, 17, 1, 3 }, new[] { Batch, 40, 3, 2 } })
        {
            var rng = new Random(600 + index++);
            var op = new Add { Activation = activation };
            var a = Random(rng, shape);
            var b = Random(rng, shape);
            yield return new OpCase($"Add {op.Describe()} {Tensor.ShapeString(shape)}", op, [a, b], new Dictionary<string, Tensor>(),
                () => [NaiveOps.Add(op, a.Data, b.Data)], 1);
        }
    }

    private static IEnumerable<OpCase> ReluCases()
    {
        foreach (int[] shape in new[] { new[] { Batch, 3, 5, 7 }, new[] { Batch, 17, 2, 1 }, new[] { Batch, 40, 3, 2 } })
        {
            var x = Random(new Random(700 + shape[1]), shape);
            x.Data[3] = float.NaN;
            yield return new OpCase($"Relu {Tensor.ShapeString(shape)} with NaN", new Relu(), [x], new Dictionary<string, Tensor>(),
                () => [NaiveOps.Relu(x.Data)], 1);
        }
    }

    private static IEnumerable<OpCase> AnchorGridCases()
    {
        var cases = new (double[] Sizes, double[] Ratios, int Stride, float Offset, int H, int W)[]
        {
            ([32], [0.5, 1, 2], 4, 0f, 5, 7),
            ([32, 40.3, 50.8], [0.5, 1, 2], 8, 0.5f, 3, 2),
            ([512], [1], 64, 0f, 1, 1),
        };
        foreach (var c in cases)
        {
            var op = new AnchorGrid { CellAnchors = AnchorGrid.MakeCellAnchors(c.Sizes, c.Ratios), Stride = c.Stride, Offset = c.Offset };
            var feature = new Tensor([Batch, 4, c.H, c.W]);
            yield return new OpCase($"AnchorGrid {op.Describe()} {c.H}x{c.W}", op, [feature], new Dictionary<string, Tensor>(),
                () => [NaiveOps.AnchorGrid(op, c.H, c.W)], 1);
        }
    }

    private static IEnumerable<OpCase> NormalizeImageCases()
    {
        var op = new NormalizeImage { Mean = [103.53f, 116.28f, 123.675f], Std = [57.375f, 57.12f, 58.395f] };
        var cases = new (int N, int H, int W, int[] Sizes)[] { (2, 8, 12, [5, 12, 8, 7]), (1, 5, 7, [5, 7]), (3, 4, 4, [1, 1, 4, 4, 2, 3]) };
        int index = 0;
        foreach (var c in cases)
        {
            var rng = new Random(800 + index++);
            var pixels = new byte[c.N * c.H * c.W * 3];
            rng.NextBytes(pixels);
            var pixelTensor = new Tensor([c.N, c.H, c.W, 3], pixels);
            var sizes = new Tensor([c.N, 2], c.Sizes);
            yield return new OpCase($"NormalizeImage N={c.N} {c.H}x{c.W} sizes [{string.Join(", ", c.Sizes)}]", op, [pixelTensor, sizes],
                new Dictionary<string, Tensor>(), () => [NaiveOps.NormalizeImage(op, pixels, c.Sizes, c.N, c.H, c.W)], 1);
        }
    }

    private static IEnumerable<OpCase> TopKCases()
    {
        var cases = new (int[] Shape, int K, float? Threshold, bool NaN, bool Sigmoid)[]
        {
            ([Batch, 3, 5, 7], 10, null, false, false),
            ([Batch, 3, 5, 7], 1000, null, true, false),
            ([Batch, 9, 3, 4], 20, 0.6f, false, false),
            ([3, 50], 7, null, false, false),
            ([Batch, 2, 2, 2], 5, 2f, false, false),
            // RetinaNet: sigmoid probabilities above 0.4 (logits above −0.405), then the best 12.
            ([Batch, 18, 3, 4], 12, 0.4f, true, true),
        };
        int index = 0;
        foreach (var c in cases)
        {
            var x = Random(new Random(900 + index++), c.Shape);
            if (c.NaN) x.Data[17] = float.NaN;
            var op = new TopK { K = c.K, ScoreThreshold = c.Threshold, Sigmoid = c.Sigmoid };
            yield return new OpCase($"TopK {op.Describe()} {Tensor.ShapeString(c.Shape)}{(c.NaN ? " with NaN" : "")}", op, [x],
                new Dictionary<string, Tensor>(), () =>
                {
                    var (values, indices, count) = NaiveOps.TopK(op, x.Data, c.Shape);
                    return [values, indices, count];
                }, 1);
        }
    }

    private static IEnumerable<OpCase> BoxDecodeCases()
    {
        var cases = new (int N, int A, int H, int W, int K, float[] Weights, double DeltaScale, int Classes)[]
        {
            (Batch, 3, 5, 7, 20, [1, 1, 1, 1], 1, 1),
            (1, 1, 2, 3, 6, [10, 10, 5, 5], 1, 1),
            // dw, dh up to 40 / 5 = 8, above the clamp of log(1000 / 16) ≈ 4.14.
            (Batch, 2, 3, 4, 24, [1, 1, 5, 5], 40, 1),
            // RetinaNet's indices count (anchor, class) pairs: anchor = index / classes.
            (Batch, 3, 3, 4, 30, [1, 1, 1, 1], 1, 4),
        };
        int index = 0;
        foreach (var c in cases)
        {
            var rng = new Random(1000 + index++);
            int anchorsCount = c.H * c.W * c.A;
            var deltas = Random(rng, [c.N, 4 * c.A, c.H, c.W], c.DeltaScale);
            var anchors = new Tensor([anchorsCount, 4]);
            for (int i = 0; i < anchorsCount; i++)
            {
                float x1 = (float)(rng.NextDouble() * 50), y1 = (float)(rng.NextDouble() * 50);
                anchors.Data[4 * i] = x1;
                anchors.Data[4 * i + 1] = y1;
                anchors.Data[4 * i + 2] = x1 + 1 + (float)(rng.NextDouble() * 40);
                anchors.Data[4 * i + 3] = y1 + 1 + (float)(rng.NextDouble() * 40);
            }
            // Distinct anchors per image in a random order; the last rows are top-k filler (−1) when k allows.
            var indices = new long[c.N * c.K];
            for (int b = 0; b < c.N; b++)
            {
                var chosen = Enumerable.Range(0, anchorsCount * c.Classes).OrderBy(_ => rng.Next()).Take(c.K).ToArray();
                for (int r = 0; r < c.K; r++) indices[b * c.K + r] = r < c.K - 2 || c.K == anchorsCount ? chosen[r] : -1;
            }
            var indexTensor = new Tensor([c.N, c.K], indices);
            var op = new BoxDecode { Weights = c.Weights, ClassesPerAnchor = c.Classes };
            yield return new OpCase($"BoxDecode {op.Describe()} N={c.N} A={c.A} {c.H}x{c.W} k={c.K}", op, [deltas, anchors, indexTensor],
                new Dictionary<string, Tensor>(), () => [NaiveOps.BoxDecode(op, deltas.Data, deltas.Shape, anchors.Data, indices, c.K)], 1);
        }
    }

    private static IEnumerable<OpCase> RpnProposalsCases()
    {
        var cases = new (int N, int[] K, int[] Sizes, double Nms, int PostNms, float MinSize)[]
        {
            (Batch, [30, 12, 5], [40, 50, 33, 47], 0.7, 1000, 0),
            (Batch, [25, 25], [40, 40, 20, 60], 0.5, 10, 2),
            (1, [8], [30, 30], 0.0, 3, 0),
            // Over 1000 candidates: one NMS per level instead of one over level-shifted boxes.
            (1, [700, 400], [300, 200], 0.7, 1000, 0),
        };
        int index = 0;
        foreach (var c in cases)
        {
            var rng = new Random(1100 + index++);
            var inputs = new List<Tensor>();
            foreach (int k in c.K)
            {
                var (boxes, logits) = ClusteredCandidates(rng, c.N, k, c.Sizes);
                inputs.Add(boxes);
                inputs.Add(logits);
            }
            inputs.Add(new Tensor([c.N, 2], c.Sizes));
            var op = new RpnProposals { Levels = c.K.Length, NmsThreshold = c.Nms, PostNmsTopK = c.PostNms, MinSize = c.MinSize };
            yield return new OpCase($"RpnProposals {op.Describe()} N={c.N} k=[{string.Join(", ", c.K)}]", op, inputs.ToArray(),
                new Dictionary<string, Tensor>(), () =>
                {
                    var levels = Enumerable.Range(0, c.K.Length);
                    var (boxes, logits, count) = NaiveOps.RpnProposals(op, levels.Select(l => inputs[2 * l].Data).ToArray(),
                        levels.Select(l => inputs[2 * l + 1].Data).ToArray(), c.Sizes, c.N);
                    return [boxes, logits, count];
                }, 1);
        }
    }

    private static IEnumerable<OpCase> RoiAlignCases()
    {
        var cases = new (int N, int C, int ImageH, int ImageW, float[] Scales, int P, int[] Counts, int Size, int Sampling, bool Aligned)[]
        {
            // Boxes of 4 to 40 px with a canonical size of 16 at level 3 spread over levels 2 and 3.
            (Batch, 19, 48, 64, [1 / 4f, 1 / 8f], 6, [6, 4], 3, 0, true),
            (1, 8, 14, 18, [1 / 2f], 5, [5], 2, 2, false),
            (Batch, 17, 64, 48, [1 / 4f, 1 / 8f, 1 / 16f], 7, [7, 7], 4, 0, true),
        };
        int index = 0;
        foreach (var c in cases)
        {
            var rng = new Random(1200 + index++);
            var maps = c.Scales.Select(scale => Random(rng, [c.N, c.C, (int)(c.ImageH * scale), (int)(c.ImageW * scale)])).ToArray();
            var boxes = new Tensor([c.N, c.P, 4]);
            for (int i = 0; i < c.N * c.P; i++)
            {
                float w = i % 5 == 4 ? 0 : 4 + (float)rng.NextDouble() * 36, h = 4 + (float)rng.NextDouble() * 36;
                float x1 = (float)(rng.NextDouble() * (c.ImageW + 8)) - 8, y1 = (float)(rng.NextDouble() * (c.ImageH + 8)) - 8;
                (boxes.Data[4 * i], boxes.Data[4 * i + 1], boxes.Data[4 * i + 2], boxes.Data[4 * i + 3]) = (x1, y1, x1 + w, y1 + h);
            }
            var op = new RoiAlign { Scales = c.Scales, OutputSize = c.Size, SamplingRatio = c.Sampling, Aligned = c.Aligned, CanonicalBoxSize = 16, CanonicalLevel = 3 };
            var counts = new Tensor([c.N], c.Counts);
            yield return new OpCase($"RoiAlign {op.Describe()} N={c.N} C={c.C} P={c.P} counts [{string.Join(", ", c.Counts)}]", op,
                [.. maps, boxes, counts], new Dictionary<string, Tensor>(),
                () => [NaiveOps.RoiAlign(op, maps.Select(m => m.Data).ToArray(), maps.Select(m => m.Shape).ToArray(), boxes.Data, c.P, c.Counts)], 64);
        }
    }

    private static IEnumerable<OpCase> RoiPoolCases()
    {
        var cases = new (int N, int C, int ImageH, int ImageW, float[] Scales, int P, int[] Counts, int Size)[]
        {
            // Boxes of 4 to 40 px with a canonical size of 16 at level 3 spread over levels 2 and 3.
            (Batch, 19, 48, 64, [1 / 4f, 1 / 8f], 8, [8, 5], 3),
            // Bins of 6 over boxes a few pixels wide: float32 bin edges such as 3 · (4/6) = 2, not 2.0000001.
            (1, 8, 14, 18, [1f], 9, [9], 6),
            (Batch, 17, 64, 48, [1 / 4f, 1 / 8f, 1 / 16f], 7, [7, 7], 7),
        };
        int index = 0;
        foreach (var c in cases)
        {
            var rng = new Random(1250 + index++);
            var maps = c.Scales.Select(scale => Random(rng, [c.N, c.C, (int)(c.ImageH * scale), (int)(c.ImageW * scale)])).ToArray();
            var boxes = new Tensor([c.N, c.P, 4]);
            for (int i = 0; i < c.N * c.P; i++)
            {
                float w = 1 + (float)rng.NextDouble() * 39, h = 1 + (float)rng.NextDouble() * 39;
                float x1 = (float)(rng.NextDouble() * (c.ImageW + 8)) - 8, y1 = (float)(rng.NextDouble() * (c.ImageH + 8)) - 8;
                (float, float, float, float) box = (i % 4) switch
                {
                    // Even pixels: at scale 1/4 every other one is a .5, where C's round and .NET's default part.
                    1 => (2 * MathF.Round(x1 / 2), 2 * MathF.Round(y1 / 2), 2 * MathF.Round((x1 + w) / 2), 2 * MathF.Round((y1 + h) / 2)),
                    // Corners crossed (a one-pixel box) or a box wholly outside the map.
                    2 => i % 8 == 2 ? (x1 + w, y1, x1, y1 + h) : (-x1 - 2 * c.ImageW, y1, -x1 - c.ImageW, y1 + h),
                    _ => (x1, y1, x1 + w, y1 + h),
                };
                (boxes.Data[4 * i], boxes.Data[4 * i + 1], boxes.Data[4 * i + 2], boxes.Data[4 * i + 3]) = box;
            }
            var op = new RoiPool { Scales = c.Scales, OutputSize = c.Size, CanonicalBoxSize = 16, CanonicalLevel = 3 };
            var counts = new Tensor([c.N], c.Counts);
            yield return new OpCase($"RoiPool {op.Describe()} N={c.N} C={c.C} P={c.P} counts [{string.Join(", ", c.Counts)}]", op,
                [.. maps, boxes, counts], new Dictionary<string, Tensor>(),
                () => [NaiveOps.RoiPool(op, maps.Select(m => m.Data).ToArray(), maps.Select(m => m.Shape).ToArray(), boxes.Data, c.P, c.Counts)], 1);
        }
    }

    private static IEnumerable<OpCase> LinearCases()
    {
        var cases = new (int[] Shape, int Out, bool Bias, Activation Activation)[]
        {
            ([7, 13], 5, true, Activation.Relu),
            // A feature map flattened (C, H, W); more output columns than one register tile.
            ([5, 6, 3, 2], 70, true, Activation.None),
            // More input features than one reduction chunk of the CPU kernel.
            ([13, 600], 40, true, Activation.Relu),
            ([3, 17], 9, false, Activation.None),
        };
        int index = 0;
        foreach (var c in cases)
        {
            var rng = new Random(1300 + index++);
            int inFeatures = (int)(Tensor.CountElements(c.Shape) / c.Shape[0]);
            var op = new Linear { InFeatures = inFeatures, OutFeatures = c.Out, HasBias = c.Bias, Activation = c.Activation };
            var x = Random(rng, c.Shape);
            var weight = Random(rng, [c.Out, inFeatures], 1 / Math.Sqrt(inFeatures));
            var parameters = new Dictionary<string, Tensor> { ["weight"] = weight };
            if (c.Bias) parameters["bias"] = Random(rng, [c.Out]);
            yield return new OpCase($"Linear {op.Describe()} {Tensor.ShapeString(c.Shape)}", op, [x], parameters,
                () => [NaiveOps.Linear(op, x.Data, weight.Data, c.Bias ? parameters["bias"].Data : null)], inFeatures);
        }
    }

    private static IEnumerable<OpCase> RefineBoxesCases()
    {
        var rng = new Random(1900);
        int[] sizes = [40, 50, 30, 60];
        var (boxes, _) = ClusteredCandidates(rng, Batch, 9, sizes);
        for (int i = 0; i < boxes.Data.Length; i++)
            if (float.IsNaN(boxes.Data[i])) boxes.Data[i] = 3;
        var deltas = Random(rng, [Batch * 9, 4], 4);
        var op = new RefineBoxes { Weights = [20, 20, 10, 10] };
        yield return new OpCase($"RefineBoxes {op.Describe()}", op, [deltas, boxes, new Tensor([Batch], [9, 6]), new Tensor([Batch, 2], sizes)],
            new Dictionary<string, Tensor>(), () => [NaiveOps.RefineBoxes(op, deltas.Data, boxes.Data, [9, 6], sizes, 9)], 1);
    }

    private static IEnumerable<OpCase> UpsampleBilinear2xCases()
    {
        int index = 0;
        foreach (var shape in new[] { new[] { Batch, 17, 5, 7 }, [1, 3, 1, 1], [1, 20, 4, 3] })
        {
            var x = Random(new Random(2000 + index++), shape);
            yield return new OpCase($"UpsampleBilinear2x {Tensor.ShapeString(shape)}", new UpsampleBilinear2x(), [x], new Dictionary<string, Tensor>(),
                () => [NaiveOps.UpsampleBilinear2x(x.Data, shape)], 4);
        }
    }

    private static IEnumerable<OpCase> SpatialMeanCases()
    {
        int index = 0;
        foreach (var shape in new[] { new[] { Batch, 19, 7, 7 }, [3, 5, 1, 1], [1, 8, 2, 9] })
        {
            var x = Random(new Random(1500 + index++), shape);
            yield return new OpCase($"SpatialMean {Tensor.ShapeString(shape)}", new SpatialMean(), [x], new Dictionary<string, Tensor>(),
                () => [NaiveOps.SpatialMean(x.Data, shape)], shape[2] * shape[3]);
        }
    }

    private static IEnumerable<OpCase> ConvTranspose2dCases()
    {
        var cases = new (int N, int Cin, int Cout, int H, int W, int Kernel, int Stride, int Padding, bool Bias)[]
        {
            // The mask head's 2×2 stride 2 (the CPU backend's blockwise path), with more outputs than a register tile.
            (Batch, 19, 37, 5, 7, 2, 2, 0, true),
            (1, 8, 3, 3, 2, 3, 3, 0, false),
            // The keypoint head's overlapping 4×4 stride 2 padding 1.
            (Batch, 6, 5, 4, 3, 4, 2, 1, true),
        };
        int index = 0;
        foreach (var c in cases)
        {
            var rng = new Random(1600 + index++);
            var op = new ConvTranspose2d { InChannels = c.Cin, OutChannels = c.Cout, Kernel = c.Kernel, Stride = c.Stride, Padding = c.Padding, HasBias = c.Bias, Activation = c.Bias ? Activation.Relu : Activation.None };
            var x = Random(rng, [c.N, c.Cin, c.H, c.W]);
            var weight = Random(rng, [c.Cin, c.Cout, c.Kernel, c.Kernel], 0.5);
            var parameters = new Dictionary<string, Tensor> { ["weight"] = weight };
            if (c.Bias) parameters["bias"] = Random(rng, [c.Cout]);
            yield return new OpCase($"ConvTranspose2d {op.Describe()} N={c.N} {c.H}x{c.W}", op, [x], parameters,
                () => [NaiveOps.ConvTranspose(op, x.Data, x.Shape, weight.Data, c.Bias ? parameters["bias"].Data : null)], c.Cin * c.Kernel * c.Kernel);
        }
    }

    private static IEnumerable<OpCase> MaskRcnnInferenceCases()
    {
        var cases = new (int N, int D, int K, int S, int[] Counts)[] { (Batch, 3, 4, 5, [3, 1]), (1, 2, 1, 4, [2]) };
        int index = 0;
        foreach (var c in cases)
        {
            var rng = new Random(1700 + index++);
            var logits = Random(rng, [c.N * c.D, c.K, c.S, c.S], 6);
            var classes = Enumerable.Range(0, c.N * c.D).Select(_ => (long)rng.Next(c.K)).ToArray();
            yield return new OpCase($"MaskRcnnInference N={c.N} D={c.D} K={c.K} {c.S}x{c.S}", new MaskRcnnInference(),
                [logits, new Tensor([c.N, c.D], classes), new Tensor([c.N], c.Counts)], new Dictionary<string, Tensor>(),
                () => [NaiveOps.MaskRcnnInference(logits.Data, logits.Shape, classes, c.Counts, c.D)], 1);
        }
    }

    private static IEnumerable<OpCase> RetinaNetInferenceCases()
    {
        var cases = new (int N, int[] K, int Classes, int[][] Counts, int D)[]
        {
            (Batch, [20, 8], 3, [[20, 8], [5, 0]], 10),
            // Over 1000 candidates: one NMS per class.
            (1, [700, 400], 4, [[700, 400]], 100),
        };
        int index = 0;
        foreach (var c in cases)
        {
            var rng = new Random(1800 + index++);
            var inputs = new List<Tensor>();
            for (int l = 0; l < c.K.Length; l++)
            {
                int k = c.K[l];
                var (boxes, _) = ClusteredCandidates(rng, c.N, k, Enumerable.Repeat(60, 2 * c.N).ToArray());
                for (int i = 0; i < boxes.Data.Length; i++)
                    if (float.IsNaN(boxes.Data[i])) boxes.Data[i] = 7;
                var scores = new Tensor([c.N, k]);
                for (int i = 0; i < scores.Data.Length; i++) scores.Data[i] = (float)rng.NextDouble();
                var indices = new Tensor([c.N, k], Enumerable.Range(0, c.N * k).Select(_ => (long)rng.Next(50 * c.Classes)).ToArray());
                inputs.AddRange([boxes, scores, indices, new Tensor([c.N], c.Counts.Select(n => n[l]).ToArray())]);
            }
            var op = new RetinaNetInference { Levels = c.K.Length, NumClasses = c.Classes, DetectionsPerImage = c.D };
            yield return new OpCase($"RetinaNetInference {op.Describe()} N={c.N} k=[{string.Join(", ", c.K)}]", op, inputs.ToArray(),
                new Dictionary<string, Tensor>(), () =>
                {
                    var (boxes, scores, classes, count) = NaiveOps.RetinaNetInference(op, inputs, c.N);
                    return [boxes, scores, classes, count];
                }, 1);
        }
    }

    private static IEnumerable<OpCase> FastRcnnInferenceCases()
    {
        var cases = new (int N, int P, int K, int[] Counts, bool Agnostic, float Threshold, int D, int Stages)[]
        {
            (Batch, 6, 3, [6, 4], false, 0.05f, 5, 1),
            (1, 8, 4, [8], true, 0.05f, 100, 1),
            // 400 proposals × 5 classes over a threshold of 0: more than 1000 pairs, so one NMS per class.
            (1, 400, 5, [400], false, 0f, 100, 1),
            // Cascade R-CNN: three stages' softmaxes averaged, class-agnostic boxes.
            (Batch, 7, 3, [7, 5], true, 0.05f, 6, 3),
        };
        int index = 0;
        foreach (var c in cases)
        {
            var rng = new Random(1400 + index++);
            int[] sizes = Enumerable.Range(0, c.N).SelectMany(b => new[] { 40 + 5 * b, 50 }).ToArray();
            var (proposals, _) = ClusteredCandidates(rng, c.N, c.P, sizes);
            for (int i = 0; i < proposals.Data.Length; i++)
                if (float.IsNaN(proposals.Data[i])) proposals.Data[i] = 5;
            var logits = Enumerable.Range(0, c.Stages).Select(_ => Random(rng, [c.N * c.P, c.K + 1], 3)).ToArray();
            logits[0].Data[(c.K + 1) * 1 + 2] = float.NaN;
            var deltas = Random(rng, [c.N * c.P, 4 * (c.Agnostic ? 1 : c.K)], 2);
            var op = new FastRcnnInference { NumClasses = c.K, ClassAgnostic = c.Agnostic, ScoreThreshold = c.Threshold, DetectionsPerImage = c.D, Stages = c.Stages };
            yield return new OpCase($"FastRcnnInference {op.Describe()} N={c.N} P={c.P}", op,
                [.. logits, deltas, proposals, new Tensor([c.N], c.Counts), new Tensor([c.N, 2], sizes)], new Dictionary<string, Tensor>(), () =>
                {
                    var (boxes, scores, classes, count) = NaiveOps.FastRcnnInference(op, logits.Select(l => l.Data).ToArray(), deltas.Data, proposals.Data, c.Counts, sizes, c.P);
                    return [boxes, scores, classes, count];
                }, c.K + 1);
        }
    }

    /// <summary>
    /// Candidate boxes [N, k, 4] and logits [N, k] that exercise every rule: boxes jittered around
    /// three centres (so NMS suppresses), some past the image edge (clipped), some thinner than
    /// 2 pixels (the MIN_SIZE filter), one NaN coordinate, and the last row −∞ (top-k filler).
    /// </summary>
    private static (Tensor Boxes, Tensor Logits) ClusteredCandidates(Random rng, int n, int k, int[] sizes)
    {
        var boxes = new Tensor([n, k, 4]);
        var logits = Random(rng, [n, k], 3);
        for (int b = 0; b < n; b++)
        {
            double h = sizes[2 * b], w = sizes[2 * b + 1];
            var centres = new[] { (0.3 * w, 0.3 * h), (0.7 * w, 0.6 * h), (w, 0.1 * h) };
            for (int r = 0; r < k; r++)
            {
                var (cx, cy) = centres[rng.Next(centres.Length)];
                cx += rng.NextDouble() * 4 - 2;
                cy += rng.NextDouble() * 4 - 2;
                double bw = r % 7 == 3 ? 1.5 : 8 + rng.NextDouble() * 3, bh = 8 + rng.NextDouble() * 3;
                var box = boxes.Data.AsSpan((b * k + r) * 4, 4);
                (box[0], box[1], box[2], box[3]) = ((float)(cx - bw / 2), (float)(cy - bh / 2), (float)(cx + bw / 2), (float)(cy + bh / 2));
            }
            if (k > 4) boxes.Data[(b * k + 2) * 4 + 1] = float.NaN;
            logits.Data[b * k + k - 1] = float.NegativeInfinity;
        }
        return (boxes, logits);
    }
}
