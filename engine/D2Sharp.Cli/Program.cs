return D2Sharp.Cli.Cli.Run(args, Console.Out, Console.Error);
