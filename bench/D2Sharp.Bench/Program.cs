using BenchmarkDotNet.Running;
using D2Sharp.Bench;

// dotnet run -c Release --project bench/D2Sharp.Bench -- --filter '*'      (BenchmarkDotNet)
// dotnet run -c Release --project bench/D2Sharp.Bench -- arena-mix [N]     (arena growth on N COCO-like images)
if (args.Length > 0 && args[0] == "arena-mix")
    ArenaMixReport.Run(args.Length > 1 ? int.Parse(args[1]) : 500);
else
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
