using System.Text.Encodings.Web;
using System.Text.Json;

namespace D2Sharp.Runtime;

/// <summary>
/// Instances as COCO's results format, the way Detectron2's <c>instances_to_coco_json</c> and
/// <c>COCOEvaluator</c> write them: one object per instance with <c>image_id</c>,
/// <c>category_id</c> (the dataset's id of the class), <c>bbox</c> [x, y, width, height],
/// <c>score</c>, and when the model has them <c>segmentation</c> (compressed COCO RLE) and
/// <c>keypoints</c> [x, y, score] × K with 0.5 subtracted from x and y (Detectron2's predictions are
/// continuous coordinates, COCO's annotations pixel indices). A ProposalNetwork's proposals have
/// no <c>category_id</c>, and their <c>score</c> is the objectness logit.
/// </summary>
public static class CocoResults
{
    /// <summary>Writes every instance of <paramref name="images"/> as one indented UTF-8 JSON array to <paramref name="stream"/>, which stays open.</summary>
    /// <param name="stream">Where the JSON goes.</param>
    /// <param name="images">Each image's COCO <c>image_id</c> and its instances.</param>
    /// <param name="metadata">Maps class indices to COCO <c>category_id</c>s; a class past its table keeps its index.</param>
    public static void Write(Stream stream, IEnumerable<(long ImageId, Instances Instances)> images, DatasetMetadata metadata)
    {
        // RLE strings use '`', '<', '>' and '\\': the relaxed encoder keeps the first three as they are.
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartArray();
        foreach (var (imageId, instances) in images)
        {
            for (int k = 0; k < instances.Count; k++)
            {
                json.WriteStartObject();
                json.WriteNumber("image_id", imageId);
                int cls = instances.Classes[k];
                if (!instances.AreProposals) json.WriteNumber("category_id", cls < metadata.CategoryIds.Count ? metadata.CategoryIds[cls] : cls);
                var box = instances.Boxes.AsSpan(4 * k, 4);
                json.WriteStartArray("bbox");
                json.WriteNumberValue(box[0]);
                json.WriteNumberValue(box[1]);
                json.WriteNumberValue(box[2] - box[0]);
                json.WriteNumberValue(box[3] - box[1]);
                json.WriteEndArray();
                json.WriteNumber("score", instances.Scores[k]);
                if (instances.Masks is { } masks)
                {
                    json.WriteStartObject("segmentation");
                    json.WriteStartArray("size");
                    json.WriteNumberValue(masks[k].Height);
                    json.WriteNumberValue(masks[k].Width);
                    json.WriteEndArray();
                    json.WriteString("counts", masks[k].ToCocoRleString());
                    json.WriteEndObject();
                }
                if (instances.Keypoints is { } keypoints)
                {
                    json.WriteStartArray("keypoints");
                    int per = instances.KeypointsPerInstance;
                    for (int j = 0; j < per; j++)
                    {
                        int at = (k * per + j) * 3;
                        json.WriteNumberValue(keypoints[at] - 0.5f);
                        json.WriteNumberValue(keypoints[at + 1] - 0.5f);
                        json.WriteNumberValue(keypoints[at + 2]);
                    }
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
        }
        json.WriteEndArray();
    }
}
