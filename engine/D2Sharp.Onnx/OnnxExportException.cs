namespace D2Sharp.Onnx;

/// <summary>A graph holds something ONNX cannot express; the message names the node.</summary>
public sealed class OnnxExportException(string message) : D2SharpException(message);
