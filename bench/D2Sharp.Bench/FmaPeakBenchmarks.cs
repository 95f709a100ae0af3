using BenchmarkDotNet.Attributes;
using System.Runtime.Intrinsics;

namespace D2Sharp.Bench;

/// <summary>
/// This machine's fused multiply-add peak: 12 independent accumulators per thread (enough to hide
/// the FMA latency on both FMA pipes), 512- and 256-bit, on one thread and on every processor.
/// The CPU backend's conv benchmarks are read as a fraction of it.
/// </summary>
[Config(typeof(Config))]
public class FmaPeakBenchmarks : ICountsFlops
{
    private sealed class Config : BenchmarkDotNet.Configs.ManualConfig
    {
        public Config() => AddColumn(new GflopsColumn());
    }

    private const long Iterations = 20_000_000;

    [Params(512, 256)]
    public int Bits { get; set; }

    [Params(1, 0)]
    public int Threads { get; set; }

    private int ThreadCount => Threads == 0 ? Environment.ProcessorCount : Threads;

    public double Flops => 2.0 * 12 * (Bits / 32) * Iterations * ThreadCount;

    [Benchmark]
    public float Peak()
    {
        var results = new float[ThreadCount];
        Parallel.For(0, ThreadCount, t => results[t] = Bits == 512 ? Run512() : Run256());
        return results.Sum();
    }

    private static float Run512()
    {
        var a = Vector512.Create(1.0001f);
        var b = Vector512.Create(0.9999f);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (long i = 0; i < Iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(a, b, c0); c1 = Vector512.FusedMultiplyAdd(a, b, c1); c2 = Vector512.FusedMultiplyAdd(a, b, c2);
            c3 = Vector512.FusedMultiplyAdd(a, b, c3); c4 = Vector512.FusedMultiplyAdd(a, b, c4); c5 = Vector512.FusedMultiplyAdd(a, b, c5);
            c6 = Vector512.FusedMultiplyAdd(a, b, c6); c7 = Vector512.FusedMultiplyAdd(a, b, c7); c8 = Vector512.FusedMultiplyAdd(a, b, c8);
            c9 = Vector512.FusedMultiplyAdd(a, b, c9); c10 = Vector512.FusedMultiplyAdd(a, b, c10); c11 = Vector512.FusedMultiplyAdd(a, b, c11);
        }
        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11).ToScalar();
    }

    private static float Run256()
    {
        var a = Vector256.Create(1.0001f);
        var b = Vector256.Create(0.9999f);
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector256<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (long i = 0; i < Iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(a, b, c0); c1 = Vector256.FusedMultiplyAdd(a, b, c1); c2 = Vector256.FusedMultiplyAdd(a, b, c2);
            c3 = Vector256.FusedMultiplyAdd(a, b, c3); c4 = Vector256.FusedMultiplyAdd(a, b, c4); c5 = Vector256.FusedMultiplyAdd(a, b, c5);
            c6 = Vector256.FusedMultiplyAdd(a, b, c6); c7 = Vector256.FusedMultiplyAdd(a, b, c7); c8 = Vector256.FusedMultiplyAdd(a, b, c8);
            c9 = Vector256.FusedMultiplyAdd(a, b, c9); c10 = Vector256.FusedMultiplyAdd(a, b, c10); c11 = Vector256.FusedMultiplyAdd(a, b, c11);
        }
        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11).ToScalar();
    }
}
