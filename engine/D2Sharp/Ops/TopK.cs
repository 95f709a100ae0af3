namespace D2Sharp.Ops;

/// <summary>
/// Per batch item, the <see cref="K"/> largest scores and where they are, as <c>Tensor.topk</c>
/// on Detectron2's flattened maps: the RPN's per-level pre-NMS selection (<c>logits.topk(k)</c>)
/// and, with <see cref="ScoreThreshold"/>, RetinaNet's threshold-then-top-k.
/// Input: scores [N, C, H, W] read in Detectron2's <c>permute(0, 2, 3, 1).flatten(1)</c> order,
/// index (y·W + x)·C + c, or [N, L] read as it is. With <see cref="Sigmoid"/> the scores are the
/// inputs' sigmoids (RetinaNet's class probabilities), computed in float32 for the candidates only.
/// Only scores above the threshold (strictly; every score when it is null) are candidates; they are
/// ordered by score descending, NaN above every number as in <c>torch.topk</c>, equal scores by lower
/// index first. Outputs, with k = min(K, C·H·W):
/// values float32 [N, k], indices int64 [N, k], count int32 [N] = min(k, candidates); rows from
/// count on hold value −∞ and index −1.
/// </summary>
public sealed class TopK : Op
{
    private static readonly IReadOnlyList<string> Names = ["values", "indices", "count"];

    /// <summary>Most scores kept per batch item (<c>RPN.PRE_NMS_TOPK_TEST</c> or <c>RETINANET.TOPK_CANDIDATES_TEST</c>); capped at the input's length per item.</summary>
    public int K { get; init; }
    /// <summary>Score a candidate must exceed, compared after <see cref="Sigmoid"/> when set (<c>RETINANET.SCORE_THRESH_TEST</c>); null keeps every score.</summary>
    public float? ScoreThreshold { get; init; }
    /// <summary>Rank the inputs' sigmoids instead of the raw scores (RetinaNet's class logits); the values output holds the sigmoids.</summary>
    public bool Sigmoid { get; init; }

    /// <inheritdoc/>
    public override string Kind => "TopK";
    /// <summary>False: all outputs are plain arrays.</summary>
    public override bool ProducesFeatureMap => false;
    /// <summary><c>values</c>, <c>indices</c>, <c>count</c>.</summary>
    public override IReadOnlyList<string> OutputNames => Names;

    /// <summary>Float32 for values, int64 for indices, int32 for the count.</summary>
    public override DataType OutputType(int index) => index switch
    {
        0 => DataType.Float32,
        1 => DataType.Int64,
        _ => DataType.Int32,
    };

    /// <summary>Values and indices (outputs 0–1) take their valid row count from output 2.</summary>
    public override int CountOutputOf(int output) => output < 2 ? 2 : -1;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        if (x.Length is not (2 or 4))
            throw new ShapeException($"TopK input must be [N, C, H, W] or [N, L], got {Tensor.ShapeString(x)}");
        if (K <= 0) throw new ShapeException($"TopK needs K > 0, got {K}");
        long length = Tensor.CountElements(x) / Math.Max(x[0], 1);
        int k = (int)Math.Min(K, length);
        return [[x[0], k], [x[0], k], [x[0]]];
    }

    /// <inheritdoc/>
    public override string Describe() => $"k={K}" + (Sigmoid ? " sigmoid" : "") + (ScoreThreshold is { } t ? $" score>{t}" : "");
}
