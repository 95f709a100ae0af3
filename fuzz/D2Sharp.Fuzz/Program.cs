using D2Sharp.Fuzz;
using SharpFuzz;

// d2sharp-fuzz TARGET            run under afl-fuzz (input on stdin, one process for many inputs)
// d2sharp-fuzz TARGET FILE...    load each file once, as a finding is replayed
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: D2Sharp.Fuzz TARGET [FILE...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}
string scratch = Path.Combine(Path.GetTempPath(), $"d2sharp-fuzz-{Environment.ProcessId}{target.Extension}");
try
{
    if (args.Length == 1)
    {
        Fuzzer.OutOfProcess.Run(stream => FuzzTargets.Run(target, stream, scratch));
        return 0;
    }
    foreach (string file in args.Skip(1))
    {
        using var stream = File.OpenRead(file);
        FuzzTargets.Run(target, stream, scratch);
        Console.WriteLine($"{file}: handled");
    }
    return 0;
}
finally
{
    File.Delete(scratch);
}
