using System.Text.Json;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Weights;

[TestFixture]
public sealed class Caffe2RenamingTests
{
    /// <summary>Every (blob, Detectron2 rename) pair of c2_names.json, recorded from Detectron2's own convert_c2_detectron_names.</summary>
    private static IEnumerable<TestCaseData> RecordedRenames()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(WeightsFixtures.Path("tiny_r50_fpn_c2", "c2_names.json")));
        foreach (var table in new[] { "rows", "spatialbn_rows" })
            foreach (var row in json.RootElement.GetProperty(table).EnumerateArray())
                yield return new TestCaseData(row.GetProperty("c2").GetString(), row.GetProperty("detectron2_renames_to").GetString())
                    .SetArgDisplayNames(table, row.GetProperty("c2").GetString()!);
    }

    [TestCaseSource(nameof(RecordedRenames))]
    public void RenamesEachFixtureBlobAsDetectron2Did(string blob, string expected)
    {
        Assert.That(Caffe2Renaming.ConvertDetectronName(blob), Is.EqualTo(expected));
    }

    [TestCase("res_conv1_bn_s", "stem.conv1.norm.weight")]
    [TestCase("res_conv1_bn_b", "stem.conv1.norm.bias")]
    [TestCase("conv1_gn_s", "stem.conv1.norm.weight")]
    [TestCase("res4_5_branch2b_gn_b", "res4.5.conv2.norm.bias")]
    [TestCase("res2_0_branch1_bn_rm", "res2.0.shortcut.norm.running_mean")]
    [TestCase("res2_0_branch1_bn_riv", "res2.0.shortcut.norm.running_var")]
    [TestCase("res3_0_branch2a_bn_gamma", "res3.0.conv1.norm.weight")]
    [TestCase("res3_0_branch2a_bn_beta", "res3.0.conv1.norm.bias")]
    [TestCase("res3_0_branch2a_bn_running_mean", "res3.0.conv1.norm.running_mean")]
    [TestCase("res3_0_branch2a_bn_running_var", "res3.0.conv1.norm.running_var")]
    [TestCase("pred_w", "linear.weight")]
    [TestCase("pred_b", "linear.bias")]
    public void BasicNames(string blob, string expected)
    {
        Assert.That(Caffe2Renaming.ConvertBasicName(blob), Is.EqualTo(expected));
    }

    [TestCase("conv_rpn_fpn2_w", "proposal_generator.rpn_head.conv.weight")]
    [TestCase("rpn_cls_logits_fpn2_b", "proposal_generator.rpn_head.objectness_logits.bias")]
    [TestCase("rpn_bbox_pred_fpn2_w", "proposal_generator.rpn_head.anchor_deltas.weight")]
    [TestCase("conv_rpn_w", "proposal_generator.rpn_head.conv.weight")]
    [TestCase("rpn_bbox_pred_b", "proposal_generator.rpn_head.anchor_deltas.bias")]
    [TestCase("fc6_w", "box_head.fc1.weight")]
    [TestCase("fc7_b", "box_head.fc2.bias")]
    [TestCase("head_conv1_gn_s", "box_head.conv1.norm.weight")]
    [TestCase("cls_score_w", "cls_score.weight")]
    [TestCase("bbox_pred_b", "bbox_pred.bias")]
    [TestCase("fpn_inner_res5_2_sum_w", "fpn_lateral5.weight")]
    [TestCase("fpn_inner_res2_2_sum_lateral_gn_s", "fpn_lateral2.norm.weight")]
    [TestCase("fpn_res3_3_sum_b", "fpn_output3.bias")]
    [TestCase("_[mask]_fcn1_w", "mask_head.mask_fcn1.weight")]
    [TestCase("mask_fcn_logits_w", "mask_head.predictor.weight")]
    [TestCase("conv5_mask_b", "mask_head.deconv.bias")]
    [TestCase("conv_fcn3_w", "roi_heads.keypoint_head.conv_fcn3.weight")]
    [TestCase("kps_score_lowres_w", "roi_heads.keypoint_head.score_lowres.weight")]
    public void DetectronHeadNames(string blob, string expected)
    {
        Assert.That(Caffe2Renaming.ConvertDetectronName(blob), Is.EqualTo(expected));
    }

    [TestCase("body_conv_fcn1_w", "body_conv_fcn1.weight")]
    [TestCase("AnnIndex_lowres_w", "ann_index_lowres.weight")]
    [TestCase("bodyXconvYfcn_w", "body_conv_fcn.weight", Description = "'^body.conv.fcn' has unescaped dots")]
    [TestCase("res_conv1_bn_rm_x", "stem.conv1.norm.running_mean.x", Description = "'bn\\.rm' is not anchored")]
    public void QuirksAsInDetectron2(string blob, string expected)
    {
        Assert.That(Caffe2Renaming.ConvertDetectronName(blob), Is.EqualTo(expected));
    }

    [Test]
    public void FpnBlobWithoutAStageNumberFailsAsInDetectron2()
    {
        var blobs = new Dictionary<string, Tensor> { ["fpn_inner_foo_w"] = new Tensor([1]) };

        var e = Assert.Throws<CheckpointException>(() => Caffe2Renaming.ConvertDetectronNames(blobs, "x.pkl"));

        Assert.That(e!.Message, Does.Contain("fpn_inner_foo_w").And.Contain("x.pkl"));
    }

    [Test]
    public void BlobsThatRenameToTheSameNameAreRejected()
    {
        // "a_b" and "a.b" both become "a.bias".
        var blobs = new Dictionary<string, Tensor> { ["a_b"] = new Tensor([1]), ["a.b"] = new Tensor([1]) };

        var e = Assert.Throws<CheckpointException>(() => Caffe2Renaming.ConvertDetectronNames(blobs, "x.pkl"));

        Assert.That(e!.Message, Does.Contain("a.bias"));
    }

    [Test]
    public void BackgroundRowsAreDroppedOrMoved()
    {
        // 3 classes + background: cls_score has 4 rows, bbox_pred 16; mask predictor 4.
        var blobs = new Dictionary<string, Tensor>
        {
            ["cls_score_w"] = Rows(4, 2),
            ["cls_score_b"] = Rows(4, 1),
            ["bbox_pred_w"] = Rows(16, 2),
            ["bbox_pred_b"] = Rows(16, 1),
            ["mask_fcn_logits_w"] = Rows(4, 3),
        };

        var (tensors, originals) = Caffe2Renaming.ConvertDetectronNames(blobs, "x.pkl");

        Assert.That(tensors["cls_score.weight"].Shape, Is.EqualTo(new[] { 4, 2 }));
        Assert.That(tensors["cls_score.weight"].Data, Is.EqualTo(new float[] { 1, 1.5f, 2, 2.5f, 3, 3.5f, 0, 0.5f }));
        Assert.That(tensors["cls_score.bias"].Data, Is.EqualTo(new float[] { 1, 2, 3, 0 }));
        Assert.That(tensors["bbox_pred.weight"].Shape, Is.EqualTo(new[] { 12, 2 }));
        Assert.That(tensors["bbox_pred.weight"].Data[0], Is.EqualTo(4f));
        Assert.That(tensors["bbox_pred.bias"].Data, Is.EqualTo(Enumerable.Range(4, 12).Select(i => (float)i)));
        Assert.That(tensors["mask_head.predictor.weight"].Shape, Is.EqualTo(new[] { 3, 3 }));
        Assert.That(tensors["mask_head.predictor.weight"].Data[0], Is.EqualTo(1f));
        Assert.That(originals["bbox_pred.bias"], Is.EqualTo("bbox_pred_b"));
    }

    /// <summary>A [rows, width] tensor whose row r holds r, r + 1/width, … (so rows are recognisable).</summary>
    private static Tensor Rows(int rows, int width)
    {
        var data = new float[rows * width];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < width; c++)
                data[r * width + c] = r + (float)c / width;
        return width == 1 ? new Tensor([rows], data) : new Tensor([rows, width], data);
    }
}
