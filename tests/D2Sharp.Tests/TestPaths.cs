namespace D2Sharp.Tests;

/// <summary>Where tests find the repository, its fixtures, and the read-only <c>../shared</c> reference data.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Copied Detectron2 fixture cases (<c>tests/fixtures/&lt;case&gt;</c>).</summary>
    public static string Fixture(string caseName, string? file = null) =>
        file is null ? Path.Combine(RepoRoot, "tests", "fixtures", caseName) : Path.Combine(RepoRoot, "tests", "fixtures", caseName, file);

    /// <summary>
    /// The Detectron2 cases: folders with a <c>case.json</c>. The others hold data our own scripts
    /// beside them derived from a case or from torchvision (see <c>tests/fixtures/README.md</c>).
    /// </summary>
    public static IEnumerable<string> FixtureCases =>
        Directory.GetDirectories(Path.Combine(RepoRoot, "tests", "fixtures")).Where(d => File.Exists(Path.Combine(d, "case.json")))
            .Select(d => Path.GetFileName(d)).Order();

    /// <summary>The shared folder beside the checkout (or <c>$D2SHARP_SHARED</c>); null when absent.</summary>
    public static string? Shared
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("D2SHARP_SHARED");
            var dir = !string.IsNullOrEmpty(env) ? env : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
            return Directory.Exists(dir) ? dir : null;
        }
    }

    /// <summary>Detectron2's model-zoo YAMLs; the calling test is ignored with the reason when they are absent.</summary>
    public static string Detectron2Configs
    {
        get
        {
            var dir = Shared is { } s ? Path.Combine(s, "detectron2-configs") : null;
            if (dir is null || !Directory.Exists(dir))
                Assert.Ignore("../shared/detectron2-configs is not present beside the checkout (set D2SHARP_SHARED to its parent folder)");
            return dir!;
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "D2Sharp.slnx")))
                return dir.FullName;
        throw new InvalidOperationException($"no D2Sharp.slnx above {AppContext.BaseDirectory}");
    }
}
