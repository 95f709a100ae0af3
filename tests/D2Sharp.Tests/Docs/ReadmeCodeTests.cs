using System.Text.RegularExpressions;
using D2Sharp.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace D2Sharp.Tests.Docs;

/// <summary>
/// The README's C# must compile against the library as it is (Roslyn, in memory), and the sample
/// app must run: documentation that drifts from the API fails here, not in a user's editor.
/// </summary>
[TestFixture]
public class ReadmeCodeTests
{
    /// <summary>What the .NET SDK's ImplicitUsings gives a console app, as a reader's project has it.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static IEnumerable<TestCaseData> CSharpBlocks()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var blocks = Regex.Matches(readme, "```csharp\n(.*?)```", RegexOptions.Singleline);
        return blocks.Select((m, i) => new TestCaseData(m.Groups[1].Value).SetName($"ReadmeCSharpBlockCompiles({i})"));
    }

    [Test]
    public void TheReadmeHasCSharp() => Assert.That(CSharpBlocks(), Is.Not.Empty);

    [TestCaseSource(nameof(CSharpBlocks))]
    public void ReadmeCSharpBlockCompiles(string code)
    {
        // The runtime's own assemblies plus D2Sharp's (and the serving client's: D2Sharp.Serving,
        // Grpc.Net.Client and what it builds on), as a program that uses the packages sees them.
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(InferenceSession).Assembly.Location)
            .Concat(new[] { typeof(Serving.V1.Detector), typeof(Grpc.Net.Client.GrpcChannel), typeof(Grpc.Core.RpcException), typeof(Google.Protobuf.ByteString) }
                .Select(type => type.Assembly.Location))
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("Readme",
            [CSharpSyntaxTree.ParseText(code, parse), CSharpSyntaxTree.ParseText(ImplicitUsings, parse)],
            references, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString());
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void TheSampleAppDetectsOnAFixtureImage()
    {
        // The sample is built beside this test assembly's configuration (bin/<Configuration>/<tfm>).
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string sample = Path.Combine(TestPaths.RepoRoot, "samples", "D2Sharp.Samples", "bin", here.Parent!.Name, here.Name, "D2Sharp.Samples.dll");
        Assert.That(File.Exists(sample), $"{sample} was not built");
        var fixture = FixtureCase.Load("det_mask_rcnn_r50_fpn");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [sample, fixture.Path("config_resolved.yaml"), fixture.Path("model.pkl"), fixture.Path("image.png")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, stderr);
        Assert.That(stdout, Does.Match(@"image\.png: \d+ instances in \d+ ms"));
        Assert.That(stdout, Does.Contain("Loaded").And.Contain("D2Sharp"), "the library's log reaches the console logger");
    }
}
