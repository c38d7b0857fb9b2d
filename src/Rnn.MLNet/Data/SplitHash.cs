using Rnn.MLNet.Internals;

namespace Rnn.MLNet.Data;

/// <summary>
/// The repeatable uniform number in [0, 1) that assigns a row to a split or fold: from the row's position, or
/// from the value of a sampling key column so equal keys land on the same side. Stable across runs and platforms.
/// </summary>
internal static class SplitHash
{
    public static double ToUnit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    public static ulong Mix(ulong x)
    {
        // SplitMix64 finalizer.
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>A function giving the current row's unit number (by position, or by <paramref name="keyColumn"/>'s value).</summary>
    public static Func<double> Make(DataViewRowCursor cursor, DataViewSchema.Column? keyColumn, int seed)
    {
        ulong s = Mix((ulong)(uint)seed);
        if (keyColumn is null)
            return () => ToUnit(Mix(s ^ (ulong)cursor.Position));
        Func<ulong> value = TypeDispatch.Visit(keyColumn.Value.Type.RawType, new KeyHasher(cursor, keyColumn.Value));
        return () => ToUnit(Mix(s ^ value()));
    }

    public static void CheckKeyColumn(DataViewSchema.Column column)
    {
        if (column.Type is Data.VectorDataViewType)
            Throw.WrongType(column.Name, column.Type, "a scalar (text, number, boolean or key) to sample by");
    }

    private sealed class KeyHasher(DataViewRow row, DataViewSchema.Column column) : ITypeVisitor<Func<ulong>>
    {
        public Func<ulong> Visit<T>()
            where T : notnull
        {
            ValueGetter<T> get = row.GetGetter<T>(column);
            T value = default!;
            return () =>
            {
                get(ref value);
                return Hash(value);
            };
        }

        private static ulong Hash<T>(T value)
        {
            if (value is ReadOnlyMemory<char> text)
            {
                ulong h = 1469598103934665603UL; // FNV-1a over UTF-16 code units
                foreach (char c in text.Span)
                    h = (h ^ c) * 1099511628211UL;
                return h;
            }
            return value switch
            {
                float f => (ulong)BitConverter.SingleToInt32Bits(f),
                double d => (ulong)BitConverter.DoubleToInt64Bits(d),
                int i => (ulong)i,
                long l => (ulong)l,
                uint u => u,
                ulong ul => ul,
                ushort us => us,
                byte b => b,
                bool bo => bo ? 1UL : 0UL,
                _ => 0,
            };
        }
    }
}
