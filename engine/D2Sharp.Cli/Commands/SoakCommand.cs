using System.CommandLine;
using System.Diagnostics;
using D2Sharp.Backends;
using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Runtime;

namespace D2Sharp.Cli.Commands;

/// <summary>
/// <c>d2sharp soak</c>: many inferences from several client threads, every result checked against
/// the first, memory sampled as it goes — the long-running-service check that a benchmark is not.
/// </summary>
internal sealed class SoakCommand : Command
{
    private readonly Option<string> _config = CliOptions.Config();
    private readonly Option<string[]> _opts = ConfigOverrides.Option();
    private readonly Option<string> _weights = CliOptions.Weights(
        "a Detectron2 .pkl or PyTorch .pth checkpoint (default: weights initialised deterministically)");
    private readonly Option<string> _input = CliOptions.Text("--input", "IMAGE", "the image every inference runs", required: true);
    private readonly Option<int> _iterations = CliOptions.Positive("--iterations", "N", "inferences in all", 1000);
    private readonly Option<int> _clients = CliOptions.Positive("--clients", "C", "client threads", 4);
    private readonly Option<string> _sessions = CliOptions.Choice("--sessions",
        "shared: one session for every client (runs on it are serialised); per-client: a session per client, as the library advises",
        "per-client", "shared", "per-client");
    private readonly Option<string> _device = CliOptions.Device("cpu (default), reference, cuda[:N] or auto");
    private readonly Option<int?> _threads = CliOptions.Threads("worker threads per session (default: the processors shared out among the sessions)");
    private readonly Option<ModelScope?> _scope = CliOptions.Scope("backbone (default), rpn or detections");
    private readonly Option<int> _samples = CliOptions.Positive("--samples", "K", "memory samples printed", 10);

    public SoakCommand()
        : base("soak", "Runs N inferences of one image from C client threads and checks that every output is bit-identical to the " +
            "first run's; samples the process's resident memory (RSS) and the managed heap K times, so a leak shows as growth after " +
            "the warm-up. Exits 1 when any output differs.")
    {
        Options.AddAll(_config, _opts, _weights, _input, _iterations, _clients, _sessions, _device, _threads, _scope, _samples);
        this.SetOutputAction(Execute);
    }

    private int Execute(ParseResult result, TextWriter output)
    {
        int iterations = result.GetValue(_iterations), clients = result.GetValue(_clients), samples = result.GetValue(_samples);
        bool shared = result.GetValue(_sessions) == "shared";
        int sessionCount = shared ? 1 : clients;
        int threads = result.GetValue(_threads) ?? Math.Max(1, Environment.ProcessorCount / sessionCount);
        var options = new SessionOptions
        {
            Device = result.GetValue(_device) ?? "cpu",
            Threads = threads,
            Scope = result.GetValue(_scope) ?? ModelScope.Backbone,
        };
        string inputPath = result.GetRequiredValue(_input);
        if (!File.Exists(inputPath)) throw new D2SharpException($"{inputPath}: no such image file");

        var sessions = new List<InferenceSession>();
        try
        {
            for (int i = 0; i < sessionCount; i++)
                sessions.Add(InferenceSession.Load(result.GetRequiredValue(_config), ConfigOverrides.Of(result), result.GetValue(_weights), options));
            var image = ImageLoader.Load(inputPath, sessions[0].Model.InputFormat);
            output.WriteLine($"soak: {iterations} inferences of {inputPath} ({image.Height}x{image.Width}), {clients} clients, " +
                $"{(shared ? "one shared session" : $"{sessionCount} sessions")}, {options.Device} ({sessions[0].Device} backend), {threads} worker threads per session");
            var stats = Soak(sessions, image, iterations, clients, samples, output);
            return Report(stats, iterations, output);
        }
        finally
        {
            foreach (var session in sessions) session.Dispose();
        }
    }

    private sealed class SoakStats
    {
        public int Mismatches;
        public string? FirstMismatch;
        public readonly List<(int Done, double Seconds, long Rss, long Heap)> Samples = [];
    }

    private static SoakStats Soak(List<InferenceSession> sessions, Image image, int iterations, int clients, int sampleCount, TextWriter output)
    {
        var expected = sessions[0].Run(image).Outputs;
        var stats = new SoakStats();
        int next = 0, done = 0;
        int sampleEvery = Math.Max(1, iterations / sampleCount);
        var clock = Stopwatch.StartNew();
        var gate = new Lock();
        Exception? failure = null;

        void Client(int client)
        {
            var session = sessions[client % sessions.Count];
            try
            {
                while (Interlocked.Increment(ref next) <= iterations)
                {
                    var outputs = session.Run(image).Outputs;
                    if (Difference(expected, outputs) is { } what)
                    {
                        lock (gate) stats.FirstMismatch ??= what;
                        Interlocked.Increment(ref stats.Mismatches);
                    }
                    int finished = Interlocked.Increment(ref done);
                    if (finished % sampleEvery == 0 || finished == iterations) Sample(finished);
                }
            }
            catch (Exception e)
            {
                lock (gate) failure ??= e;
                Interlocked.Exchange(ref next, iterations);
            }
        }

        void Sample(int finished)
        {
            using var process = Process.GetCurrentProcess();
            double seconds = clock.Elapsed.TotalSeconds;
            long rss = process.WorkingSet64, heap = GC.GetTotalMemory(forceFullCollection: false);
            lock (gate)
            {
                stats.Samples.Add((finished, seconds, rss, heap));
                output.WriteLine($"  {finished,8} done  {seconds,8:F1} s  {finished / seconds,8:F1} images/s  " +
                    $"RSS {rss / 1048576.0,8:F1} MiB  managed heap {heap / 1048576.0,7:F1} MiB");
            }
        }

        var threads = Enumerable.Range(0, clients).Select(i => new Thread(() => Client(i)) { Name = $"soak client {i}" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (failure is D2SharpException) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        if (failure != null) throw new ExecutionException($"a soak client failed: {failure.Message}", failure);
        return stats;
    }

    /// <summary>The first output whose bytes differ from the reference run's, described; null when all match.</summary>
    private static string? Difference(IReadOnlyList<KeyValuePair<string, Tensor>> expected, IReadOnlyList<KeyValuePair<string, Tensor>> actual)
    {
        for (int i = 0; i < expected.Count; i++)
        {
            var (name, want) = expected[i];
            var got = actual[i].Value;
            if (!want.Shape.SequenceEqual(got.Shape)) return $"{name}: shape {Tensor.ShapeString(got.Shape)}, first run {Tensor.ShapeString(want.Shape)}";
            if (!want.Bytes.SequenceEqual(got.Bytes)) return $"{name}: the values differ from the first run's";
        }
        return null;
    }

    private static int Report(SoakStats stats, int iterations, TextWriter output)
    {
        var last = stats.Samples.MaxBy(s => s.Done);
        // The first sample is taken after a tenth of the runs: past the plan's first-use work.
        var warm = stats.Samples.MinBy(s => s.Done);
        output.WriteLine($"soak: {iterations} inferences in {last.Seconds:F1} s ({iterations / last.Seconds:F1} images/s); " +
            $"RSS {warm.Rss / 1048576.0:F1} → {last.Rss / 1048576.0:F1} MiB, managed heap {warm.Heap / 1048576.0:F1} → {last.Heap / 1048576.0:F1} MiB " +
            $"(from the first sample to the last); outputs: {(stats.Mismatches == 0 ? "all bit-identical to the first run" : $"{stats.Mismatches} differ ({stats.FirstMismatch})")}");
        return stats.Mismatches == 0 ? 0 : 1;
    }
}
