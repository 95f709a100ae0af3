using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Ops;
using static D2Sharp.Modeling.Layers;

namespace D2Sharp.Modeling;

/// <summary>
/// Detectron2's <c>build_resnet_backbone</c>: BasicStem, then res2…res5 of BasicBlock (depth 18/34),
/// BottleneckBlock or DeformBottleneckBlock, with every MODEL.RESNETS option. Only the stages up to
/// the deepest of OUT_FEATURES are built, as Detectron2's ResNet does.
/// </summary>
public static class ResNetBuilder
{
    private static readonly Dictionary<int, int[]> BlocksPerStage = new()
    {
        [18] = [2, 2, 2, 2], [34] = [3, 4, 6, 3], [50] = [3, 4, 6, 3], [101] = [3, 4, 23, 3], [152] = [3, 8, 36, 3],
    };

    private sealed record StageArgs(
        NormSpec Norm, int Groups, bool StrideIn1x1, int Dilation, bool Deform, bool DeformModulated, int DeformGroups);

    /// <summary>The <c>build_resnet_backbone</c> registration: adds the ResNet under <paramref name="input"/>'s prefix and returns the stages named in <c>RESNETS.OUT_FEATURES</c> (<c>stem</c>, <c>res2</c>…<c>res5</c>), with no padding requirement.</summary>
    /// <exception cref="ModelBuildException">A <c>MODEL.RESNETS</c> key holds a value Detectron2 would reject.</exception>
    public static Backbone BuildResNetBackbone(CfgNode cfg, BackboneInput input)
    {
        var norm = NormSpec.Parse(cfg.GetString("MODEL.RESNETS.NORM"), "MODEL.RESNETS.NORM");
        var outFeatures = cfg.GetStringList("MODEL.RESNETS.OUT_FEATURES");
        int depth = cfg.GetInt("MODEL.RESNETS.DEPTH");
        int numGroups = cfg.GetInt("MODEL.RESNETS.NUM_GROUPS");
        int bottleneck = numGroups * cfg.GetInt("MODEL.RESNETS.WIDTH_PER_GROUP");
        int inChannels = cfg.GetInt("MODEL.RESNETS.STEM_OUT_CHANNELS");
        int outChannels = cfg.GetInt("MODEL.RESNETS.RES2_OUT_CHANNELS");
        bool strideIn1x1 = cfg.GetBool("MODEL.RESNETS.STRIDE_IN_1X1");
        int res5Dilation = cfg.GetInt("MODEL.RESNETS.RES5_DILATION");
        var deformOn = cfg.GetBoolList("MODEL.RESNETS.DEFORM_ON_PER_STAGE");
        bool deformModulated = cfg.GetBool("MODEL.RESNETS.DEFORM_MODULATED");
        int deformGroups = cfg.GetInt("MODEL.RESNETS.DEFORM_NUM_GROUPS");

        if (res5Dilation is not (1 or 2))
            throw new ModelBuildException($"res5_dilation cannot be {res5Dilation}. (MODEL.RESNETS.RES5_DILATION must be 1 or 2)");
        if (!BlocksPerStage.TryGetValue(depth, out var blocksPerStage))
            throw new ModelBuildException($"MODEL.RESNETS.DEPTH = {depth} is not supported; Detectron2 knows 18, 34, 50, 101, 152");
        if (deformOn.Count != 4)
            throw new ModelBuildException($"MODEL.RESNETS.DEFORM_ON_PER_STAGE must have 4 entries (res2..res5), got {deformOn.Count}");
        if (depth is 18 or 34)
        {
            if (outChannels != 64) throw new ModelBuildException("Must set MODEL.RESNETS.RES2_OUT_CHANNELS = 64 for R18/R34");
            if (deformOn.Any(d => d)) throw new ModelBuildException("MODEL.RESNETS.DEFORM_ON_PER_STAGE unsupported for R18/R34");
            if (res5Dilation != 1) throw new ModelBuildException("Must set MODEL.RESNETS.RES5_DILATION = 1 for R18/R34");
            if (numGroups != 1) throw new ModelBuildException("Must set MODEL.RESNETS.NUM_GROUPS = 1 for R18/R34");
        }

        // As Detectron2's ResNet: build only the stages up to the deepest requested output.
        int numStages = outFeatures.Select(f => f switch { "res2" => 1, "res3" => 2, "res4" => 3, "res5" => 4, _ => 0 }).DefaultIfEmpty(0).Max();
        var children = new[] { "stem" }.Concat(Enumerable.Range(2, numStages).Select(s => $"res{s}")).ToArray();
        foreach (var f in outFeatures)
            if (!children.Contains(f))
                throw new ModelBuildException(
                    $"MODEL.RESNETS.OUT_FEATURES contains '{f}'. Available children: {string.Join(", ", children)}");
        if (outFeatures.Count == 0) throw new ModelBuildException("MODEL.RESNETS.OUT_FEATURES is empty");

        var g = input.Graph;
        string p = input.Prefix;
        var outputs = new List<KeyValuePair<string, Value>>();
        var x = Stem(g, p, input.Image, inChannels, norm);
        if (outFeatures.Contains("stem")) outputs.Add(new("stem", x));

        for (int idx = 0; idx < numStages; idx++)
        {
            int stage = idx + 2;
            int dilation = stage == 5 ? res5Dilation : 1;
            int firstStride = idx == 0 || (stage == 5 && dilation == 2) ? 1 : 2;
            var args = new StageArgs(norm, numGroups, strideIn1x1, dilation, deformOn[idx], deformModulated, deformGroups);
            for (int b = 0; b < blocksPerStage[idx]; b++)
            {
                string name = $"{p}.res{stage}.{b}";
                int stride = b == 0 ? firstStride : 1;
                int blockIn = b == 0 ? inChannels : outChannels;
                x = depth is 18 or 34
                    ? BasicBlock(g, name, x, blockIn, outChannels, stride, norm)
                    : Bottleneck(g, name, x, blockIn, outChannels, bottleneck, stride, args);
            }
            if (outFeatures.Contains($"res{stage}")) outputs.Add(new($"res{stage}", x));
            inChannels = outChannels;
            outChannels *= 2;
            bottleneck *= 2;
        }
        return new Backbone(outputs, sizeDivisibility: 0);
    }

    /// <summary>
    /// Detectron2's <c>Res5ROIHeads._build_res5_block</c>: the res5 stage (3 bottleneck blocks,
    /// strides 2, 1, 1) at the widths the backbone's res5 would have, run on pooled boxes, named
    /// <c><paramref name="prefix"/>.0</c>…. Returns its output and channels. A second application of
    /// the same stage (on the detections, for the mask head) passes an <paramref name="application"/>
    /// suffix for its node names; its parameters are the first's.
    /// </summary>
    public static (Value Output, int Channels) Res5Head(CfgNode cfg, ModelGraph g, Value pooled, string prefix, string application = "")
    {
        const int stageChannelFactor = 8;
        var norm = NormSpec.Parse(cfg.GetString("MODEL.RESNETS.NORM"), "MODEL.RESNETS.NORM");
        int groups = cfg.GetInt("MODEL.RESNETS.NUM_GROUPS");
        int bottleneck = groups * cfg.GetInt("MODEL.RESNETS.WIDTH_PER_GROUP") * stageChannelFactor;
        int outChannels = cfg.GetInt("MODEL.RESNETS.RES2_OUT_CHANNELS") * stageChannelFactor;
        var deformOn = cfg.GetBoolList("MODEL.RESNETS.DEFORM_ON_PER_STAGE");
        if (deformOn.Count > 0 && deformOn[^1])
            throw new ModelBuildException("Deformable conv is not yet supported in res5 head. (MODEL.RESNETS.DEFORM_ON_PER_STAGE[-1] is True)");
        if (pooled.Spec.Channels != outChannels / 2)
            throw new ModelBuildException($"the res5 head takes {outChannels / 2} channels (RES2_OUT_CHANNELS × 4), the pooled features have {pooled.Spec.Channels}");
        var args = new StageArgs(norm, groups, cfg.GetBool("MODEL.RESNETS.STRIDE_IN_1X1"), 1, false, false, 1);
        var x = pooled;
        for (int b = 0; b < 3; b++)
            x = Bottleneck(g, $"{prefix}.{b}", x, b == 0 ? outChannels / 2 : outChannels, outChannels, bottleneck, b == 0 ? 2 : 1, args, application);
        return (x, outChannels);
    }

    private static Value Stem(ModelGraph g, string prefix, Value image, int outChannels, NormSpec norm)
    {
        var conv = Conv(g, $"{prefix}.stem.conv1", image, new ConvArgs(image.Spec.Channels, outChannels, 7, 2, 3),
            norm, bias: false, Activation.Relu);
        return g.Add($"{prefix}.stem.max_pool", new MaxPool2d { Kernel = 3, Stride = 2, Padding = 1 }, [conv],
            new ShapeSpec(outChannels, 4), valueName: $"{prefix}.stem");
    }

    private static Value Shortcut(ModelGraph g, string name, Value x, int inChannels, int outChannels, int stride, NormSpec norm,
        string application = "") =>
        inChannels == outChannels
            ? x
            : Conv(g, $"{name}.shortcut{application}", x, new ConvArgs(inChannels, outChannels, 1, stride), norm, bias: false, module: $"{name}.shortcut");

    private static Value BasicBlock(ModelGraph g, string name, Value x, int inChannels, int outChannels, int stride, NormSpec norm)
    {
        var shortcut = Shortcut(g, name, x, inChannels, outChannels, stride, norm);
        var y = Conv(g, $"{name}.conv1", x, new ConvArgs(inChannels, outChannels, 3, stride, 1), norm, false, Activation.Relu);
        return Conv(g, $"{name}.conv2", y, new ConvArgs(outChannels, outChannels, 3, 1, 1), norm, false, Activation.Relu, shortcut);
    }

    /// <summary>
    /// A bottleneck block under module <paramref name="name"/>; a second <paramref name="application"/>
    /// of the same block (Res5ROIHeads' res5 on the detections) suffixes the node names and shares the parameters.
    /// </summary>
    private static Value Bottleneck(ModelGraph g, string name, Value x, int inChannels, int outChannels, int bottleneck,
        int stride, StageArgs a, string application = "")
    {
        var shortcut = Shortcut(g, name, x, inChannels, outChannels, stride, a.Norm, application);
        var (stride1x1, stride3x3) = a.StrideIn1x1 ? (stride, 1) : (1, stride);
        var y = Conv(g, $"{name}.conv1{application}", x, new ConvArgs(inChannels, bottleneck, 1, stride1x1), a.Norm, false, Activation.Relu,
            module: $"{name}.conv1");
        var conv2 = new ConvArgs(bottleneck, bottleneck, 3, stride3x3, a.Dilation, a.Dilation, a.Groups);
        if (a.Deform)
        {
            int offsetChannels = (a.DeformModulated ? 27 : 18) * a.DeformGroups;
            // conv2_offset is a plain conv with bias and no norm, sharing conv2's stride and dilation.
            var offset = Conv(g, $"{name}.conv2_offset", y,
                new ConvArgs(bottleneck, offsetChannels, 3, stride3x3, a.Dilation, a.Dilation), NormSpec.None, bias: true);
            y = DeformConv(g, $"{name}.conv2", y, offset, conv2, a.DeformGroups, a.DeformModulated, a.Norm, Activation.Relu);
        }
        else
        {
            y = Conv(g, $"{name}.conv2{application}", y, conv2, a.Norm, false, Activation.Relu, module: $"{name}.conv2");
        }
        return Conv(g, $"{name}.conv3{application}", y, new ConvArgs(bottleneck, outChannels, 1), a.Norm, false, Activation.Relu, shortcut,
            module: $"{name}.conv3");
    }
}
