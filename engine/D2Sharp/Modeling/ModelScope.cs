namespace D2Sharp.Modeling;

/// <summary>How much of a Detectron2 meta-architecture <see cref="ModelBuilder"/> builds.</summary>
public enum ModelScope
{
    /// <summary>
    /// The backbone and the anchor generator, as Detectron2's <c>build_backbone</c> and
    /// <c>build_anchor_generator</c>: outputs the backbone features and <c>anchors_&lt;f&gt;</c>.
    /// A backbone-only checkpoint is enough.
    /// </summary>
    Backbone,

    /// <summary>
    /// The backbone, anchors and Detectron2's RPN at test time (see <see cref="RpnBuilder"/>): the
    /// head (<c>MODEL.RPN.HEAD_NAME</c>), each level's pre-NMS top-k (<c>PRE_NMS_TOPK_TEST</c>)
    /// and the proposals: adds <c>rpn_objectness_&lt;f&gt;</c>, <c>rpn_anchor_deltas_&lt;f&gt;</c>,
    /// <c>rpn_topk_logits_&lt;f&gt;</c>, <c>rpn_topk_indices_&lt;f&gt;</c>, <c>proposals_boxes</c>,
    /// <c>proposals_logits</c> and <c>proposals_count</c>. Needs a meta-architecture with an RPN.
    /// </summary>
    Rpn,
}
