using System.CommandLine;
using D2Sharp.Config;

namespace D2Sharp.Cli.Commands;

internal sealed class ConfigShowCommand : Command
{
    private readonly Option<string> _config = CliOptions.Config();
    private readonly Option<string[]> _opts = ConfigOverrides.Option();
    private readonly Option<bool> _strict = CliOptions.Strict();

    public ConfigShowCommand()
        : base("show", "Prints the fully merged config (Detectron2's defaults + _BASE_ chain + file + --opts) as YAML, like Detectron2's cfg.dump().")
    {
        Options.AddAll(_config, _opts, _strict);
        this.SetOutputAction(Execute);
    }

    private int Execute(ParseResult result, TextWriter output)
    {
        var cfg = ConfigLoader.Load(result.GetRequiredValue(_config), ConfigOverrides.Of(result), StrictConfig.Options(result.GetValue(_strict)));
        output.Write(cfg.ToYaml());
        return 0;
    }
}
