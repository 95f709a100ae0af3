using System.Diagnostics;

namespace D2Sharp.Tests.Cli;

/// <summary>
/// The packages as a user gets them: the <c>d2sharp</c> dotnet tool packed, installed from the local
/// package into a temporary folder and run; the library packed and restored for every desktop OS.
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
        {
            Assert.That(package.Entries.Select(e => e.FullName), Does.Contain("README.md"), "the package shows the README on its page");
            AssertMetadata(package);
        }

        Run("dotnet", "tool", "install", "D2Sharp.Cli", "--tool-path", tools, "--add-source", packages);
        string d2sharp = Path.Combine(tools, "d2sharp");
        Assert.That(Run(d2sharp, "--version"), Does.Match(@"^d2sharp \d+\.\d+\.\d+"));
        Assert.That(Run(d2sharp, "info"), Does.Contain("CPU:").And.Contain("CUDA driver"));
    }

    [Test]
    public void TheLibraryPackageBringsItsImageDecoderToLinuxWindowsAndMacOS()
    {
        string packages = Path.Combine(_folder, "packages"), consumer = Path.Combine(_folder, "consumer");
        foreach (var project in new[] { "engine/D2Sharp/D2Sharp.csproj", "bindings/D2Sharp.Bindings/D2Sharp.Bindings.csproj" })
            Run("dotnet", "pack", Path.Combine(TestPaths.RepoRoot, project), "-c", "Release", "-o", packages, "--nologo");
        using (var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(packages, "D2Sharp.0.1.0.nupkg")))
            AssertMetadata(package);
        Assert.That(Path.Combine(packages, "D2Sharp.0.1.0.snupkg"), Does.Exist, "symbols are published beside the package");

        // A user's project restoring the package for three operating systems, into its own package
        // folder so that no earlier D2Sharp 0.1.0 in the machine's cache answers instead.
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <RuntimeIdentifiers>linux-x64;win-x64;osx-arm64</RuntimeIdentifiers>
              </PropertyGroup>
              <ItemGroup><PackageReference Include="D2Sharp" Version="0.1.0" /></ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <configuration><packageSources><add key="d2sharp-local" value="{packages}" /></packageSources></configuration>
            """);
        Run("dotnet", "restore", Path.Combine(consumer, "Consumer.csproj"), "--packages", Path.Combine(_folder, "cache"));
        string assets = File.ReadAllText(Path.Combine(consumer, "obj", "project.assets.json"));
        Assert.That(assets, Does.Contain("runtimes/linux-x64/native/libSkiaSharp.so")
            .And.Contain("runtimes/win-x64/native/libSkiaSharp.dll")
            .And.Contain("runtimes/osx/native/libSkiaSharp.dylib"), "JPEG decoding needs libSkiaSharp on every desktop OS");
    }

    /// <summary>What every D2Sharp package says about itself: licence, notice, and the commit it was built from.</summary>
    private static void AssertMetadata(System.IO.Compression.ZipArchive package)
    {
        Assert.That(package.Entries.Select(e => e.FullName), Does.Contain("NOTICE"), "Apache-2.0 asks for the NOTICE to travel with the package");
        var nuspecEntry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(nuspecEntry.Open());
        var nuspec = System.Xml.Linq.XDocument.Parse(reader.ReadToEnd());
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Element(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.That(Element("license"), Is.EqualTo("Apache-2.0"));
        if (!Directory.Exists(Path.Combine(TestPaths.RepoRoot, ".git")) && !File.Exists(Path.Combine(TestPaths.RepoRoot, ".git"))) return;
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.That(repository.Attribute("commit")?.Value, Is.EqualTo(Run("git", "-C", TestPaths.RepoRoot, "rev-parse", "HEAD").Trim()),
            "SourceLink stamps the commit the package was built from");
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
