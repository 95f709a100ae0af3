namespace D2Sharp.Backends;

/// <summary>
/// An executor that can run a range of its plan's steps: how a <see cref="Hybrid.HybridBackend"/>
/// runs each backend's share of a plan segment by segment, the other backend's segments in between.
/// </summary>
internal interface IStepRangeExecutor : IPlanExecutor
{
    /// <summary>
    /// Runs steps [<paramref name="first"/>, <paramref name="end"/>) of the plan on the values as
    /// they are (inputs as last written, earlier steps' outputs as last computed); allocates nothing.
    /// Step times of the range are recorded when <see cref="IPlanExecutor.RecordStepTimes"/> is on.
    /// </summary>
    void Run(int first, int end, CancellationToken cancellation = default);
}

internal static class StepRange
{
    public static void Check(int first, int end, int steps)
    {
        if (first < 0 || end < first || end > steps)
            throw new ArgumentOutOfRangeException(nameof(first), $"steps [{first}, {end}) are not a range of the plan's {steps} steps");
    }
}
