// D2Sharp build script (Cake 7, a local dotnet tool):
//   dotnet tool restore
//   dotnet cake --target=Test
// Targets: Clean, Build, Test, Pack, Bench; Kernels (nvcc -> kernels/ptx/*.ptx, ptxas sm_90 with no
// spills; a later build without nvcc embeds that PTX) and HostKernels (g++ -> the host-emulation
// library the CudaKernels tests call); DeviceBundle (the self-contained bundle the GPU check,
// scripts/device-check.sh, runs on a machine without .NET).

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
    // Every library package a user may reference (D2Sharp depends on D2Sharp.Bindings; Serving and
    // Cluster on D2Sharp), and the d2sharp tool.
    foreach (var project in new[] { "./bindings/D2Sharp.Bindings/D2Sharp.Bindings.csproj", "./engine/D2Sharp/D2Sharp.csproj",
        "./engine/D2Sharp.Onnx/D2Sharp.Onnx.csproj", "./engine/D2Sharp.Serving/D2Sharp.Serving.csproj",
        "./engine/D2Sharp.Cluster/D2Sharp.Cluster.csproj", "./engine/D2Sharp.Cli/D2Sharp.Cli.csproj" })
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

// Both kernel targets run the scripts the MSBuild targets run (engine/D2Sharp/CudaKernels.targets,
// tests/D2Sharp.Tests/HostKernels.targets), so a Cake run and a dotnet build compile alike.
Task("Kernels")
    .Does(() =>
{
    var sources = GetFiles("./kernels/*.cu").Select(f => f.FullPath);
    var arguments = new ProcessArgumentBuilder().Append("./kernels/build-ptx.sh").AppendQuoted(MakeAbsolute(Directory("./kernels/ptx")).FullPath);
    foreach (var source in sources) arguments.AppendQuoted(source);
    if (StartProcess("bash", new ProcessSettings { Arguments = arguments }) != 0)
        throw new Exception("Kernels: nvcc or the ptxas check failed (see above)");
});

Task("HostKernels")
    .Does(() =>
{
    var library = MakeAbsolute(File("./artifacts/host-kernels/libd2sharp_kernels_host.so")).FullPath;
    var arguments = new ProcessArgumentBuilder().Append("./kernels/host/build.sh").AppendQuoted(library);
    if (StartProcess("bash", new ProcessSettings { Arguments = arguments }) != 0)
        throw new Exception("HostKernels: g++ failed (see above)");
    Information($"Built {library}");
});

// The CLI and the console test host published self-contained for linux-x64 into one folder (they
// share the runtime), packed as artifacts/device/d2sharp-device.tar.xz: at most 64 MiB travel to a
// GPU machine, working tree included.
Task("DeviceBundle")
    .Does(() =>
{
    var device = artifacts + Directory("device");
    var staging = device + Directory("staging");
    CleanDirectory(staging);
    // The test host first: the CLI's publish then overwrites the CLI files the host brings along.
    foreach (var project in new[] { "./tests/D2Sharp.TestHost/D2Sharp.TestHost.csproj", "./engine/D2Sharp.Cli/D2Sharp.Cli.csproj" })
        DotNetPublish(project, new DotNetPublishSettings
        {
            Configuration = "Release",
            Runtime = "linux-x64",
            SelfContained = true,
            OutputDirectory = staging,
            // The GPU machine reads English: no satellite resource assemblies (Roslyn's alone are 13 languages).
            MSBuildSettings = new DotNetMSBuildSettings().WithProperty("SatelliteResourceLanguages", "en"),
        });
    // Symbols and XML docs are not needed to run the check; the bundle travels with the working tree (64 MiB in all).
    DeleteFiles(GetFiles($"{staging}/*.pdb").Concat(GetFiles($"{staging}/*.xml")));
    // Nor are ONNX Runtime (the ONNX export tests' checker) and Roslyn (the README compile test):
    // the check runs the Cuda tests only, and the two weigh 11 MiB of the compressed bundle.
    DeleteFiles(GetFiles($"{staging}/libonnxruntime*.so").Concat(GetFiles($"{staging}/Microsoft.CodeAnalysis*.dll")));
    var tar = device + File("d2sharp-device.tar.xz");
    if (StartProcess("tar", new ProcessSettings { Arguments = $"-cJf {tar} -C {staging} .", EnvironmentVariables = new Dictionary<string, string> { ["XZ_OPT"] = "-9 -T2" } }) != 0)
        throw new Exception("tar failed");
    long bytes = new System.IO.FileInfo(tar.ToString()).Length;
    Information($"{tar}: {bytes / 1048576.0:F1} MiB");
    if (bytes > 60L << 20) throw new Exception($"the device bundle is {bytes >> 20} MiB; at most 60 MiB may travel with the working tree");
});

RunTarget(target);
