using System.Diagnostics;

namespace D2Sharp.Tests.Cli;

/// <summary>
/// The <c>d2sharp</c> dotnet tool as a user gets it: packed, installed from the local package into
/// a temporary folder, and run.
/// </summary>
[TestFixture]
public class ToolPackageTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("d2sharp-tool-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void TheToolInstallsFromItsPackageAndRuns()
    {
        string packages = Path.Combine(_folder, "packages"), tools = Path.Combine(_folder, "tools");
        string project = Path.Combine(TestPaths.RepoRoot, "engine", "D2Sharp.Cli", "D2Sharp.Cli.csproj");
        Run("dotnet", "pack", project, "-c", "Release", "-o", packages, "--nologo");
        string[] packed = Directory.GetFiles(packages, "D2Sharp.Cli.*.nupkg");
        Assert.That(packed, Has.Length.EqualTo(1));
        using (var package = System.IO.Compression.ZipFile.OpenRead(packed[0]))
            Assert.That(package.Entries.Select(e => e.FullName), Does.Contain("README.md"), "the package shows the README on its page");

        Run("dotnet", "tool", "install", "D2Sharp.Cli", "--tool-path", tools, "--add-source", packages);
        string d2sharp = Path.Combine(tools, "d2sharp");
        Assert.That(Run(d2sharp, "--version"), Does.Match(@"^d2sharp \d+\.\d+\.\d+"));
        Assert.That(Run(d2sharp, "info"), Does.Contain("CPU:").And.Contain("CUDA driver"));
    }

    /// <summary>Runs a program to completion and returns its output; a non-zero exit fails the test with both streams.</summary>
    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{program} {string.Join(' ', arguments)}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
