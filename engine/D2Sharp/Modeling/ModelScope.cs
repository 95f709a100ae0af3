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

    /// <summary>
    /// The whole R-CNN model as <c>DefaultPredictor</c> runs it, as far as D2Sharp builds it today:
    /// everything of <see cref="Rpn"/>, then the ROI heads (<c>MODEL.ROI_HEADS.NAME</c>; today the
    /// box path of <c>StandardROIHeads</c>, <c>CascadeROIHeads</c> and <c>Res5ROIHeads</c>, and the
    /// first two's mask and keypoint paths; or RetinaNet's head): adds
    /// <c>box_features</c>, <c>box_cls_logits</c>, <c>box_deltas</c>, the detections
    /// <c>det_boxes</c>, <c>det_scores</c>, <c>det_classes</c>, <c>det_count</c>, with a mask head
    /// <c>mask_probs</c> and with a keypoint head <c>keypoint_heatmaps</c>, which a session turns into per-image
    /// <see cref="Runtime.Instances"/> in original-image pixels. Needs <c>GeneralizedRCNN</c> with an RPN, or <c>RetinaNet</c>;
    /// for a <c>ProposalNetwork</c> it is <see cref="Rpn"/>, and the proposals become the instances
    /// (<see cref="Runtime.Instances.AreProposals"/>), as Detectron2's <c>ProposalNetwork</c> returns them.
    /// </summary>
    Detections,
}
