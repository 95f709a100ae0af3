using System.Globalization;
using D2Sharp.LoadGen;

// A bounded load generator for `d2sharp serve`: a fixed number of Detect requests of one image
// from N concurrent clients, for each N given, against a server on this machine (gRPC or
// HTTP/JSON) or against the embedded library (InferenceSession.Run in this process, one shared
// session, as the server holds one per model): prints throughput and p50/p99 latency per N. The
// difference between a server's and the embedded figures at one client is the service's own
// per-request cost (transport, queue, response), since both decode the image per request.
//
// dotnet run -c Release --project bench/D2Sharp.LoadGen -- --target grpc|http|embedded
//     [--url http://127.0.0.1:5000] [--model NAME] | [--config F --weights W] (embedded)
//     --image F.png [--requests 200] [--clients 1,8,32] [--warmup 30] [--max-seconds 300]
// Loopback only: a --url whose host is not this machine is refused.

var options = Arguments.Parse(args);
int requests = int.Parse(options.GetValueOrDefault("--requests") ?? "200", CultureInfo.InvariantCulture);
int warmup = int.Parse(options.GetValueOrDefault("--warmup") ?? "30", CultureInfo.InvariantCulture);
var clientCounts = (options.GetValueOrDefault("--clients") ?? "1,8,32").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
var budget = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("--max-seconds") ?? "300", CultureInfo.InvariantCulture));
byte[] image = File.ReadAllBytes(options.GetValueOrDefault("--image") ?? throw new ArgumentException("--image F.png is required"));
string targetName = options.GetValueOrDefault("--target") ?? "grpc";

await using ILoadTarget target = targetName switch
{
    "grpc" => new GrpcTarget(Arguments.LoopbackUrl(options, "http://127.0.0.1:5000"), options.GetValueOrDefault("--model") ?? Arguments.Required(options, "--model")),
    "http" => new HttpTarget(Arguments.LoopbackUrl(options, "http://127.0.0.1:5001"), options.GetValueOrDefault("--model") ?? Arguments.Required(options, "--model")),
    "embedded" => new EmbeddedTarget(Arguments.Required(options, "--config"), options.GetValueOrDefault("--weights")),
    _ => throw new ArgumentException($"--target must be grpc, http or embedded, got '{targetName}'"),
};
Console.WriteLine($"loadgen: {targetName} ({target.Description}), {requests} requests per run, image {image.Length} bytes, at most {budget.TotalSeconds:F0} s per run");
foreach (int clients in clientCounts)
{
    // Warm-up, at this concurrency: the JIT's optimised code, and a plan for each batch size it makes.
    await LoadRun.RunAsync(target, image, Math.Max(warmup, 2 * clients), clients, budget);
    var run = await LoadRun.RunAsync(target, image, requests, clients, budget);
    Console.WriteLine(run.Summary(clients));
}
