using System.Runtime.CompilerServices;
using Rnn.Tests.Shared;

namespace Rnn.MLNet.Tests.PublicApi;

/// <summary>Rnn.MLNet's public surface against PublicApi/Rnn.MLNet.approved.txt.</summary>
[TestClass]
public sealed class PublicApiTest
{
    [TestMethod]
    public void PublicApi_MatchesApprovedSnapshot() => PublicApiSnapshot.Verify(typeof(RecurrentTrainer).Assembly, ThisFile());

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
