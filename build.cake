// D2Sharp build script (Cake 7, a local dotnet tool):
//   dotnet tool restore
//   dotnet cake --target=Test
// Targets: Clean, Build, Test, Pack, Bench. The kernel targets (Kernels: nvcc -> PTX + ptxas
// check; HostKernels: g++ host shim; DeviceBundle) arrive with the CUDA backend.

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var benchFilter = Argument("filter", "*");
var solution = "./D2Sharp.slnx";
var artifacts = Directory("./artifacts");

Task("Clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration });
});

Task("Build")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Loggers = new[] { "trx" },
        ResultsDirectory = artifacts + Directory("test-results"),
    });
});

Task("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    foreach (var project in new[] { "./engine/D2Sharp/D2Sharp.csproj", "./engine/D2Sharp.Cli/D2Sharp.Cli.csproj" })
        DotNetPack(project, new DotNetPackSettings
        {
            Configuration = configuration,
            NoBuild = true,
            OutputDirectory = artifacts + Directory("packages"),
        });
});

Task("Bench")
    .Does(() =>
{
    DotNetRun("./bench/D2Sharp.Bench/D2Sharp.Bench.csproj", new ProcessArgumentBuilder().Append("--filter").AppendQuoted(benchFilter),
        new DotNetRunSettings { Configuration = "Release" });
});

RunTarget(target);
