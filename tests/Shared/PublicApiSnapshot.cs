using System.Reflection;
using System.Text;

namespace Rnn.Tests.Shared;

/// <summary>
/// Snapshots an assembly's public surface, so a change to it is a visible diff: the test compares it with
/// NAME.approved.txt beside the calling test file and, when they differ, writes NAME.received.txt there and fails
/// (copy it over the approved file when the change is intended). Linked into each test project.
/// </summary>
internal static class PublicApiSnapshot
{
    public static void Verify(Assembly assembly, string testFile)
    {
        string directory = Path.GetDirectoryName(testFile)!;
        string name = assembly.GetName().Name!;
        string approvedPath = Path.Combine(directory, name + ".approved.txt");
        string actual = Describe(assembly);
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath) : "";
        if (approved != actual)
        {
            File.WriteAllText(Path.Combine(directory, name + ".received.txt"), actual);
            Assert.Fail($"The public API of {name} changed; review {name}.received.txt and copy it over {name}.approved.txt if intended.");
        }
    }

    internal static string Describe(Assembly assembly)
    {
        var sb = new StringBuilder();
        foreach (Type t in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            sb.Append(Kind(t)).Append(' ').Append(Name(t)).Append('\n');
            const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            IEnumerable<string> members = t.GetMembers(flags)
                .Where(m => IsVisible(m) && !(m is MethodInfo mi && mi.IsSpecialName) && m is not Type)
                .Select(Member)
                .Where(s => s.Length > 0)
                .Order(StringComparer.Ordinal);
            foreach (string m in members)
                sb.Append("    ").Append(m).Append('\n');
        }
        return sb.ToString();
    }

    private static bool IsVisible(MemberInfo m) => m switch
    {
        MethodBase b => b.IsPublic || b.IsFamily || b.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => p.GetAccessors(true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
        EventInfo => true,
        _ => false,
    };

    private static string Kind(Type t) =>
        t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct"
        : typeof(Delegate).IsAssignableFrom(t) ? "delegate" : t.IsAbstract && t.IsSealed ? "static class" : t.IsAbstract ? "abstract class" : "class";

    private static string Name(Type t)
    {
        if (t.IsGenericParameter)
            return t.Name;
        string name = t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : t.Namespace + "." + t.Name;
        if (!t.IsGenericType)
            return name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        string bare = tick >= 0 ? name[..tick] + name[(name.IndexOf('`', StringComparison.Ordinal) + 2)..] : name;
        return bare + "<" + string.Join(", ", t.GetGenericArguments().Select(Short)) + ">";
    }

    private static string Short(Type t) =>
        t.IsGenericParameter ? t.Name
        : t.IsByRef ? "ref " + Short(t.GetElementType()!)
        : t.IsArray ? Short(t.GetElementType()!) + "[]"
        : t.IsGenericType ? t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", t.GetGenericArguments().Select(Short)) + ">"
        : t.Name;

    private static string Parameters(ParameterInfo[] ps) =>
        string.Join(", ", ps.Select(p => $"{Short(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    private static string Member(MemberInfo m) => m switch
    {
        ConstructorInfo c => $"ctor({Parameters(c.GetParameters())})",
        MethodInfo mi => $"{(mi.IsStatic ? "static " : "")}{(mi.IsAbstract ? "abstract " : mi.IsVirtual && !mi.IsFinal ? "virtual " : "")}{Short(mi.ReturnType)} {mi.Name}{(mi.IsGenericMethod ? "<" + string.Join(", ", mi.GetGenericArguments().Select(Short)) + ">" : "")}({Parameters(mi.GetParameters())})",
        PropertyInfo p => $"{Short(p.PropertyType)} {p.Name} {{ {(p.GetMethod is { } g && (g.IsPublic || g.IsFamily) ? "get; " : "")}{(p.SetMethod is { } s && (s.IsPublic || s.IsFamily) ? "set; " : "")}}}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{Short(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Short(e.EventHandlerType!)} {e.Name}",
        _ => "",
    };
}
