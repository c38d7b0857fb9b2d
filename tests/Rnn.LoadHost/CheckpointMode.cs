using Rnn.Tests.Shared;

/// <summary>
/// The training side of the kill-and-resume test: runs <see cref="CheckpointRun"/> with checkpoints to CHECKPOINT, slowed
/// down (20 ms a batch) so the test can kill it mid-run, and writes CHECKPOINT.done if it is ever allowed to finish.
/// </summary>
internal static class CheckpointMode
{
    public static int Run(string checkpoint)
    {
        CheckpointRun.Fit(checkpoint, resume: null, progress: _ => Thread.Sleep(20));
        File.WriteAllText(checkpoint + ".done", "finished");
        return 0;
    }
}
