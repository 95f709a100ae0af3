using D2Sharp.Config.Defaults;

namespace D2Sharp.Config;

/// <summary>
/// Detectron2's default config (<c>detectron2.config.get_cfg()</c>, detectron2/config/defaults.py
/// at commit 02b5c4e), every key with its one-line description, plus the D2Sharp-only keys in
/// <see cref="D2SharpKeys"/>.
/// </summary>
public static class ConfigDefaults
{
    /// <summary>D2Sharp only: read ASPECT_RATIOS Caffe-style, <c>[2, 3]</c> meaning <c>[1, 2, 3, 1/2, 1/3]</c>. Default False.</summary>
    public const string AspectRatiosFlipKey = "ASPECT_RATIOS_FLIP";

    /// <summary>D2Sharp only: FPN top-down upsampling, "nearest" (Detectron2) or "bilinear". Default "nearest".</summary>
    public const string FpnUpsampleModeKey = "UPSAMPLE_MODE";

    /// <summary>Keys D2Sharp adds to Detectron2's defaults; they keep Detectron2's behaviour at their default values.</summary>
    public static IReadOnlyList<string> D2SharpKeys { get; } =
    [
        "MODEL.ANCHOR_GENERATOR." + AspectRatiosFlipKey,
        "MODEL.FPN." + FpnUpsampleModeKey,
    ];

    private static readonly (CfgNode Root, IReadOnlyDictionary<string, string> Descriptions) Built = Build();

    /// <summary>A fresh copy of the defaults.</summary>
    public static CfgNode Create() => Built.Root.Clone();

    /// <summary>The one-line description of a default key or section (<c>MODEL.RESNETS.DEPTH</c>), or null if it is not one.</summary>
    public static string? Describe(string dottedKey) => Built.Descriptions.GetValueOrDefault(dottedKey);

    private static (CfgNode, IReadOnlyDictionary<string, string>) Build()
    {
        var root = new CfgNode();
        var descriptions = new Dictionary<string, string>(StringComparer.Ordinal);
        var top = new DefaultsSection(root, descriptions);

        top.Value("VERSION", 2, "Config version; Detectron2 upgrades configs of older versions, the model zoo is at 2.");
        DefaultsSection model = ModelDefaults.AddTo(top);
        InputDefaults.AddTo(top);
        BackboneDefaults.AddBackboneAndFpn(model);
        ProposalDefaults.AddTo(model);
        RoiHeadDefaults.AddTo(model);
        DenseHeadDefaults.AddTo(model);
        BackboneDefaults.AddResNets(model);
        SolverDefaults.AddTo(top);
        TestAndMiscDefaults.AddTo(top);
        return (root, descriptions);
    }
}
