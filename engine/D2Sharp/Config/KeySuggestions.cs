namespace D2Sharp.Config;

/// <summary>
/// Finds the known keys closest to a mistyped one (Levenshtein distance on the dotted key, ignoring
/// case: Detectron2's keys are upper case, and <c>model.resnets.depth</c> means MODEL.RESNETS.DEPTH).
/// </summary>
internal static class KeySuggestions
{
    private const int SuggestionCount = 3;

    private static IReadOnlyList<string> Closest(string key, IEnumerable<string> knownKeys) =>
        knownKeys
            .Select(known => (known, distance: EditDistance(key.ToUpperInvariant(), known.ToUpperInvariant())))
            .OrderBy(candidate => candidate.distance)
            .ThenBy(candidate => candidate.known, StringComparer.Ordinal)
            .Take(SuggestionCount)
            .Select(candidate => candidate.known)
            .ToList();

    /// <summary>A sentence for error messages: <c> Closest known keys: A, B, C.</c></summary>
    public static string Sentence(string key, IEnumerable<string> knownKeys)
    {
        IReadOnlyList<string> closest = Closest(key, knownKeys);
        return closest.Count == 0 ? "" : $" Closest known keys: {string.Join(", ", closest)}.";
    }

    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
