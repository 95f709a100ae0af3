using System.CommandLine;
using System.Runtime.InteropServices;
using D2Sharp.Backends.Cpu;
using D2Sharp.Backends.Cuda;
using D2Sharp.Bindings;

namespace D2Sharp.Cli.Commands;

internal sealed class InfoCommand : Command
{
    public InfoCommand()
        : base("info", "Prints the version, the processor (cores; AVX-512, AVX2/FMA: the CPU backend's kernels) and what the CUDA " +
            "backend would run on: the driver library and version, each device (name, compute capability, multiprocessors, memory), " +
            "cuDNN and cuBLAS with their versions (or, for each missing part, why: every path tried, cuInit's error), the CUDA kernels " +
            "built into this D2Sharp, and whether --device cuda can run here.")
    {
        this.SetOutputAction((_, output) => Execute(output));
    }

    private static int Execute(TextWriter output)
    {
        output.WriteLine($"d2sharp {typeof(D2SharpException).Assembly.GetName().Version} (.NET {Environment.Version}, {RuntimeInformation.OSDescription.Trim()})");
        output.WriteLine($"CPU: {Environment.ProcessorCount} logical cores, {RuntimeInformation.ProcessArchitecture}; " +
            $"AVX-512 {YesNo(CpuIsas.IsSupported(CpuIsa.Avx512))}, AVX2+FMA {YesNo(CpuIsas.IsSupported(CpuIsa.Avx2))}; " +
            $"--device cpu runs the {CpuIsas.Resolve(CpuIsa.Auto)} kernels");
        output.WriteLine(CudaInfo.Query().ToString());
        var kernels = CudaBackend.BuiltKernels;
        output.WriteLine(kernels.Count > 0 ? $"CUDA kernels: {kernels.Count} ({string.Join(", ", kernels)})" : "CUDA kernels: absent (built without nvcc)");
        var (available, reason) = CudaAvailability.Check();
        // The first line of the reason: the report above has the details.
        output.WriteLine(available ? "--device cuda: available" : $"--device cuda: unavailable: {reason!.Split('\n')[0].Trim()}");
        return 0;
    }

    private static string YesNo(bool value) => value ? "yes" : "no";
}
