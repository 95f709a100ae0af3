using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Hybrid;

/// <summary>
/// A plan cut into segments that alternate between the primary backend (the GPU) and the
/// secondary (the CPU), run in order. A step goes to the primary when the primary has a kernel
/// for its op; it joins the earliest segment of its side that comes after every segment producing
/// a value it reads (plan inputs and plan constants are there from the start). So segment 0 is
/// the longest front the primary runs (the backbone, the RPN head), segment 1 what then needs the
/// CPU (top-k, NMS), segment 2 what the GPU runs on its results (ROIAlign, the box head's FC
/// layers), and so on; with one change of side this is the plain front/rest split.
/// <para>
/// Each side runs ONE plan (<see cref="Primary"/>, <see cref="Secondary"/>) holding all its steps,
/// ordered segment by segment, and runs one range of its steps per segment
/// (<see cref="Segments"/>): the values a side produces for a later segment of its own (the FPN
/// maps ROIAlign reads) stay where they are in its arena, never copied, and a bound model's plans
/// share one arena, so separate plans per segment would overwrite each other's values. A value
/// produced on one side and read on the other is an output of the producer's plan and an input
/// of the reader's (an input keeps its memory for the whole run), copied before the first
/// segment that reads it (<see cref="Crossings"/>). Plan constants (anchor grids) are computed by
/// the primary and handed to the secondary once (<see cref="CrossingConstants"/>); a primary
/// without kernels for all of them, or one that cannot run the plan's first steps, leaves the
/// whole plan to the secondary.
/// </para>
/// <para>
/// Against ping-pong: every crossing costs two copies over PCIe and, for feature maps, two layout
/// conversions, so a primary segment after the first stays on the primary only when it holds a
/// step worth that: one doing multiply-accumulates (convolutions, linear layers) or pooling boxes
/// from feature maps (ROIAlign/ROIPool read the FPN maps, which live on the primary: pooling there
/// avoids copying them). A later primary segment of cheap steps only (a ReLU, an add between two
/// CPU steps) is given to the secondary, and the segments are formed again. RefineBoxes (the
/// cascade's box refinement between stages) does not count: it is a few float operations per box,
/// and it never needs to, since it reads the deltas of the box predictor before it and feeds the
/// pooling after it, so it joins their primary segment and spares the proposals a crossing to the
/// CPU and back between stages; alone (a box predictor on the CPU) it would be worth no crossing.
/// Nor do TopK, BoxDecode and UpsampleBilinear2x: they read the RPN (or RetinaNet) head's logits
/// and deltas and the keypoint head's deconvolution, so they join segment 0 and the keypoint head's
/// segment and shrink what crosses to the CPU (the k best scores and their boxes instead of every
/// logit and delta; nothing after the keypoint head), and never open a GPU segment of their own.
/// </para>
/// </summary>
internal sealed class PlanSplit
{
    private PlanSplit(ExecutionPlan? primary, ExecutionPlan secondary, IReadOnlyList<Segment> segments, IReadOnlyList<Crossing> crossings,
        IReadOnlyList<Value> crossingConstants)
    {
        Primary = primary; Secondary = secondary; Segments = segments; Crossings = crossings; CrossingConstants = crossingConstants;
    }

    /// <summary>The primary's steps, segment by segment; null when the primary runs none of the plan.</summary>
    public ExecutionPlan? Primary { get; }
    /// <summary>The secondary's steps, segment by segment (the whole plan when <see cref="Primary"/> is null).</summary>
    public ExecutionPlan Secondary { get; }
    /// <summary>The segments in run order: even ones on the primary, odd ones on the secondary.</summary>
    public IReadOnlyList<Segment> Segments { get; }
    /// <summary>The values copied from one side to the other in every run.</summary>
    public IReadOnlyList<Crossing> Crossings { get; }
    /// <summary>Plan constants the secondary reads: computed by the primary, handed over once per plan.</summary>
    public IReadOnlyList<Value> CrossingConstants { get; }

    /// <summary>The plan inputs the secondary reads.</summary>
    public IEnumerable<Value> SecondaryInputs => Secondary.Inputs.Where(v => v.Producer == null);

    /// <summary>
    /// The split of <paramref name="plan"/>, or null when <paramref name="primary"/> runs all of it
    /// (and its constants).
    /// </summary>
    public static PlanSplit? Of(ExecutionPlan plan, IBackend primary)
    {
        if (!plan.ShapeOnlyNodes.All(n => primary.Supports(n.Op, out _))) return AllOnSecondary(plan);
        var onPrimary = plan.Steps.Where(n => primary.Supports(n.Op, out _)).ToHashSet();
        Dictionary<Node, int> segmentOf;
        while (true)
        {
            segmentOf = Assign(plan, onPrimary);
            var idle = segmentOf.Where(s => s.Value >= 2 && s.Value % 2 == 0).GroupBy(s => s.Value, s => s.Key)
                .Where(g => !g.Any(n => IsWorthACrossing(plan, n))).SelectMany(g => g).ToList();
            if (idle.Count == 0) break;
            onPrimary.ExceptWith(idle);
        }
        if (!segmentOf.ContainsValue(0)) return AllOnSecondary(plan);
        if (segmentOf.Values.All(s => s == 0)) return null;

        // Where each crossing value is first needed on the other side.
        var producedIn = plan.Steps.SelectMany(n => n.Outputs.Select(v => (v, Segment: segmentOf[n]))).ToDictionary(p => p.v, p => p.Segment);
        var crossings = new Dictionary<(Value, bool), int>();
        var constantsRead = new List<Value>();
        foreach (var node in plan.Steps)
        {
            int segment = segmentOf[node];
            foreach (var v in node.Reads)
            {
                if (producedIn.TryGetValue(v, out int from) && from % 2 != segment % 2)
                {
                    var key = (v, segment % 2 == 0);
                    crossings[key] = Math.Min(crossings.GetValueOrDefault(key, int.MaxValue), segment);
                }
                else if (segment % 2 == 1 && plan.IsPlanConstant(v) && !constantsRead.Contains(v)) constantsRead.Add(v);
            }
        }
        var crossing = crossings.Select(c => new Crossing(c.Key.Item1, c.Key.Item2, c.Value)).OrderBy(c => c.BeforeSegment).ToList();
        bool OnPrimarySide(Value v) => !producedIn.TryGetValue(v, out int s) || s % 2 == 0;  // plan inputs and constants: the primary's
        var secondaryReads = plan.Steps.Where(n => segmentOf[n] % 2 == 1).SelectMany(n => n.Reads).ToHashSet();

        var primaryFeeds = plan.Inputs.Concat(crossing.Where(c => c.ToPrimary).Select(c => c.Value));
        var primaryOutputs = plan.Outputs.Select(o => o.Value).Where(OnPrimarySide)
            .Concat(crossing.Where(c => !c.ToPrimary).Select(c => c.Value)).Concat(constantsRead);
        var secondaryFeeds = plan.Inputs.Where(secondaryReads.Contains).Concat(crossing.Where(c => !c.ToPrimary).Select(c => c.Value)).Concat(constantsRead);
        var secondaryOutputs = plan.Outputs.Select(o => o.Value).Where(v => !OnPrimarySide(v)).Concat(crossing.Where(c => c.ToPrimary).Select(c => c.Value));
        int Rank(Node n) => segmentOf[n];
        var primaryPlan = SidePlan(plan, primaryFeeds, primaryOutputs, Rank);
        var secondaryPlan = SidePlan(plan, secondaryFeeds, secondaryOutputs, Rank);

        var segments = new List<Segment>();
        for (int s = 0; segmentOf.ContainsValue(s); s++)
        {
            var side = s % 2 == 0 ? primaryPlan : secondaryPlan;
            int first = IndexOf(side.Steps, n => segmentOf[n] == s), end = first;
            while (end < side.Steps.Count && segmentOf[side.Steps[end]] == s) end++;
            segments.Add(new Segment(s % 2 == 0, first, end));
        }
        if (segments.Sum(s => s.End - s.First) != plan.Steps.Count)
            throw new InvalidOperationException("splitting the plan lost or duplicated steps");
        return new PlanSplit(primaryPlan, secondaryPlan, segments, crossing, constantsRead);
    }

    /// <summary>Steps worth a copy to the primary and back (see the class comment).</summary>
    private static bool IsWorthACrossing(ExecutionPlan plan, Node node) => plan.MacsOf(node) > 0 || node.Op is RoiPooler;

    /// <summary>
    /// Each step's segment: the earliest of its side (even: primary, odd: secondary) not before the
    /// segment of any value it reads. Plan inputs and constants count as segment −1.
    /// </summary>
    private static Dictionary<Node, int> Assign(ExecutionPlan plan, HashSet<Node> onPrimary)
    {
        var produced = new Dictionary<Value, int>();
        var segmentOf = new Dictionary<Node, int>();
        foreach (var node in plan.Steps)
        {
            int ready = node.Reads.Select(v => produced.GetValueOrDefault(v, -1)).DefaultIfEmpty(-1).Max();
            int segment = Math.Max(ready, 0);
            if (segment % 2 != (onPrimary.Contains(node) ? 0 : 1)) segment++;
            segmentOf[node] = segment;
            foreach (var v in node.Outputs) produced[v] = segment;
        }
        return segmentOf;
    }

    private static ExecutionPlan SidePlan(ExecutionPlan plan, IEnumerable<Value> feeds, IEnumerable<Value> outputs, Func<Node, int> rank) =>
        ExecutionPlan.Create(plan.Graph, feeds.Distinct().Select(v => (v, plan.ShapeOf(v))).ToList(), outputs.Distinct().ToList(), rank);

    private static int IndexOf(IReadOnlyList<Node> steps, Func<Node, bool> match)
    {
        for (int i = 0; i < steps.Count; i++)
            if (match(steps[i])) return i;
        return -1;
    }

    private static PlanSplit AllOnSecondary(ExecutionPlan plan) =>
        new(null, plan, [new Segment(false, 0, plan.Steps.Count)], [], []);
}

/// <summary>Steps [<see cref="First"/>, <see cref="End"/>) of one side's plan.</summary>
internal readonly record struct Segment(bool OnPrimary, int First, int End);

/// <summary>A value produced on one side and read on the other, copied before segment <see cref="BeforeSegment"/> of every run.</summary>
internal readonly record struct Crossing(Value Value, bool ToPrimary, int BeforeSegment);
