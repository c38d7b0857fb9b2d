using System.Diagnostics;
using System.Globalization;

namespace Rnn.Benchmarks.Measurement;

/// <summary>
/// System-wide busy and steal seconds (/proc/stat) and this process's CPU seconds, to report how much CPU other
/// processes used while a workload ran (torch_bench.py's <c>cpu_snapshot</c>; contention check).
/// </summary>
/// <param name="BusySeconds">user + nice + system + irq + softirq over all CPUs.</param>
/// <param name="StealSeconds">Hypervisor steal over all CPUs.</param>
/// <param name="OwnSeconds">This process's user + system time.</param>
internal readonly record struct CpuSnapshot(double BusySeconds, double StealSeconds, double OwnSeconds)
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    public static CpuSnapshot Take()
    {
        double busy = 0, steal = 0;
        try
        {
            string line = File.ReadLines("/proc/stat").First();
            long[] v = [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(s => long.Parse(s, CultureInfo.InvariantCulture))];
            busy = (v[0] + v[1] + v[2] + v[5] + v[6]) / ClockTicksPerSecond;
            steal = v.Length > 7 ? v[7] / ClockTicksPerSecond : 0;
        }
        catch (IOException)
        {
        }
        using var process = Process.GetCurrentProcess();
        return new CpuSnapshot(busy, steal, process.TotalProcessorTime.TotalSeconds);
    }
}
