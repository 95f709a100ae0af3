using System.Text.Json;

namespace D2Sharp.Tests.IO;

/// <summary>
/// Locates the Detectron2 reference cases under <c>tests/fixtures</c> by walking up from the test
/// output folder. Same contract as the planned <c>TestPaths.Fixture(case, file)</c>; replace the
/// calls with it once that exists.
/// </summary>
internal static class FixtureFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>Every case folder name, for <c>[TestCaseSource]</c>.</summary>
    public static IEnumerable<string> Cases() =>
        Directory.GetDirectories(Root.Value).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static string Fixture(string caseName, string file) => Path.Combine(Root.Value, caseName, file);

    public static JsonElement CaseJson(string caseName)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Fixture(caseName, "case.json")));
        return document.RootElement.Clone();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"no tests/fixtures folder above {TestContext.CurrentContext.TestDirectory}");
    }
}
