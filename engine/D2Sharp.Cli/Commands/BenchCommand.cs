using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using D2Sharp.Backends;
using D2Sharp.Backends.Cpu;
using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Hybrid;
using D2Sharp.Backends.Host;
using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Modeling;
using D2Sharp.Weights;

namespace D2Sharp.Cli.Commands;

internal sealed class BenchCommand : Command
{
    private readonly Option<string> _config = CliOptions.Config();
    private readonly Option<string[]> _opts = ConfigOverrides.Option();
    private readonly Option<string> _weights = CliOptions.Weights(
        "a Detectron2 .pkl or PyTorch .pth checkpoint (default: weights initialised deterministically, which time the same)");
    private readonly Option<(int Height, int Width)?> _size = CliOptions.Size("the image size; it is padded to the backbone's size divisibility, not resized", required: true);
    private readonly Option<int> _batch = CliOptions.Batch();
    private readonly Option<string> _device = CliOptions.Device("cpu (default), reference, cuda[:N] or auto (cuda when it can run, else cpu)");
    private readonly Option<string> _precision = CliOptions.Precision();
    private readonly Option<int?> _threads = CliOptions.Threads();
    private readonly Option<string> _isa = CliOptions.Text("--isa", "avx512|avx2|portable", "cpu only: the kernels to run (default: the widest this processor runs)");
    private readonly Option<ModelScope?> _scope = CliOptions.Scope("backbone (default), rpn or detections");
    private readonly Option<int> _warmup = CliOptions.Value("--warmup", "W", "untimed runs first", OptionValues.Count);
    private readonly Option<int> _iterations = CliOptions.Positive("--iters", "N", "timed runs", 10);
    private readonly Option<string> _format = CliOptions.Format(
        "text or json: then the last line is one JSON object with median_ms, min_ms, p90_ms, images_per_s, peak_rss_mb, gflops, the breakdown, " +
        "steps_ms (each node's median time) and counts (each image's proposals and detections: the ROI heads run on those slots only)");

    public BenchCommand()
        : base("bench", "Builds the model once, prepares one plan at the given size, runs W warm-ups and N timed runs on random images, " +
            "and prints min / median / p90 latency, images/s, GFLOP/s, peak RSS and the time per op kind (the median over 3 more runs " +
            "timed step by step: on CUDA those launch the steps one by one instead of replaying the plan's graph).")
    {
        _warmup.DefaultValueFactory = _ => 2;
        _isa.CompletionSources.Add("avx512", "avx2", "portable");
        Options.AddAll(_config, _opts, _weights, _size, _batch, _device, _precision, _threads, _isa, _scope, _warmup, _iterations, _format);
        this.SetOutputAction(Execute);
    }

    private int Execute(ParseResult result, TextWriter output)
    {
        var (height, width) = result.GetValue(_size)!.Value;
        int batch = result.GetValue(_batch);
        int warmup = result.GetValue(_warmup);
        int iterations = result.GetValue(_iterations);
        bool json = result.GetValue(_format) == "json";
        var backend = CreateBackend(result.GetValue(_device) ?? "cpu", result.GetValue(_threads) ?? 0, result.GetValue(_isa), result.GetValue(_precision));
        var scope = result.GetValue(_scope) ?? ModelScope.Backbone;
        string configPath = result.GetRequiredValue(_config);

        var model = ModelBuilder.Build(ConfigLoader.Load(configPath, ConfigOverrides.Of(result)), scope);
        var weights = result.GetValue(_weights) is { } path ? WeightBinder.LoadCheckpoint(model.Graph, path).Weights : WeightBinder.Initialize(model.Graph);
        var (paddedHeight, paddedWidth) = model.PaddedSize(height, width);

        var watch = Stopwatch.StartNew();
        using var bound = backend.Bind(model.Graph, weights);
        double bindMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        using var executor = bound.Prepare(model.PlanForImages(batch, paddedHeight, paddedWidth));
        double prepareMs = watch.Elapsed.TotalMilliseconds;
        SetRandomImages(executor, batch, height, width, paddedHeight, paddedWidth);

        for (int i = 0; i < warmup; i++) executor.Run();
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            executor.Run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        const int breakdownRuns = 3;
        var stepTimes = new double[breakdownRuns][];
        executor.RecordStepTimes = true;
        for (int i = 0; i < breakdownRuns; i++)
        {
            executor.Run();
            stepTimes[i] = executor.StepTimes.ToArray().Select(t => t.TotalMilliseconds).ToArray();
        }
        var breakdown = Breakdown(executor.Plan, stepTimes);
        var steps = executor.Plan.Steps.Select((node, i) => (node.Name, Ms: Math.Round(Percentile(stepTimes.Select(r => r[i]).Order().ToArray(), 0.5), 4)))
            .ToDictionary(s => s.Name, s => s.Ms);

        var counts = SlotCounts(executor);
        Array.Sort(times);
        double median = Percentile(times, 0.5), p90 = Percentile(times, 0.9);
        long macs = executor.Plan.TotalMacs;
        var report = new BenchReport(
            configPath, Describe(backend), ThreadsOf(backend), batch, height, width, paddedHeight, paddedWidth,
            Math.Round(macs / 1e9, 2), Math.Round(bindMs, 1), Math.Round(prepareMs, 2), iterations,
            Math.Round(times[0], 2), Math.Round(median, 2), Math.Round(p90, 2), Math.Round(batch * 1000 / median, 2),
            Math.Round(2 * macs / (median / 1000) / 1e9, 1), Process.GetCurrentProcess().PeakWorkingSet64 >> 20,
            breakdown.ToDictionary(k => k.Kind, k => Math.Round(k.Milliseconds, 2)), steps, counts.ToDictionary(c => c.Name, c => c.Used));

        output.WriteLine($"config:   {report.Config}  ({model.Graph.Nodes.Count} nodes, {report.Gmacs} GMAC per run)");
        output.WriteLine($"device:   {report.Device}, {report.Threads} threads; bind {report.BindMs:F0} ms, prepare {report.PrepareMs:F1} ms");
        output.WriteLine($"input:    {batch}x{height}x{width} (padded {paddedHeight}x{paddedWidth}), {warmup} warm-up + {iterations} timed runs");
        output.WriteLine($"latency:  min {report.MinMs:F1} ms, median {report.MedianMs:F1} ms, p90 {report.P90Ms:F1} ms");
        output.WriteLine($"rate:     {report.ImagesPerS:F2} images/s, {report.Gflops:F1} GFLOP/s; peak RSS {report.PeakRssMb} MiB");
        if (counts.Count > 0)
            output.WriteLine($"counts:   {string.Join(", ", counts.Select(c => $"{c.Name} {string.Join("/", c.Used)} of {c.Bound}"))} (the heads run on the used slots)");
        output.WriteLine("time per op kind (median over the timed runs):");
        double total = breakdown.Sum(k => k.Milliseconds);
        foreach (var (kind, count, ms) in breakdown)
            output.WriteLine($"  {kind,-16} {count,4} nodes {ms,10:F2} ms {100 * ms / total,6:F1} %");
        if (json) output.WriteLine(JsonSerializer.Serialize(report, BenchJson.Default.BenchReport));
        return 0;
    }

    /// <summary>
    /// The last run's data-dependent counts (proposals, detections) per image, with their plan
    /// bound: the heads' cost depends on them, so a timing means little without them.
    /// </summary>
    private static List<(string Name, int[] Used, int Bound)> SlotCounts(IPlanExecutor executor)
    {
        var plan = executor.Plan;
        return plan.Outputs
            .Select(o => (o.Key, Rows: plan.Outputs.Select(r => r.Value).FirstOrDefault(r => r.ValidCount == o.Value)))
            .Where(c => c.Rows != null)
            .Select(c => (c.Key, executor.GetOutput(c.Key).Span<int>().ToArray(), plan.ShapeOf(c.Rows!)[1]))
            .ToList();
    }

    private static IBackend CreateBackend(string device, int threads, string? isa, string? precision)
    {
        if (isa == null) return BackendFactory.Create(device, threads, BackendFactory.ParsePrecision(precision));
        if (device != "cpu") throw new UsageException("--isa applies to --device cpu only");
        var parsed = isa switch
        {
            "avx512" => CpuIsa.Avx512,
            "avx2" => CpuIsa.Avx2,
            "portable" => CpuIsa.Portable,
            _ => throw new UsageException($"--isa must be avx512, avx2 or portable, got '{isa}'"),
        };
        return new CpuBackend(threads, parsed);
    }

    private static string Describe(IBackend backend) => backend switch
    {
        CpuBackend cpu => $"cpu ({cpu.Isa})",
        CudaBackend cuda => $"cuda:{cuda.Device} ({cuda.Precision.ToString().ToLowerInvariant()})",
        HybridBackend { Primary: CudaBackend cuda } => $"cuda:{cuda.Device} ({cuda.Precision.ToString().ToLowerInvariant()}), ops without a CUDA kernel on the cpu",
        _ => backend.Name,
    };

    private static int ThreadsOf(IBackend backend) => backend switch
    {
        HostBackend { Threads: > 0 } host => host.Threads,
        HybridBackend hybrid => ThreadsOf(hybrid.Secondary),
        _ => Environment.ProcessorCount,
    };

    /// <summary>Random pixels (seeded) in the top-left height×width of each padded image.</summary>
    private static void SetRandomImages(IPlanExecutor executor, int batch, int height, int width, int paddedHeight, int paddedWidth)
    {
        var pixels = new byte[batch * paddedHeight * paddedWidth * 3];
        new Random(0).NextBytes(pixels);
        var sizes = new int[2 * batch];
        for (int n = 0; n < batch; n++) (sizes[2 * n], sizes[2 * n + 1]) = (height, width);
        executor.SetInput(0, pixels);
        executor.SetInput(1, MemoryMarshal.AsBytes(sizes.AsSpan()));
    }

    /// <summary>Per op kind: node count and the median over the runs of the kind's summed step times.</summary>
    private static List<(string Kind, int Nodes, double Milliseconds)> Breakdown(ExecutionPlan plan, double[][] stepTimes) =>
        plan.Steps.Select((node, step) => (Kind: KindOf(node), Step: step))
            .GroupBy(s => s.Kind)
            .Select(g => (g.Key, g.Count(), Percentile(stepTimes.Select(run => g.Sum(s => run[s.Step])).Order().ToArray(), 0.5)))
            .OrderByDescending(k => k.Item3)
            .ToList();

    /// <summary>The op kind, with convolutions told apart by kernel size (they differ most in speed).</summary>
    private static string KindOf(Node node) => node.Op switch
    {
        Ops.Conv2d c => $"Conv2d {c.KernelH}x{c.KernelW}",
        var op => op.Kind,
    };

    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}

internal sealed record BenchReport(
    string Config, string Device, int Threads, int Batch, int Height, int Width, int PaddedHeight, int PaddedWidth,
    double Gmacs, double BindMs, double PrepareMs, int Iterations,
    double MinMs, double MedianMs, double P90Ms, double ImagesPerS, double Gflops, long PeakRssMb,
    Dictionary<string, double> BreakdownMs, Dictionary<string, double> StepsMs, Dictionary<string, int[]> Counts);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(BenchReport))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
