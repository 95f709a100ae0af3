using D2Sharp.Config;

namespace D2Sharp.Cli.Commands;

internal sealed class ConfigShowCommand : ICommand
{
    public string Help => """
        d2sharp config show --config F [--opts K V ...] [--strict]

        Prints the fully merged config (Detectron2 defaults + _BASE_ chain + file + opts) as YAML.
          --config F      a Detectron2 YAML config
          --opts K V ...  overrides, as Detectron2's merge_from_list (e.g. MODEL.RESNETS.DEPTH 101)
          --strict        refuse what is otherwise a warning (a key written twice in one mapping)
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter output)
    {
        var cl = CommandLine.Parse(args, ["--config"], [StrictConfig.Flag]);
        var cfg = ConfigLoader.Load(cl.Require("--config"), cl.Opts, StrictConfig.Options(cl));
        output.Write(cfg.ToYaml());
        return 0;
    }
}
