using D2Sharp.Backends.Cuda;
using D2Sharp.Bindings;

namespace D2Sharp.Cli.Commands;

internal sealed class InfoCommand : ICommand
{
    public string Help => """
        d2sharp info

        Prints what the CUDA backend would run on: the driver library and version, each device
        (name, compute capability, multiprocessors, memory), cuDNN and cuBLAS with their versions
        (or, for each missing part, why: every path tried, cuInit's error), the CUDA kernels built
        into this D2Sharp, and whether --device cuda can run here.
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter output)
    {
        var cl = CommandLine.Parse(args, []);
        if (cl.Positionals.Count > 0) throw new UsageException($"unexpected argument '{cl.Positionals[0]}'");
        output.WriteLine($"d2sharp {typeof(D2SharpException).Assembly.GetName().Version}");
        output.WriteLine(CudaInfo.Query().ToString());
        var kernels = CudaBackend.BuiltKernels;
        output.WriteLine(kernels.Count > 0 ? $"CUDA kernels: {kernels.Count} ({string.Join(", ", kernels)})" : "CUDA kernels: absent (built without nvcc)");
        var (available, reason) = CudaAvailability.Check();
        // The first line of the reason: the report above has the details.
        output.WriteLine(available ? "--device cuda: available" : $"--device cuda: unavailable: {reason!.Split('\n')[0].Trim()}");
        return 0;
    }
}
