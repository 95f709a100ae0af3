using System.Net;

namespace D2Sharp.LoadGen;

/// <summary><c>--name value</c> pairs, and the checks on them.</summary>
internal static class Arguments
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected an option, got '{args[i]}'");
            options[args[i]] = args[i + 1];
        }
        if (args.Length % 2 != 0) throw new ArgumentException($"option {args[^1]} needs a value");
        return options;
    }

    public static string Required(Dictionary<string, string> options, string name) =>
        options.GetValueOrDefault(name) ?? throw new ArgumentException($"{name} is required");

    /// <summary>The <c>--url</c>, which must name this machine: load is never sent anywhere else.</summary>
    public static Uri LoopbackUrl(Dictionary<string, string> options, string fallback)
    {
        var url = new Uri(options.GetValueOrDefault("--url") ?? fallback);
        bool loopback = url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
        return loopback ? url : throw new ArgumentException($"--url {url} is not a loopback address; the load generator only loads this machine");
    }
}
