using System.Text;
using D2Sharp.Graph;

namespace D2Sharp.Weights;

/// <summary>
/// What <see cref="CheckpointMatcher.Match"/> made of a checkpoint for one model: the tensor of
/// every parameter it could fill, and everything that did not fit.
/// </summary>
/// <remarks>
/// Running statistics (<c>*.running_mean</c>, <c>*.running_var</c>) that the checkpoint lacks are
/// not <see cref="Missing"/>: Caffe2/MSRA files carry only the folded <c>_bn_s</c>/<c>_bn_b</c>, and
/// Detectron2 then runs with mean 0 and var 1 (exactly 1, not 1−eps). They are listed in
/// <see cref="Defaulted"/> and present in <see cref="Parameters"/> with those values, so a BN
/// folder needs no special case: scale = w/sqrt(1+eps), bias = b.
/// </remarks>
public sealed class CheckpointMatch
{
    private readonly IReadOnlyList<ParameterSpec> _missingSpecs;

    internal CheckpointMatch(
        Checkpoint checkpoint,
        int modelParameterCount,
        IReadOnlyDictionary<string, Tensor> parameters,
        IReadOnlyDictionary<string, string> sources,
        IReadOnlyList<string> unused,
        IReadOnlyList<ParameterSpec> missing,
        IReadOnlyList<string> defaulted,
        IReadOnlyList<ShapeMismatch> mismatches)
    {
        Checkpoint = checkpoint;
        ModelParameterCount = modelParameterCount;
        Parameters = parameters;
        Sources = sources;
        Unused = unused;
        _missingSpecs = missing;
        Missing = missing.Select(m => m.Name).ToArray();
        Defaulted = defaulted;
        Mismatches = mismatches;
    }

    /// <summary>The checkpoint that was matched.</summary>
    public Checkpoint Checkpoint { get; }

    /// <summary>How many parameters the model asked for.</summary>
    public int ModelParameterCount { get; }

    /// <summary>Model parameter name → tensor, in model order: every loaded and every <see cref="Defaulted"/> parameter.</summary>
    public IReadOnlyDictionary<string, Tensor> Parameters { get; }

    /// <summary>Model parameter name → the checkpoint key it was loaded from (loaded parameters only).</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    /// <summary>Checkpoint keys no parameter took (e.g. <c>roi_heads.*</c>, ImageNet <c>linear.*</c>, <c>num_batches_tracked</c>), ordinal order. Keys in <see cref="Mismatches"/> are not repeated here.</summary>
    public IReadOnlyList<string> Unused { get; }

    /// <summary>Model parameters with no checkpoint entry, in model order (not counting <see cref="Defaulted"/> or <see cref="Mismatches"/>).</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Running statistics absent from the checkpoint, filled with mean 0 / var 1 as Detectron2 leaves them.</summary>
    public IReadOnlyList<string> Defaulted { get; }

    /// <summary>Parameters whose checkpoint entry has another shape; they are not in <see cref="Parameters"/>.</summary>
    public IReadOnlyList<ShapeMismatch> Mismatches { get; }

    /// <summary>Every parameter has a tensor of the right shape.</summary>
    public bool IsComplete => Missing.Count == 0 && Mismatches.Count == 0;

    /// <summary>Lines of the fit error past which it says how many more there are (a wrong config can miss hundreds).</summary>
    private const int ListedProblems = 10;

    /// <summary>
    /// Throws a <see cref="CheckpointException"/> listing the first missing parameters (with their
    /// shapes) and mismatches, and how many more there are.
    /// </summary>
    public void ThrowIfIncomplete()
    {
        if (IsComplete) return;
        var message = new StringBuilder();
        message.Append($"does not fit the model: {Missing.Count} missing parameter(s), {Mismatches.Count} shape mismatch(es)");
        var problems = _missingSpecs.Select(spec => $"missing: {spec.Name} {Tensor.ShapeString(spec.Shape)}")
            .Concat(Mismatches.Select(m => $"shape mismatch: {m}")).ToList();
        foreach (var problem in problems.Take(ListedProblems)) message.Append($"\n  {problem}");
        if (problems.Count > ListedProblems)
            message.Append($"\n  … {problems.Count - ListedProblems} more (d2sharp weights inspect lists them all)");
        throw new CheckpointException(Checkpoint.Path, message.ToString());
    }

    /// <summary>A human-readable account: source of each renamed parameter, defaults, gaps and leftovers.</summary>
    public string Report()
    {
        var report = new StringBuilder();
        var c = Checkpoint;
        string naming = c.MatchingHeuristics ? "suffix name matching" : "exact names";
        report.AppendLine($"Checkpoint '{c.Path}' ({c.Format} format, author '{c.Author ?? "unknown"}', {naming})");
        report.AppendLine($"  {Sources.Count} of {ModelParameterCount} model parameters loaded, {Defaulted.Count} defaulted, " +
                          $"{Missing.Count} missing, {Mismatches.Count} shape mismatches, {Unused.Count} checkpoint keys unused");

        var renamed = Sources.Where(s => s.Key != s.Value || c.OriginalName(s.Value) != s.Value).ToList();
        Section(report, "Loaded under another name (model parameter <- checkpoint key)",
            renamed.Select(s => $"{s.Key} <- {Describe(s.Value)}"));
        Section(report, "Defaulted (not in the checkpoint; Detectron2 uses running_mean 0, running_var 1)",
            Defaulted.Select(d => $"{d} {Tensor.ShapeString(Parameters[d].Shape)}"));
        Section(report, "Missing (model parameters without a checkpoint entry)",
            _missingSpecs.Select(m => $"{m.Name} {Tensor.ShapeString(m.Shape)}"));
        Section(report, "Shape mismatches (not loaded)",
            Mismatches.Select(m => m.ToString()));
        Section(report, "Unused checkpoint keys",
            Unused.Select(u => $"{Describe(u)} {Tensor.ShapeString(c.Tensors[u].Shape)}"));
        return report.ToString();
    }

    private string Describe(string checkpointKey)
    {
        string original = Checkpoint.OriginalName(checkpointKey);
        return original == checkpointKey ? checkpointKey : $"{checkpointKey} (blob '{original}')";
    }

    private static void Section(StringBuilder report, string title, IEnumerable<string> lines)
    {
        var items = lines.ToList();
        if (items.Count == 0) return;
        report.AppendLine($"{title}: {items.Count}");
        foreach (var line in items) report.AppendLine("  " + line);
    }
}
