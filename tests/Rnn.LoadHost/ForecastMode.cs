/// <summary>The forecasting side of the fresh-process tests (owned by the forecasting tests).</summary>
internal static class ForecastMode
{
    public static int Run(string zip, string input, string output)
    {
        Console.Error.WriteLine($"forecast mode is not implemented yet ({zip}, {input}, {output})");
        return 3;
    }
}
