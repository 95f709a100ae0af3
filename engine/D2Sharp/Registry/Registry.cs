using System.Collections.Concurrent;

namespace D2Sharp.Registry;

/// <summary>
/// A name → builder table, as Detectron2's <c>Registry</c>: builders are looked up by the name a
/// config gives (<c>MODEL.BACKBONE.NAME</c>), and users add their own from C#.
/// </summary>
public sealed class Registry<T> where T : class
{
    private readonly ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);

    /// <summary>An empty registry.</summary>
    /// <param name="name">What it holds (<c>BACKBONE</c>, <c>ROI_HEADS</c>), used in error messages.</param>
    public Registry(string name) => Name = name;

    /// <summary>What this registry holds (<c>BACKBONE</c>), for error messages.</summary>
    public string Name { get; }

    /// <summary>The registered names, sorted ordinally (a snapshot).</summary>
    public IReadOnlyCollection<string> Names => _items.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Adds a builder; registering a name twice is an error, as in Detectron2.</summary>
    public void Register(string name, T builder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(builder);
        if (!_items.TryAdd(name, builder))
            throw new RegistryException($"An object named '{name}' was already registered in '{Name}' registry!");
    }

    /// <summary>Whether a builder is registered under <paramref name="name"/> (case-sensitive).</summary>
    public bool Contains(string name) => _items.ContainsKey(name);

    /// <summary>The builder registered under <paramref name="name"/> (case-sensitive).</summary>
    /// <exception cref="RegistryException">Nothing is registered under that name; the message lists what is.</exception>
    public T Get(string name) =>
        _items.TryGetValue(name, out var builder)
            ? builder
            : throw new RegistryException(
                $"No object named '{name}' found in '{Name}' registry! Registered: {string.Join(", ", Names)}");
}

/// <summary>Thrown when a name is registered twice or looked up without being registered; Detectron2's message.</summary>
public sealed class RegistryException(string message) : D2SharpException(message);
