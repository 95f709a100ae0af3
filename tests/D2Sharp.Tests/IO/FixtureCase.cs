using System.Text.Json;

namespace D2Sharp.Tests.IO;

/// <summary>A reference case's <c>case.json</c>: sizes, normalisation constants and the names of the arrays Detectron2 wrote.</summary>
internal static class FixtureCase
{
    public static JsonElement Json(string caseName)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture(caseName, "case.json")));
        return document.RootElement.Clone();
    }
}
