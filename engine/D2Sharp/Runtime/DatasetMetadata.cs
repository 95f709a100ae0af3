using D2Sharp.Config;

namespace D2Sharp.Runtime;

/// <summary>
/// The class names and dataset category ids of a model's classes, as Detectron2's
/// <c>MetadataCatalog.get(cfg.DATASETS.TEST[0])</c> gives them (<c>thing_classes</c>,
/// <c>thing_dataset_id_to_contiguous_id</c>): COCO's 80 classes for the <c>coco_*</c> instance
/// datasets, COCO's person for <c>keypoints_coco_*</c>, and for any other dataset, or a class count
/// that does not fit the table, "class N" with id N.
/// </summary>
public sealed record DatasetMetadata(string Dataset, IReadOnlyList<string> ClassNames, IReadOnlyList<int> CategoryIds)
{
    /// <summary>
    /// COCO's 80 thing classes in Detectron2's contiguous order with their COCO category ids, from
    /// detectron2/data/datasets/builtin_meta.py (COCO_CATEGORIES with isthing = 1), which follows the
    /// COCO 2017 annotations' categories.
    /// </summary>
    private static readonly (int Id, string Name)[] Coco =
    [
        (1, "person"), (2, "bicycle"), (3, "car"), (4, "motorcycle"), (5, "airplane"), (6, "bus"), (7, "train"), (8, "truck"),
        (9, "boat"), (10, "traffic light"), (11, "fire hydrant"), (13, "stop sign"), (14, "parking meter"), (15, "bench"),
        (16, "bird"), (17, "cat"), (18, "dog"), (19, "horse"), (20, "sheep"), (21, "cow"), (22, "elephant"), (23, "bear"),
        (24, "zebra"), (25, "giraffe"), (27, "backpack"), (28, "umbrella"), (31, "handbag"), (32, "tie"), (33, "suitcase"),
        (34, "frisbee"), (35, "skis"), (36, "snowboard"), (37, "sports ball"), (38, "kite"), (39, "baseball bat"),
        (40, "baseball glove"), (41, "skateboard"), (42, "surfboard"), (43, "tennis racket"), (44, "bottle"),
        (46, "wine glass"), (47, "cup"), (48, "fork"), (49, "knife"), (50, "spoon"), (51, "bowl"), (52, "banana"),
        (53, "apple"), (54, "sandwich"), (55, "orange"), (56, "broccoli"), (57, "carrot"), (58, "hot dog"), (59, "pizza"),
        (60, "donut"), (61, "cake"), (62, "chair"), (63, "couch"), (64, "potted plant"), (65, "bed"), (67, "dining table"),
        (70, "toilet"), (72, "tv"), (73, "laptop"), (74, "mouse"), (75, "remote"), (76, "keyboard"), (77, "cell phone"),
        (78, "microwave"), (79, "oven"), (80, "toaster"), (81, "sink"), (82, "refrigerator"), (84, "book"), (85, "clock"),
        (86, "vase"), (87, "scissors"), (88, "teddy bear"), (89, "hair drier"), (90, "toothbrush"),
    ];

    /// <summary>Whether the names and ids come from a known dataset's table (false: "class N", id N).</summary>
    public bool IsKnown { get; private init; }

    /// <summary>The metadata of a config's <c>DATASETS.TEST[0]</c>, for its model's class count (RetinaNet's or the ROI heads').</summary>
    public static DatasetMetadata For(CfgNode config)
    {
        var tests = config.GetStringList("DATASETS.TEST");
        int classes = config.GetString("MODEL.META_ARCHITECTURE") == "RetinaNet"
            ? config.GetInt("MODEL.RETINANET.NUM_CLASSES") : config.GetInt("MODEL.ROI_HEADS.NUM_CLASSES");
        return For(tests.Count > 0 ? tests[0] : "", classes);
    }

    /// <summary>The metadata of <paramref name="dataset"/> (a <c>DATASETS.TEST</c> name such as <c>coco_2017_val</c>) for a model of <paramref name="classes"/> classes; "class N" with id N when the dataset is unknown or its table has another class count.</summary>
    public static DatasetMetadata For(string dataset, int classes)
    {
        (int Id, string Name)[]? table =
            dataset.StartsWith("keypoints_coco_", StringComparison.Ordinal) ? Coco[..1]
            : dataset.StartsWith("coco_", StringComparison.Ordinal) && !dataset.Contains("panoptic", StringComparison.Ordinal) ? Coco
            : null;
        if (table != null && table.Length == classes)
            return new DatasetMetadata(dataset, table.Select(c => c.Name).ToArray(), table.Select(c => c.Id).ToArray()) { IsKnown = true };
        return new DatasetMetadata(dataset, Enumerable.Range(0, classes).Select(i => $"class {i}").ToArray(), Enumerable.Range(0, classes).ToArray());
    }
}
