namespace D2Sharp.Tests;

/// <summary>
/// The detection fixtures' rule for sets of boxes (proposals, detections, instances), as
/// <c>../shared/d2-fixtures/compare_det.py</c> states it. With tb = 1e-3·max(1, max|expected
/// boxes|) and ts the same over the expected scores: each expected element, in order, takes the
/// unused actual element with the same class (when there are classes), |score difference| ≤ ts,
/// max |coordinate difference| ≤ tb and the highest IoU, if that IoU is at least 0.99. Expected
/// elements left over are missing, actual ones extra. The matched actual indices must increase in
/// expected order, except between expected elements whose scores are within ts (a near-tie).
/// </summary>
public static class DetectionSets
{
    public sealed record Result(int[] Match, int[] Missing, int[] Extra, IReadOnlyList<(int, int)> BadInversions, double BoxTolerance, double ScoreTolerance)
    {
        public bool Passed => Missing.Length == 0 && Extra.Length == 0 && BadInversions.Count == 0;

        public override string ToString() =>
            $"{Match.Length} expected, {Match.Count(m => m >= 0)} matched, missing [{string.Join(", ", Missing.Take(10))}], " +
            $"extra [{string.Join(", ", Extra.Take(10))}], order violations [{string.Join(", ", BadInversions.Take(5))}] " +
            $"(box tolerance {BoxTolerance:G3}, score tolerance {ScoreTolerance:G3})";
    }

    /// <summary>Matches actual (boxes [n, 4] row-major, scores [n], classes or null) against expected, as the fixtures' README states.</summary>
    public static Result Match(ReadOnlySpan<float> expectedBoxes, ReadOnlySpan<float> expectedScores, long[]? expectedClasses,
        ReadOnlySpan<float> actualBoxes, ReadOnlySpan<float> actualScores, long[]? actualClasses)
    {
        int ne = expectedScores.Length, na = actualScores.Length;
        double tb = Tolerance.Feature(expectedBoxes), ts = Tolerance.Feature(expectedScores);
        var used = new bool[na];
        var match = Enumerable.Repeat(-1, ne).ToArray();
        for (int i = 0; i < ne; i++)
        {
            var e = expectedBoxes.Slice(4 * i, 4);
            int best = -1;
            double bestIou = -1;
            for (int j = 0; j < na; j++)
            {
                var a = actualBoxes.Slice(4 * j, 4);
                if (used[j] || Math.Abs((double)actualScores[j] - expectedScores[i]) > ts || MaxAbsDiff(a, e) > tb) continue;
                if (expectedClasses != null && actualClasses![j] != expectedClasses[i]) continue;
                double iou = Iou(e, a);
                if (iou > bestIou) (best, bestIou) = (j, iou);
            }
            if (best >= 0 && bestIou >= 0.99)
            {
                match[i] = best;
                used[best] = true;
            }
        }

        var inversions = new List<(int, int)>();
        var matched = Enumerable.Range(0, ne).Where(i => match[i] >= 0).ToArray();
        for (int x = 0; x < matched.Length && inversions.Count <= 5; x++)
            for (int y = x + 1; y < matched.Length && inversions.Count <= 5; y++)
            {
                int i = matched[x], k = matched[y];
                if (match[k] < match[i] && Math.Abs((double)expectedScores[i] - expectedScores[k]) > ts) inversions.Add((i, k));
            }
        return new Result(match, Enumerable.Range(0, ne).Where(i => match[i] < 0).ToArray(),
            Enumerable.Range(0, na).Where(j => !used[j]).ToArray(), inversions, tb, ts);
    }

    private static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double max = 0;
        for (int c = 0; c < 4; c++) max = Math.Max(max, Math.Abs((double)a[c] - b[c]));
        return max;
    }

    /// <summary>IoU in double; identical boxes count as 1 even when degenerate, and an empty union as 0.</summary>
    private static double Iou(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.SequenceEqual(b)) return 1;
        double w = Math.Max(0, Math.Min((double)a[2], b[2]) - Math.Max((double)a[0], b[0]));
        double h = Math.Max(0, Math.Min((double)a[3], b[3]) - Math.Max((double)a[1], b[1]));
        double inter = w * h;
        double union = ((double)a[2] - a[0]) * ((double)a[3] - a[1]) + ((double)b[2] - b[0]) * ((double)b[3] - b[1]) - inter;
        return union > 0 ? inter / union : 0;
    }
}
