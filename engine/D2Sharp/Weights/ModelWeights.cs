using D2Sharp.Graph;

namespace D2Sharp.Weights;

/// <summary>
/// A node's arrays as the backends consume them: convs carry their folded weight [Cout, Cin/g, KH, KW]
/// and bias [Cout] (BN already folded in), GroupNorm its gamma (<see cref="Weight"/>) and beta (<see cref="Bias"/>).
/// </summary>
public sealed record NodeWeights(float[] Weight, float[]? Bias);

/// <summary>Prepared weights for every parameter-bearing node of one graph, indexed by <see cref="Node.Id"/>.</summary>
public sealed class ModelWeights
{
    private readonly NodeWeights?[] _byNode;

    internal ModelWeights(ModelGraph graph, NodeWeights?[] byNode, string source)
    {
        Graph = graph;
        _byNode = byNode;
        Source = source;
    }

    /// <summary>The graph these weights were prepared for; a backend or session given another graph refuses them.</summary>
    public ModelGraph Graph { get; }

    /// <summary>Where the weights came from (a checkpoint path, or the deterministic initialiser).</summary>
    public string Source { get; }

    /// <summary>The node's weights, or null when its op has no parameters.</summary>
    public NodeWeights? TryFor(Node node) => node.Id < _byNode.Length ? _byNode[node.Id] : null;
}
