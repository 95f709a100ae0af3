using System.CommandLine;
using D2Sharp.Config;

namespace D2Sharp.Cli.Commands;

/// <summary><c>d2sharp zoo list|url</c>: Detectron2's model-zoo table, so a user knows which checkpoint to fetch.</summary>
internal static class ZooCommands
{
    public static Command List()
    {
        var filter = new Argument<string>("text") { HelpName = "TEXT", Arity = ArgumentArity.ZeroOrOne, Description = "only the config names that contain TEXT" };
        var command = new Command("list", "Every model-zoo config that has a trained checkpoint, with the checkpoint's URL " +
            "(as detectron2.model_zoo.get_checkpoint_url gives it). D2Sharp downloads nothing: fetch the file, then pass it to --weights.") { filter };
        command.SetOutputAction((result, output) => PrintList(result.GetValue(filter) ?? "", output));
        return command;
    }

    public static Command Url()
    {
        var config = new Argument<string>("config")
        {
            HelpName = "CONFIG",
            Description = "a model-zoo config, e.g. COCO-Detection/faster_rcnn_R_50_FPN_3x (.yaml and a leading configs/ are accepted)",
        };
        var command = new Command("url", "The checkpoint URL of one model-zoo config.") { config };
        command.SetOutputAction((result, output) => PrintUrl(result.GetRequiredValue(config), output));
        return command;
    }

    private static int PrintList(string filter, TextWriter output)
    {
        var names = ModelZoo.Names.Where(n => n.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        if (names.Count == 0) throw new D2SharpException($"no model-zoo config contains '{filter}' (d2sharp zoo list shows all {ModelZoo.Names.Count})");
        int width = names.Max(n => n.Length);
        foreach (string name in names)
            output.WriteLine($"{name.PadRight(width)}  {ModelZoo.CheckpointUrl(name)}" + (ModelZoo.IsLazyConfig(name) ? "  (a Python LazyConfig: D2Sharp reads YAML configs)" : ""));
        return 0;
    }

    private static int PrintUrl(string config, TextWriter output)
    {
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
