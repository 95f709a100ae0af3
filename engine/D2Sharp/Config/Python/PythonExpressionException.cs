namespace D2Sharp.Config.Python;

/// <summary>
/// A Python expression in a config could not be evaluated. Internal: the config code turns it into
/// a <see cref="ConfigException"/> that names the key and file.
/// </summary>
internal class PythonExpressionException(string message) : Exception(message);

/// <summary>The text is not valid Python expression syntax (Python would raise SyntaxError).</summary>
internal sealed class PythonSyntaxException(string message) : PythonExpressionException(message);
