namespace Rnn.MLNet.Internals;

/// <summary>Reads a scalar number or key column as double.</summary>
internal static class NumericReader
{
    public static Func<double> Make(DataViewRow row, DataViewSchema.Column column) =>
        TypeDispatch.Visit(column.Type.RawType, new Visitor(row, column));

    private sealed class Visitor(DataViewRow row, DataViewSchema.Column column) : ITypeVisitor<Func<double>>
    {
        public Func<double> Visit<T>()
            where T : notnull
        {
            ValueGetter<T> get = row.GetGetter<T>(column);
            T value = default!;
            return () =>
            {
                get(ref value);
                return value switch
                {
                    float f => f,
                    double d => d,
                    int i => i,
                    long l => l,
                    uint u => u,
                    ulong ul => ul,
                    ushort us => us,
                    byte b => b,
                    bool bo => bo ? 1 : 0,
                    _ => double.NaN,
                };
            };
        }
    }
}
