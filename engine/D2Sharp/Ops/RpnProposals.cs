namespace D2Sharp.Ops;

/// <summary>
/// The last part of Detectron2's <c>find_top_rpn_proposals</c>, per image: the levels' top-k
/// boxes and logits concatenated (level order), rows with a non-finite coordinate or logit
/// dropped, boxes clipped to the image (x to [0, w], y to [0, h], the unpadded size), boxes not
/// wider and taller than <see cref="MinSize"/> dropped, NMS per level (torchvision's
/// <c>batched_nms</c> with the level as the id: scores descending, stably; a box is suppressed when
/// its float32 IoU with a kept one of its level is above <see cref="NmsThreshold"/>; up to 1000
/// candidates on boxes shifted apart per level, as torchvision on the CPU), the survivors of every
/// level ordered by logit descending and the first <see cref="PostNmsTopK"/> kept.
/// Inputs: for each of <see cref="Levels"/> levels boxes [N, k, 4] and logits [N, k] (rows past a
/// level's top-k count hold logit −∞ and are dropped), then image_sizes int32 [N, 2].
/// Outputs: boxes [N, P, 4], logits [N, P], count int32 [N] with P = min(PostNmsTopK, Σ k);
/// rows from count on hold a zero box and logit −∞.
/// </summary>
public sealed class RpnProposals : Op
{
    private static readonly IReadOnlyList<string> Names = ["boxes", "logits", "count"];

    /// <summary>Number of feature levels merged (P2–P6: 5); each level supplies boxes and logits.</summary>
    public int Levels { get; init; }
    /// <summary>A double, as torchvision compares the float32 IoU with it.</summary>
    public double NmsThreshold { get; init; } = 0.7;
    /// <summary>P, the most proposals kept per image (<c>RPN.POST_NMS_TOPK_TEST</c>); 1000 by default.</summary>
    public int PostNmsTopK { get; init; } = 1000;
    /// <summary>Boxes must be wider and taller than this, in resized-image pixels, to be kept (<c>PROPOSAL_GENERATOR.MIN_SIZE</c>); 0 by default.</summary>
    public float MinSize { get; init; }

    /// <inheritdoc/>
    public override string Kind => "RpnProposals";
    /// <summary>Boxes and logits for each level, then image_sizes.</summary>
    public override int Arity => 2 * Levels + 1;
    /// <summary><c>boxes</c>, <c>logits</c>, <c>count</c>.</summary>
    public override IReadOnlyList<string> OutputNames => Names;
    /// <summary>False: all outputs are plain arrays.</summary>
    public override bool ProducesFeatureMap => false;
    /// <summary>Int32 for the last input (image_sizes), float32 for the boxes and logits.</summary>
    public override DataType InputType(int index) => index == 2 * Levels ? DataType.Int32 : DataType.Float32;
    /// <summary>Float32 for boxes and logits, int32 for the count.</summary>
    public override DataType OutputType(int index) => index == 2 ? DataType.Int32 : DataType.Float32;
    /// <summary>Boxes and logits (outputs 0–1) take their valid row count from output 2.</summary>
    public override int CountOutputOf(int output) => output < 2 ? 2 : -1;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        if (Levels <= 0) throw new ShapeException($"RpnProposals needs at least one level, got {Levels}");
        if (PostNmsTopK <= 0) throw new ShapeException($"RpnProposals needs POST_NMS_TOPK > 0, got {PostNmsTopK}");
        int batch = inputs[0][0];
        long total = 0;
        for (int l = 0; l < Levels; l++)
        {
            var (boxes, logits) = (inputs[2 * l], inputs[2 * l + 1]);
            ExpectRank(boxes, 3, "RpnProposals boxes");
            ExpectRank(logits, 2, "RpnProposals logits");
            if (boxes[0] != batch || boxes[2] != 4 || logits[0] != batch || logits[1] != boxes[1])
                throw new ShapeException($"RpnProposals level {l}: boxes {Tensor.ShapeString(boxes)} and logits {Tensor.ShapeString(logits)} do not pair up for batch {batch}");
            total += boxes[1];
        }
        var sizes = inputs[2 * Levels];
        if (sizes.Length != 2 || sizes[0] != batch || sizes[1] != 2)
            throw new ShapeException($"RpnProposals image_sizes {Tensor.ShapeString(sizes)} must be [{batch}, 2]");
        int p = (int)Math.Min(PostNmsTopK, total);
        return [[batch, p, 4], [batch, p], [batch]];
    }

    /// <inheritdoc/>
    public override string Describe() => $"levels={Levels} nms>{NmsThreshold} post_nms_topk={PostNmsTopK} min_size={MinSize}";
}
