/// <summary>The text-generation side of the fresh-process tests (owned by the char-generation tests).</summary>
internal static class GenerateMode
{
    public static int Run(string zip, string input, string output)
    {
        Console.Error.WriteLine($"generate mode is not implemented yet ({zip}, {input}, {output})");
        return 3;
    }
}
