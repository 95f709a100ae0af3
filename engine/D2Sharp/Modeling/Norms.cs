using D2Sharp.Ops;

namespace D2Sharp.Modeling;

/// <summary>A normalisation after a conv, from a config string as Detectron2's <c>get_norm</c>.</summary>
public readonly record struct NormSpec(FoldedNorm Folded, bool IsGroupNorm)
{
    /// <summary>No normalisation (config value <c>""</c>).</summary>
    public static readonly NormSpec None = new(FoldedNorm.None, false);

    /// <summary>Channels per GroupNorm group are fixed by Detectron2: <c>nn.GroupNorm(32, C)</c>.</summary>
    public const int GroupNormGroups = 32;

    /// <summary>True when there is no normalisation at all: neither a folded batch norm nor GroupNorm.</summary>
    public bool IsNone => Folded == FoldedNorm.None && !IsGroupNorm;

    /// <summary>Parses a norm name; <paramref name="key"/> names the config key in errors.</summary>
    public static NormSpec Parse(string norm, string key) => norm switch
    {
        "" => None,
        "FrozenBN" => new(FoldedNorm.FrozenBN, false),
        "BN" => new(FoldedNorm.BN, false),
        "SyncBN" or "nnSyncBN" or "naiveSyncBN" or "naiveSyncBN_N" => new(FoldedNorm.SyncBN, false),
        "GN" => new(FoldedNorm.None, true),
        "LN" => throw new ModelBuildException($"{key} = \"LN\": LayerNorm is not supported by D2Sharp yet (supported: \"\", FrozenBN, BN, SyncBN, GN)"),
        _ => throw new ModelBuildException($"{key} = \"{norm}\" is not a norm Detectron2 knows (get_norm: \"\", BN, SyncBN, FrozenBN, GN, nnSyncBN, naiveSyncBN, LN)"),
    };
}
