using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/D2Sharp.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
