// Detects objects in every image given, the way a .NET service would: one session, loaded once,
// runs awaited with a deadline, the library's log routed to the console logger.
//   dotnet run --project samples/D2Sharp.Samples -- CONFIG WEIGHTS IMAGE...
using D2Sharp;
using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Runtime;
using Microsoft.Extensions.Logging;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: D2Sharp.Samples CONFIG WEIGHTS IMAGE...");
    return 2;
}
using var logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
try
{
    using var session = InferenceSession.Load(args[0], weightsPath: args[1],
        options: new SessionOptions { Scope = ModelScope.Detections, Logger = logging.CreateLogger("D2Sharp") });
    foreach (string path in args[2..])
    {
        var image = ImageLoader.Load(path, session.Model.InputFormat);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var result = await session.RunAsync([image], deadline.Token);
        var found = result.Instances![0];
        Console.WriteLine($"{path}: {found.Count} instances in {result.Elapsed.TotalMilliseconds:F0} ms");
        for (int i = 0; i < found.Count; i++)
            Console.WriteLine($"  class {found.Classes[i],3}  score {found.Scores[i]:F3}  box [{string.Join(", ", found.Boxes[(4 * i)..(4 * i + 4)].Select(v => v.ToString("F1")))}]");
    }
    return 0;
}
catch (D2SharpException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
