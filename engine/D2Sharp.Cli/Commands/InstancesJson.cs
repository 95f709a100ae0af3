using System.Text.Json;
using D2Sharp.Runtime;

namespace D2Sharp.Cli.Commands;

/// <summary>
/// One image's instances in <c>run --format json</c>: <c>"instances": [{"class", "name", "score",
/// "box"}]</c>, boxes XYXY in original-image pixels; a ProposalNetwork's proposals as
/// <c>{"box", "objectness_logit"}</c>.
/// </summary>
internal static class InstancesJson
{
    public static void Write(Utf8JsonWriter writer, Instances instances, DatasetMetadata metadata)
    {
        writer.WriteStartArray("instances");
        for (int k = 0; k < instances.Count; k++)
        {
            writer.WriteStartObject();
            if (instances.AreProposals)
            {
                writer.WriteNumber("objectness_logit", instances.Scores[k]);
            }
            else
            {
                int cls = instances.Classes[k];
                writer.WriteNumber("class", cls);
                writer.WriteString("name", cls < metadata.ClassNames.Count ? metadata.ClassNames[cls] : $"class {cls}");
                writer.WriteNumber("score", instances.Scores[k]);
            }
            writer.WriteStartArray("box");
            foreach (float v in instances.Boxes.AsSpan(4 * k, 4)) writer.WriteNumberValue(v);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
