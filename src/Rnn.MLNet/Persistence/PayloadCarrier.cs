using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Rnn.MLNet.Persistence;

/// <summary>
/// Carries a payload (base64 text) inside ML.NET's zip with public, saveable built-ins: a stateless CustomMapping emits
/// a constant key, and a one-entry ValueMapping maps it to the payload in <see cref="StateColumn"/>. ML.NET saves the
/// ValueMapping's table in the zip; on load it rebuilds the CustomMapping from the contract name and this assembly's name
/// (no registration call). See ../shared/design/mlnet-integration.md, variant C.
/// </summary>
internal static class PayloadCarrier
{
    /// <summary>Prefix of every column RnnMl adds and drops again inside its transformers.</summary>
    public const string Prefix = "__rnnml_";

    /// <summary>The constant key column.</summary>
    public const string KeyColumn = Prefix + "key";

    /// <summary>The payload column (base64 text; every row holds the same string instance).</summary>
    public const string StateColumn = Prefix + "state";

    private const string TheKey = "model";

    /// <summary>The two estimators that add <see cref="StateColumn"/> holding <paramref name="payload"/>.</summary>
    public static IEstimator<ITransformer> Create(MLContext ml, string payload)
    {
        var lookup = ml.Data.LoadFromEnumerable([new LookupRow { Key = TheKey, Value = payload }]);
        return ml.Transforms.CustomMapping<NoColumns, KeyRow>(StateKeyFactory.Map, StateKeyFactory.Contract)
            .Append(ml.Transforms.Conversion.MapValue(StateColumn, lookup, lookup.Schema[nameof(LookupRow.Key)], lookup.Schema[nameof(LookupRow.Value)], KeyColumn));
    }

    /// <summary>
    /// The payloads carried anywhere inside <paramref name="transformer"/> (a fitted transformer, a chain, or what
    /// <c>ml.Model.Load</c> returned), in pipeline order.
    /// </summary>
    public static IEnumerable<string> FindPayloads(ITransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (transformer is IPayloadOwner owner)
        {
            yield return owner.Payload;
            yield break;
        }
        if (transformer is not IEnumerable<ITransformer> chain) yield break;
        var parts = chain.ToList();
        for (int i = 0; i < parts.Count; i++)
        {
            if (TryReadAt(parts, i, out string? payload))
            {
                yield return payload;
                i++;
                continue;
            }
            foreach (string inner in FindPayloads(parts[i])) yield return inner;
        }
    }

    /// <summary>
    /// Whether <paramref name="parts"/>[<paramref name="index"/>] and the next transformer are a carrier (the constant-key
    /// CustomMapping and its ValueMapping), and if so the payload they add.
    /// </summary>
    public static bool TryReadAt(IReadOnlyList<ITransformer> parts, int index, [NotNullWhen(true)] out string? payload)
    {
        ArgumentNullException.ThrowIfNull(parts);
        payload = index + 1 < parts.Count && parts[index] is CustomMappingTransformer<NoColumns, KeyRow> && parts[index + 1] is ValueMappingTransformer
            ? ReadPayload(parts[index], parts[index + 1])
            : null;
        return payload is not null;
    }

    // Runs the carrier's two transformers over one empty row and reads the payload they add.
    private static string ReadPayload(ITransformer key, ITransformer map)
    {
        var ml = new MLContext();
        var row = ml.Data.LoadFromEnumerable([new OneColumn()]);
        var view = map.Transform(key.Transform(row));
        using var cursor = view.GetRowCursor([view.Schema[StateColumn]]);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema[StateColumn]);
        if (!cursor.MoveNext()) throw ModelPayload.Invalid("the payload table is empty");
        ReadOnlyMemory<char> value = default;
        getter(ref value);
        return value.ToString();
    }

    /// <summary>Rows with no columns: the key mapping reads nothing.</summary>
    public sealed class NoColumns
    {
    }

    private sealed class OneColumn
    {
        public int Row { get; set; }
    }

    /// <summary>The constant key.</summary>
    public sealed class KeyRow
    {
        /// <summary>Always the same key.</summary>
        [ColumnName(KeyColumn)]
        public string Key { get; set; } = TheKey;
    }

    private sealed class LookupRow
    {
        public string Key { get; set; } = "";

        public string Value { get; set; } = "";
    }

    /// <summary>Emits the constant key; found by ML.NET on load through its contract name.</summary>
    [CustomMappingFactoryAttribute(Contract)]
    public sealed class StateKeyFactory : CustomMappingFactory<NoColumns, KeyRow>
    {
        public const string Contract = "Rnn.MLNet.StateKey.v1";

        public static void Map(NoColumns input, KeyRow output) => output.Key = TheKey;

        public override Action<NoColumns, KeyRow> GetMapping() => Map;
    }
}

/// <summary>A transformer of RnnMl's that knows its own payload.</summary>
internal interface IPayloadOwner
{
    string Payload { get; }
}

/// <summary>
/// Parsed payloads by the identity of their text: the ValueMapping hands every row the same string, so a model is
/// parsed once per loaded zip, and collected with it.
/// </summary>
/// <typeparam name="T">The parsed model.</typeparam>
internal static class PayloadCache<T> where T : class
{
    private static readonly ConditionalWeakTable<string, T> Parsed = new();
    private static readonly Lock Gate = new();
    private static (string Text, T Value)? _lastCopy;

    public static T Get(ReadOnlyMemory<char> state, Func<ReadOnlyMemory<char>, T> parse)
    {
        if (MemoryMarshal.TryGetString(state, out string? text, out int start, out int length) && start == 0 && length == text.Length)
        {
            if (Parsed.TryGetValue(text, out T? found)) return found;
            T value = parse(state);
            return Parsed.GetValue(text, _ => value);
        }
        // Not a whole string (another carrier): compare by content with the last one parsed.
        lock (Gate)
        {
            if (_lastCopy is { } last && state.Span.SequenceEqual(last.Text)) return last.Value;
        }
        T parsed = parse(state);
        lock (Gate) _lastCopy = (state.ToString(), parsed);
        return parsed;
    }
}
