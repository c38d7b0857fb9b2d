using System.Collections;
using Rnn.Core.Internals;

namespace Rnn.Core;

/// <summary>
/// Named parameters in registration order, like PyTorch's <c>state_dict</c>. Composite models
/// register their children's parameters under a prefix (<c>rnn.weight_ih_l0</c>).
/// </summary>
public sealed class ParameterCollection : IReadOnlyDictionary<string, Parameter>
{
    private readonly List<Parameter> _list = [];
    private readonly List<string> _names = [];
    private readonly Dictionary<string, Parameter> _byName = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="parameter"/> under <paramref name="name"/> (its own name when null).</summary>
    public void Add(Parameter parameter, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        name ??= parameter.Name;
        if (!_byName.TryAdd(name, parameter))
            ThrowHelper.ThrowArgument(nameof(name), $"a parameter named '{name}' is already registered");
        _list.Add(parameter);
        _names.Add(name);
    }

    /// <summary>Registers every parameter of <paramref name="child"/> as <c>prefix.name</c>.</summary>
    public void AddRange(string prefix, ParameterCollection child)
    {
        ArgumentNullException.ThrowIfNull(child);
        for (int i = 0; i < child.Count; i++)
            Add(child._list[i], string.IsNullOrEmpty(prefix) ? child._names[i] : $"{prefix}.{child._names[i]}");
    }

    /// <summary>The parameter registered under <paramref name="name"/>.</summary>
    public Parameter this[string name] =>
        _byName.TryGetValue(name, out var p) ? p : throw new KeyNotFoundException($"no parameter named '{name}'; known: {string.Join(", ", _names)}");

    /// <summary>The <paramref name="index"/>-th parameter in registration order.</summary>
    public Parameter this[int index] => _list[index];

    /// <summary>Number of parameters.</summary>
    public int Count => _list.Count;

    /// <summary>Names in registration order.</summary>
    public IEnumerable<string> Keys => _names;

    /// <summary>Parameters in registration order.</summary>
    public IEnumerable<Parameter> Values => _list;

    /// <summary>Name of the <paramref name="index"/>-th parameter.</summary>
    public string NameAt(int index) => _names[index];

    /// <summary>Total number of scalar values.</summary>
    public long ElementCount => _list.Sum(p => (long)p.Value.Length);

    /// <inheritdoc />
    public bool ContainsKey(string key) => _byName.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Parameter value) => _byName.TryGetValue(key, out value);

    /// <summary>Zeroes every gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _list) p.ZeroGrad();
    }

    /// <summary>Pairs of (name, parameter) in order.</summary>
    public IEnumerator<KeyValuePair<string, Parameter>> GetEnumerator()
    {
        for (int i = 0; i < _list.Count; i++) yield return new(_names[i], _list[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
