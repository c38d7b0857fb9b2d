// Maps the public fields and properties of a user class to columns, both ways, with getters and setters
// compiled once per class (expression trees): reading an object costs no reflection and no allocation.
//   member type                          column type
//   float double int long uint ulong bool  the number / Boolean type
//   uint/ulong/ushort/byte + [KeyType(n)]  Key<raw, n>
//   string, ReadOnlyMemory<char>           Text
//   T[] or VBuffer<T> of the above         Vector<item, size from [VectorType] or variable>
using System.Linq.Expressions;
using System.Reflection;
using Rnn.MLNet.Data;

namespace Rnn.MLNet.Internals;

/// <summary>One member of a user class seen as a column.</summary>
internal abstract class MemberColumn<TRow>
    where TRow : class
{
    protected MemberColumn(MemberInfo member, string name, DataViewType type)
    {
        Member = member;
        Name = name;
        Type = type;
    }

    public MemberInfo Member { get; }

    public string Name { get; }

    public DataViewType Type { get; }

    public LoadColumnAttribute? Load => Member.GetCustomAttribute<LoadColumnAttribute>();

    /// <summary>A getter reading this member from the object <paramref name="current"/> returns.</summary>
    public abstract Delegate MakeGetter(Func<TRow> current);

    /// <summary>An action copying <paramref name="column"/> of <paramref name="row"/> into this member of an object.</summary>
    public abstract Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column);

    /// <summary>Whether a column of type <paramref name="columnType"/> can be written into this member.</summary>
    public bool Accepts(DataViewType columnType) =>
        columnType.RawType == Type.RawType
        && (columnType is VectorDataViewType) == (Type is VectorDataViewType);
}

internal static class RowTypeMapping
{
    /// <summary>The columns of <typeparamref name="TRow"/>; <paramref name="forWriting"/> selects writable members.</summary>
    public static MemberColumn<TRow>[] Columns<TRow>(bool forWriting)
        where TRow : class
    {
        var result = new List<MemberColumn<TRow>>();
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance;
        IEnumerable<MemberInfo> members = typeof(TRow).GetFields(flags).Where(f => !f.IsInitOnly || !forWriting).Cast<MemberInfo>()
            .Concat(typeof(TRow).GetProperties(flags).Where(p => p.GetIndexParameters().Length == 0 && (forWriting ? p.CanWrite && p.SetMethod!.IsPublic : p.CanRead && p.GetMethod!.IsPublic)));
        foreach (MemberInfo m in members)
        {
            if (m.GetCustomAttribute<NoColumnAttribute>() is not null)
                continue;
            result.Add(Create<TRow>(m));
        }
        return [.. result];
    }

    private static MemberColumn<TRow> Create<TRow>(MemberInfo m)
        where TRow : class
    {
        Type memberType = m is FieldInfo f ? f.FieldType : ((PropertyInfo)m).PropertyType;
        string name = m.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? m.Name;
        var key = m.GetCustomAttribute<KeyTypeAttribute>();
        var vector = m.GetCustomAttribute<VectorTypeAttribute>();
        string where = $"{typeof(TRow).Name}.{m.Name}";

        Type? itemType = memberType.IsArray ? memberType.GetElementType()
            : memberType.IsGenericType && memberType.GetGenericTypeDefinition() == typeof(VBuffer<>) ? memberType.GetGenericArguments()[0]
            : null;
        bool isVector = itemType is not null && memberType != typeof(string);
        Type scalar = isVector ? itemType! : memberType;
        Type raw = scalar == typeof(string) ? typeof(ReadOnlyMemory<char>) : scalar;
        PrimitiveDataViewType item = ItemType(scalar, key, where);
        DataViewType columnType = isVector ? new VectorDataViewType(item, vector is null || vector.Dimensions.Count == 0 ? [0] : [.. vector.Dimensions]) : item;
        if (!isVector && vector is not null)
            throw new ArgumentException($"{where} has [VectorType] but is not an array or VBuffer.");

        Type kind = (isVector, memberType.IsArray, scalar == typeof(string)) switch
        {
            (false, _, true) => typeof(StringMember<>).MakeGenericType(typeof(TRow)),
            (false, _, false) => typeof(ScalarMember<,>).MakeGenericType(typeof(TRow), raw),
            (true, true, true) => typeof(StringArrayMember<>).MakeGenericType(typeof(TRow)),
            (true, true, false) => typeof(ArrayMember<,>).MakeGenericType(typeof(TRow), raw),
            (true, false, _) => typeof(VBufferMember<,>).MakeGenericType(typeof(TRow), raw),
        };
        return (MemberColumn<TRow>)Activator.CreateInstance(kind, m, name, columnType)!;
    }

    private static PrimitiveDataViewType ItemType(Type t, KeyTypeAttribute? key, string where)
    {
        if (key is not null)
        {
            if (t != typeof(uint) && t != typeof(ulong) && t != typeof(ushort) && t != typeof(byte))
                throw new ArgumentException($"{where} has [KeyType] but is {t.Name}; keys are Byte, UInt16, UInt32 or UInt64.");
            return new KeyDataViewType(t, key.Count);
        }
        return t == typeof(float) ? NumberDataViewType.Single
            : t == typeof(double) ? NumberDataViewType.Double
            : t == typeof(int) ? NumberDataViewType.Int32
            : t == typeof(long) ? NumberDataViewType.Int64
            : t == typeof(uint) ? NumberDataViewType.UInt32
            : t == typeof(ulong) ? NumberDataViewType.UInt64
            : t == typeof(bool) ? BooleanDataViewType.Instance
            : t == typeof(string) || t == typeof(ReadOnlyMemory<char>) ? TextDataViewType.Instance
            : throw new ArgumentException($"{where} has type {t.Name}, which has no column type (use float, double, int, long, uint, ulong, bool, string, arrays or VBuffer of these).");
    }

    /// <summary>Compiles <c>obj => obj.Member</c>.</summary>
    public static Func<TRow, TValue> CompileGetter<TRow, TValue>(MemberInfo m)
    {
        ParameterExpression obj = Expression.Parameter(typeof(TRow), "obj");
        return Expression.Lambda<Func<TRow, TValue>>(Expression.MakeMemberAccess(obj, m), obj).Compile();
    }

    /// <summary>Compiles <c>(obj, value) => obj.Member = value</c>.</summary>
    public static Action<TRow, TValue> CompileSetter<TRow, TValue>(MemberInfo m)
    {
        ParameterExpression obj = Expression.Parameter(typeof(TRow), "obj");
        ParameterExpression value = Expression.Parameter(typeof(TValue), "value");
        return Expression.Lambda<Action<TRow, TValue>>(Expression.Assign(Expression.MakeMemberAccess(obj, m), value), obj, value).Compile();
    }

    /// <summary>Copies <paramref name="src"/> into <paramref name="dst"/> densely, reusing <paramref name="dst"/>'s arrays.</summary>
    public static void CopyDense<T>(ReadOnlySpan<T> src, ref VBuffer<T> dst)
    {
        VBufferEditor<T> editor = VBufferEditor.Create(ref dst, src.Length);
        src.CopyTo(editor.Values);
        dst = editor.Commit();
    }

    /// <summary>The dense items of <paramref name="src"/> in <paramref name="array"/>, reused when its length fits.</summary>
    public static T[] ToArray<T>(in VBuffer<T> src, T[]? array)
    {
        if (array is null || array.Length != src.Length)
            array = new T[src.Length];
        src.CopyTo(array);
        return array;
    }
}

internal sealed class ScalarMember<TRow, T>(MemberInfo member, string name, DataViewType type) : MemberColumn<TRow>(member, name, type)
    where TRow : class
{
    private readonly Func<TRow, T> _get = RowTypeMapping.CompileGetter<TRow, T>(member);

    public override Delegate MakeGetter(Func<TRow> current) => (ValueGetter<T>)((ref T v) => v = _get(current()));

    public override Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column)
    {
        Action<TRow, T> set = RowTypeMapping.CompileSetter<TRow, T>(Member);
        ValueGetter<T> getter = row.GetGetter<T>(column);
        return obj =>
        {
            T value = default!;
            getter(ref value);
            set(obj, value);
        };
    }
}

internal sealed class StringMember<TRow>(MemberInfo member, string name, DataViewType type) : MemberColumn<TRow>(member, name, type)
    where TRow : class
{
    private readonly Func<TRow, string?> _get = RowTypeMapping.CompileGetter<TRow, string?>(member);

    public override Delegate MakeGetter(Func<TRow> current) =>
        (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = (_get(current()) ?? "").AsMemory());

    public override Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column)
    {
        Action<TRow, string?> set = RowTypeMapping.CompileSetter<TRow, string?>(Member);
        ValueGetter<ReadOnlyMemory<char>> getter = row.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        return obj =>
        {
            getter(ref value);
            set(obj, value.ToString());
        };
    }
}

internal sealed class ArrayMember<TRow, T>(MemberInfo member, string name, DataViewType type) : MemberColumn<TRow>(member, name, type)
    where TRow : class
{
    private readonly Func<TRow, T[]?> _get = RowTypeMapping.CompileGetter<TRow, T[]?>(member);

    public override Delegate MakeGetter(Func<TRow> current) =>
        (ValueGetter<VBuffer<T>>)((ref VBuffer<T> v) => RowTypeMapping.CopyDense<T>(_get(current()), ref v));

    public override Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column)
    {
        Action<TRow, T[]?> set = RowTypeMapping.CompileSetter<TRow, T[]?>(Member);
        ValueGetter<VBuffer<T>> getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> value = default;
        return obj =>
        {
            getter(ref value);
            set(obj, RowTypeMapping.ToArray(value, _get(obj)));
        };
    }
}

internal sealed class StringArrayMember<TRow>(MemberInfo member, string name, DataViewType type) : MemberColumn<TRow>(member, name, type)
    where TRow : class
{
    private readonly Func<TRow, string?[]?> _get = RowTypeMapping.CompileGetter<TRow, string?[]?>(member);

    public override Delegate MakeGetter(Func<TRow> current) =>
        (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> v) =>
        {
            string?[] items = _get(current()) ?? [];
            VBufferEditor<ReadOnlyMemory<char>> editor = VBufferEditor.Create(ref v, items.Length);
            for (int i = 0; i < items.Length; i++)
                editor.Values[i] = (items[i] ?? "").AsMemory();
            v = editor.Commit();
        });

    public override Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column)
    {
        Action<TRow, string?[]?> set = RowTypeMapping.CompileSetter<TRow, string?[]?>(Member);
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
        VBuffer<ReadOnlyMemory<char>> value = default;
        return obj =>
        {
            getter(ref value);
            var items = new string[value.Length];
            for (int i = 0; i < items.Length; i++)
                items[i] = value.GetItemOrDefault(i).ToString();
            set(obj, items);
        };
    }
}

internal sealed class VBufferMember<TRow, T>(MemberInfo member, string name, DataViewType type) : MemberColumn<TRow>(member, name, type)
    where TRow : class
{
    private readonly Func<TRow, VBuffer<T>> _get = RowTypeMapping.CompileGetter<TRow, VBuffer<T>>(member);

    public override Delegate MakeGetter(Func<TRow> current) =>
        (ValueGetter<VBuffer<T>>)((ref VBuffer<T> v) => _get(current()).CopyTo(ref v));

    public override Action<TRow> MakeSetter(DataViewRow row, DataViewSchema.Column column)
    {
        Action<TRow, VBuffer<T>> set = RowTypeMapping.CompileSetter<TRow, VBuffer<T>>(Member);
        ValueGetter<VBuffer<T>> getter = row.GetGetter<VBuffer<T>>(column);
        return obj =>
        {
            VBuffer<T> value = _get(obj);
            getter(ref value);
            set(obj, value);
        };
    }
}
