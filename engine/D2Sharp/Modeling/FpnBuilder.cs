using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Ops;
using static D2Sharp.Modeling.Layers;

namespace D2Sharp.Modeling;

/// <summary>
/// Detectron2's FPN on a ResNet (<c>build_resnet_fpn_backbone</c>, top block LastLevelMaxPool) and
/// RetinaNet's variant (<c>build_retinanet_resnet_fpn_backbone</c>, top block LastLevelP6P7 on res5).
/// </summary>
public static class FpnBuilder
{
    /// <summary>
    /// <c>build_resnet_fpn_backbone</c>: a ResNet under <c>&lt;prefix&gt;.bottom_up</c>, one FPN output per
    /// <c>FPN.IN_FEATURES</c> entry (<c>p2</c>…<c>p5</c> for res2…res5), then the next level by max pool k1 s2 on <c>p5</c>.
    /// </summary>
    /// <exception cref="ModelBuildException">An FPN key is invalid or names a feature the ResNet does not output.</exception>
    public static Backbone BuildResNetFpnBackbone(CfgNode cfg, BackboneInput input) =>
        Build(cfg, input, TopBlock.MaxPool);

    /// <summary>
    /// <c>build_retinanet_resnet_fpn_backbone</c>: a ResNet under <c>&lt;prefix&gt;.bottom_up</c>, one FPN output per
    /// <c>FPN.IN_FEATURES</c> entry (<c>p3</c>…<c>p5</c>), then P6 by a 3×3 s2 conv on <c>res5</c> and P7 by another on ReLU(P6).
    /// </summary>
    /// <exception cref="ModelBuildException">An FPN key is invalid, or <c>res5</c> is not among the ResNet's outputs.</exception>
    public static Backbone BuildRetinaNetResNetFpnBackbone(CfgNode cfg, BackboneInput input) =>
        Build(cfg, input, TopBlock.P6P7);

    private enum TopBlock { MaxPool, P6P7 }

    private static Backbone Build(CfgNode cfg, BackboneInput input, TopBlock topBlock)
    {
        var bottomUp = ResNetBuilder.BuildResNetBackbone(cfg, input with { Prefix = input.Prefix + ".bottom_up" });
        var inFeatures = cfg.GetStringList("MODEL.FPN.IN_FEATURES");
        int outChannels = cfg.GetInt("MODEL.FPN.OUT_CHANNELS");
        var norm = NormSpec.Parse(cfg.GetString("MODEL.FPN.NORM"), "MODEL.FPN.NORM");
        var fuse = cfg.GetString("MODEL.FPN.FUSE_TYPE") switch
        {
            "sum" => FuseType.Sum,
            "avg" => FuseType.Avg,
            var other => throw new ModelBuildException($"MODEL.FPN.FUSE_TYPE = \"{other}\": fuse_type must be one of {{\"avg\", \"sum\"}}"),
        };
        var upsample = cfg.GetString("MODEL.FPN.UPSAMPLE_MODE") switch
        {
            "nearest" => UpsampleMode.Nearest,
            "bilinear" => UpsampleMode.Bilinear,
            var other => throw new ModelBuildException($"MODEL.FPN.UPSAMPLE_MODE = \"{other}\": must be \"nearest\" or \"bilinear\""),
        };

        if (inFeatures.Count == 0) throw new ModelBuildException("MODEL.FPN.IN_FEATURES is empty");
        var bottom = new List<Value>();
        foreach (var f in inFeatures)
        {
            if (!bottomUp.TryGet(f, out var v))
                throw new ModelBuildException(
                    $"MODEL.FPN.IN_FEATURES names '{f}', which the bottom-up ResNet does not output " +
                    $"(MODEL.RESNETS.OUT_FEATURES: {string.Join(", ", bottomUp.Outputs.Select(o => o.Key))})");
            bottom.Add(v);
        }
        for (int i = 1; i < bottom.Count; i++)
            if (bottom[i].Spec.Stride != 2 * bottom[i - 1].Spec.Stride)
                throw new ModelBuildException(
                    $"Strides {bottom[i].Spec.Stride} {bottom[i - 1].Spec.Stride} are not log2 contiguous (MODEL.FPN.IN_FEATURES: {string.Join(", ", inFeatures)})");

        var g = input.Graph;
        string p = input.Prefix;
        bool bias = norm.IsNone;
        var stages = bottom.Select(v => (int)Math.Round(Math.Log2(v.Spec.Stride))).ToArray();

        // Top-down: start at the coarsest level, then upsample and add each finer lateral.
        var results = new Value[bottom.Count];
        Value? prev = null;
        for (int i = bottom.Count - 1; i >= 0; i--)
        {
            int s = stages[i];
            var lateral = Conv(g, $"{p}.fpn_lateral{s}", bottom[i],
                new ConvArgs(bottom[i].Spec.Channels, outChannels, 1), norm, bias);
            prev = prev == null
                ? lateral
                : g.Add($"{p}.top_down{s}", new UpsampleAdd { Mode = upsample, Fuse = fuse }, [prev, lateral], lateral.Spec);
            results[i] = Conv(g, $"{p}.fpn_output{s}", prev, new ConvArgs(outChannels, outChannels, 3, 1, 1), norm, bias);
        }

        var outputs = results.Select((v, i) => new KeyValuePair<string, Value>($"p{stages[i]}", v)).ToList();
        int last = stages[^1];
        if (topBlock == TopBlock.MaxPool)
        {
            // LastLevelMaxPool reads p5 by name.
            var p5 = outputs.FirstOrDefault(o => o.Key == "p5").Value
                ?? throw new ModelBuildException(
                    $"LastLevelMaxPool reads 'p5', but this FPN outputs only {string.Join(", ", outputs.Select(o => o.Key))} (check MODEL.FPN.IN_FEATURES)");
            var p6 = g.Add($"{p}.top_block", new MaxPool2d { Kernel = 1, Stride = 2, Padding = 0 }, [p5],
                new ShapeSpec(outChannels, 1 << (last + 1)), valueName: $"p{last + 1}");
            outputs.Add(new($"p{last + 1}", p6));
        }
        else
        {
            // LastLevelP6P7(in_feature="res5"): P6 = conv(res5), P7 = conv(relu(P6)).
            if (!bottomUp.TryGet("res5", out var res5))
                throw new ModelBuildException(
                    "build_retinanet_resnet_fpn_backbone builds P6/P7 from 'res5', which MODEL.RESNETS.OUT_FEATURES does not include");
            var p6 = Conv(g, $"{p}.top_block.p6", res5, new ConvArgs(res5.Spec.Channels, outChannels, 3, 2, 1), NormSpec.None, bias: true);
            var relu = g.Add($"{p}.top_block.p6_relu", new Relu(), [p6], p6.Spec);
            var p7 = Conv(g, $"{p}.top_block.p7", relu, new ConvArgs(outChannels, outChannels, 3, 2, 1), NormSpec.None, bias: true);
            outputs.Add(new($"p{last + 1}", p6));
            outputs.Add(new($"p{last + 2}", p7));
        }
        return new Backbone(outputs, sizeDivisibility: bottom[^1].Spec.Stride);
    }
}
