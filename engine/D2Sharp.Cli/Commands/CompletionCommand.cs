using System.CommandLine;

namespace D2Sharp.Cli.Commands;

/// <summary>
/// <c>d2sharp completion bash|zsh|pwsh</c>: a shell script that asks <c>d2sharp</c> itself for the
/// completions, through System.CommandLine's <c>[suggest:POSITION] "LINE"</c> directive, so no
/// global helper tool is needed.
/// </summary>
internal sealed class CompletionCommand : Command
{
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["bash"] = """
            # d2sharp completion for bash: source it, e.g. from ~/.bashrc: source <(d2sharp completion bash)
            _d2sharp_complete() {
                local IFS=$'\n'
                COMPREPLY=($(d2sharp "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null))
            }
            complete -o default -F _d2sharp_complete d2sharp
            """,
        ["zsh"] = """
            # d2sharp completion for zsh (after compinit): source <(d2sharp completion zsh)
            _d2sharp_complete() {
                local -a completions
                completions=("${(@f)$(d2sharp "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)}")
                compadd -a completions
            }
            compdef _d2sharp_complete d2sharp
            """,
        ["pwsh"] = """
            # d2sharp completion for PowerShell: d2sharp completion pwsh | Out-String | Invoke-Expression
            Register-ArgumentCompleter -Native -CommandName d2sharp -ScriptBlock {
                param($wordToComplete, $commandAst, $cursorPosition)
                d2sharp "[suggest:$cursorPosition]" "$commandAst" 2>$null | ForEach-Object {
                    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
                }
            }
            """,
    };

    public CompletionCommand()
        : base("completion", "Prints a script that makes the shell complete d2sharp's commands and options with Tab; " +
            "bash: source <(d2sharp completion bash), zsh: source <(d2sharp completion zsh), " +
            "PowerShell: d2sharp completion pwsh | Out-String | Invoke-Expression.")
    {
        string[] shells = [.. Scripts.Keys];
        var shell = new Argument<string>("shell")
        {
            HelpName = string.Join('|', shells),
            Description = "the shell the script is for",
            CustomParser = result => Scripts.ContainsKey(result.Tokens[0].Value) ? result.Tokens[0].Value : Refuse(result),
        };
        shell.CompletionSources.Add(shells);
        Arguments.Add(shell);
        this.SetOutputAction((result, output) =>
        {
            output.WriteLine(Scripts[result.GetRequiredValue(shell)]);
            return 0;
        });
    }

    private static string Refuse(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"no completion script for '{result.Tokens[0].Value}': the shells are {OptionValues.Alternatives([.. Scripts.Keys])}");
        return "";
    }
}
