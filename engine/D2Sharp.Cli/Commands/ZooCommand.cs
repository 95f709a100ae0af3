using D2Sharp.Config;

namespace D2Sharp.Cli.Commands;

/// <summary><c>d2sharp zoo list|url</c>: Detectron2's model-zoo table, so a user knows which checkpoint to fetch.</summary>
internal sealed class ZooCommand(bool list) : ICommand
{
    public string Help => """
        d2sharp zoo list [TEXT]
        d2sharp zoo url CONFIG

        Detectron2's model zoo: the configs that have a trained checkpoint, and each checkpoint's URL
        (as detectron2.model_zoo.get_checkpoint_url gives it). D2Sharp downloads nothing: fetch the
        file, then pass it to --weights.
          list [TEXT]     every config name (those containing TEXT) with its checkpoint URL
          url CONFIG      the URL for CONFIG, e.g. COCO-Detection/faster_rcnn_R_50_FPN_3x (.yaml and a
                          leading configs/ are accepted)
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter output)
    {
        var cl = CommandLine.Parse(args, []);
        if (list)
        {
            if (cl.Positionals.Count > 1) throw new UsageException($"unexpected argument '{cl.Positionals[1]}'");
            string filter = cl.Positionals.FirstOrDefault() ?? "";
            var names = ModelZoo.Names.Where(n => n.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
            if (names.Count == 0) throw new D2SharpException($"no model-zoo config contains '{filter}' (d2sharp zoo list shows all {ModelZoo.Names.Count})");
            int width = names.Max(n => n.Length);
            foreach (string name in names)
                output.WriteLine($"{name.PadRight(width)}  {ModelZoo.CheckpointUrl(name)}" + (ModelZoo.IsLazyConfig(name) ? "  (a Python LazyConfig: D2Sharp reads YAML configs)" : ""));
            return 0;
        }
        if (cl.Positionals.Count != 1) throw new UsageException("zoo url takes one config name");
        string config = cl.Positionals[0];
        if (ModelZoo.CheckpointUrl(config) is { } url)
        {
            output.WriteLine(url);
            return 0;
        }
        string wanted = ModelZoo.Normalize(config);
        string closest = ModelZoo.Names.MinBy(n => KeySuggestions.EditDistance(n, wanted))!;
        throw new D2SharpException($"'{config}' has no checkpoint in Detectron2's model zoo; did you mean '{closest}'? (d2sharp zoo list shows them all)");
    }
}
