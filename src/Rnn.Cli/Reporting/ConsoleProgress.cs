using Rnn.Core.Training;
using Spectre.Console;

namespace Rnn.Cli.Reporting;

/// <summary>
/// Shows a training run to a person: a live progress bar (epoch, batch, loss, validation metric, ETA) on an
/// interactive console, plain lines when the output is redirected (CI logs, files), so logs stay readable.
/// </summary>
/// <example>
/// <code>
/// var result = ConsoleProgress.Run("lstm", progress =>
///     SequenceTrainer.Fit(model, data, options with { Progress = progress.Report }));
/// </code>
/// </example>
public sealed class ConsoleProgress
{
    private readonly string _label;
    private readonly ProgressTask? _task;      // null: plain lines
    private readonly bool _everyEpoch;
    private ProgressReport? _lastEpoch;
    private bool _lastEpochPrinted;

    private ConsoleProgress(string label, ProgressTask? task, bool everyEpoch)
    {
        _label = label;
        _task = task;
        _everyEpoch = everyEpoch;
    }

    /// <summary>True when a live bar can be drawn: the output is a terminal that Spectre.Console can redraw.</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>
    /// Runs <paramref name="train"/>, which feeds the given <see cref="ConsoleProgress"/> its reports, and returns its result.
    /// </summary>
    /// <param name="label">Names the run at the start of the bar or line.</param>
    /// <param name="train">The training, reporting through <see cref="Report(TrainingProgress)"/> or <see cref="Report(ProgressReport)"/>.</param>
    /// <param name="everyEpoch">Plain output: a line per epoch (true, default), or only one line for the last epoch.</param>
    public static T Run<T>(string label, Func<ConsoleProgress, T> train, bool everyEpoch = true)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(train);
        if (!IsInteractive)
        {
            var plain = new ConsoleProgress(label, null, everyEpoch);
            var result = train(plain);
            plain.PrintLastEpoch();
            return result;
        }
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var live = new ConsoleProgress(label, context.AddTask(Markup.Escape(label), maxValue: 1), everyEpoch);
                var result = train(live);
                live._task!.Value = live._task.MaxValue;   // early stopping ends short of the plan
                live._task.StopTask();
                return result;
            });
    }

    /// <summary>Takes a report from <see cref="SequenceTrainer"/> (pass <c>progress.Report</c> as <see cref="TrainerOptions.Progress"/>).</summary>
    public void Report(TrainingProgress progress) => Report(ProgressReport.From(progress));

    /// <summary>Takes a report from any trainer.</summary>
    public void Report(ProgressReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_task is not null)
        {
            _task.Value = report.Fraction;
            _task.Description = Markup.Escape($"{_label} {report.Describe()}");
            return;
        }
        if (!report.IsEpochEnd) return;
        _lastEpoch = report;
        _lastEpochPrinted = _everyEpoch;
        if (_everyEpoch) PrintLine(report);
    }

    private void PrintLastEpoch()
    {
        if (_lastEpoch is not null && !_lastEpochPrinted) PrintLine(_lastEpoch);
    }

    private void PrintLine(ProgressReport report)
    {
        string eta = report.Remaining is TimeSpan left && report.IsUnfinished ? $" eta {Clock(left)}" : "";
        Console.WriteLine($"{_label} {report.Describe()} elapsed {Clock(report.Elapsed)}{eta}");
    }

    private static string Clock(TimeSpan time) => time.ToString(time.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", System.Globalization.CultureInfo.InvariantCulture);
}
