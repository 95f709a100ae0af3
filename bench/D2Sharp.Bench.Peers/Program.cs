using System.Diagnostics;
using D2Sharp;
using D2Sharp.Backends;
using D2Sharp.Backends.Cpu;
using D2Sharp.Config;
using D2Sharp.Modeling;
using D2Sharp.Onnx;
using D2Sharp.Weights;
using Microsoft.ML.OnnxRuntime;

// D2Sharp's CPU backend against ONNX Runtime (CPU, every graph optimisation) on the same graph
// with the same weights, in one process: D2Sharp exports the model it built to ONNX in memory
// (no model file is written), both run the same random normalised input, alternately, with the
// same thread count. Prints both medians, their ratio and the largest output difference.
//
// dotnet run -c Release --project bench/D2Sharp.Bench.Peers -- [--size 800x1344] [--threads 2]
//     [--iters 10] [--warmup 2] [--config configs/tiny_r50_fpn.yaml] [--opts K V ...]
// Without --config it runs Detectron2's ResNet-50-FPN backbone (configs/tiny_r50_fpn.yaml at full width).

var options = ParseArguments(args);
string config = options.GetValueOrDefault("--config") ?? Path.Combine(FindRepoRoot(), "configs", "tiny_r50_fpn.yaml");
var opts = options.TryGetValue("--opts", out var o) ? o.Split(' ', StringSplitOptions.RemoveEmptyEntries)
    : options.ContainsKey("--config") ? [] : FullWidthR50Fpn;
var size = (options.GetValueOrDefault("--size") ?? "800x1344").Split('x').Select(int.Parse).ToArray();
int threads = int.Parse(options.GetValueOrDefault("--threads") ?? "2");
int iterations = int.Parse(options.GetValueOrDefault("--iters") ?? "10");
int warmup = int.Parse(options.GetValueOrDefault("--warmup") ?? "2");

var model = ModelBuilder.Build(ConfigLoader.Load(config, opts));
var weights = WeightBinder.Initialize(model.Graph);
var (height, width) = model.PaddedSize(size[0], size[1]);
var input = new Tensor([1, 3, height, width]);
var random = new Random(7);
for (int i = 0; i < input.Data.Length; i++) input.Data[i] = (float)(random.NextDouble() * 4 - 2);

// D2Sharp.
var cpu = new CpuBackend(threads);
using var bound = cpu.Bind(model.Graph, weights);
using var executor = bound.Prepare(model.PlanForNormalized(1, height, width));
executor.SetInput(model.Image.Name, input);

// ONNX Runtime on D2Sharp's export of the same graph and weights.
var onnx = OnnxExporter.Export(model, weights, 1, height, width);
using var sessionOptions = new SessionOptions
{
    GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    IntraOpNumThreads = threads,
    InterOpNumThreads = 1,
    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
};
using var session = new InferenceSession(onnx, sessionOptions);
using var runOptions = new RunOptions();
var plan = executor.Plan;
var outputNames = plan.Outputs.Select(x => x.Key).ToArray();
var ortOutputs = plan.Outputs.Select(x => new float[plan.ElementsOf(x.Value)]).ToArray();
using var ortInput = OrtValue.CreateTensorValueFromMemory(input.Data, input.Shape.Select(d => (long)d).ToArray());
var ortOutputValues = plan.Outputs.Select((x, i) => OrtValue.CreateTensorValueFromMemory(ortOutputs[i], plan.ShapeOf(x.Value).Select(d => (long)d).ToArray())).ToArray();
void RunOrt() => session.Run(runOptions, [model.Image.Name], [ortInput], outputNames, ortOutputValues);

for (int i = 0; i < warmup; i++) { executor.Run(); RunOrt(); }
var d2sharpTimes = new double[iterations];
var ortTimes = new double[iterations];
for (int i = 0; i < iterations; i++)
{
    d2sharpTimes[i] = Time(() => executor.Run());
    ortTimes[i] = Time(RunOrt);
}

double d2sharpMedian = Median(d2sharpTimes), ortMedian = Median(ortTimes);
Console.WriteLine($"model:        {config} {string.Join(' ', opts)}");
Console.WriteLine($"input:        1x3x{height}x{width}, {plan.TotalMacs / 1e9:F2} GMAC; {threads} threads; {warmup} warm-up + {iterations} timed runs each, alternating");
Console.WriteLine($"D2Sharp cpu ({cpu.Isa}): median {d2sharpMedian:F1} ms (min {d2sharpTimes.Min():F1})");
Console.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}: median {ortMedian:F1} ms (min {ortTimes.Min():F1})");
Console.WriteLine($"ratio ONNX Runtime / D2Sharp: {ortMedian / d2sharpMedian:F3} (above 1: D2Sharp is faster)");
double worst = 0;
for (int i = 0; i < outputNames.Length; i++)
{
    var ours = new float[ortOutputs[i].Length];
    executor.GetOutput<float>(outputNames[i], ours);
    double scale = Math.Max(1, ours.Max(v => Math.Abs(v)));
    double diff = ours.Zip(ortOutputs[i], (a, b) => Math.Abs(a - b)).Max();
    worst = Math.Max(worst, diff / scale);
    Console.WriteLine($"  {outputNames[i],-12} max |D2Sharp − ORT| = {diff:G3} (of max |value| {scale:G4})");
}
Console.WriteLine($"largest difference relative to the output's max(1, max|value|): {worst:G3}");
foreach (var v in ortOutputValues) v.Dispose();

static double Time(Action action)
{
    long start = Stopwatch.GetTimestamp();
    action();
    return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}

static double Median(double[] values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static Dictionary<string, string> ParseArguments(string[] args)
{
    var parsed = new Dictionary<string, string>();
    for (int i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--")) throw new ArgumentException($"unexpected argument '{args[i]}'");
        if (args[i] == "--opts")
        {
            var rest = args.Skip(i + 1).TakeWhile(a => !a.StartsWith("--")).ToArray();
            parsed["--opts"] = string.Join(' ', rest);
            i += rest.Length;
            continue;
        }
        if (i + 1 >= args.Length) throw new ArgumentException($"option {args[i]} needs a value");
        parsed[args[i]] = args[++i];
    }
    return parsed;
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "D2Sharp.slnx"))) return dir.FullName;
    throw new InvalidOperationException("run the peer comparison from inside the D2Sharp checkout");
}

internal static partial class Program
{
    /// <summary>Opts that widen configs/tiny_r50_fpn.yaml to Detectron2's R50-FPN (faster_rcnn_R_50_FPN_1x's backbone).</summary>
    private static readonly string[] FullWidthR50Fpn =
    [
        "MODEL.RESNETS.STEM_OUT_CHANNELS", "64", "MODEL.RESNETS.RES2_OUT_CHANNELS", "256",
        "MODEL.RESNETS.WIDTH_PER_GROUP", "64", "MODEL.FPN.OUT_CHANNELS", "256",
    ];
}
