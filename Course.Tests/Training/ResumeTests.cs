using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using NUnit.Framework;

namespace Course.Tests.Training;

/// <summary>
/// <c>--checkpoint</c> for each kind of task: a run stopped after N − 1 epochs and resumed to N prints the same
/// numbers as a straight N-epoch run with the same seed (the shuffles of the epochs done are replayed and torch's
/// random state, which dropout draws from, is restored), and a checkpoint of other settings is refused.
/// </summary>
[NonParallelizable]
public sealed class ResumeTests
{
    private static Dictionary<string, double> Run(string id, int epochs, string? checkpoint, int? limit = null)
    {
        var options = TestEnvironment.Options(epochs, limit) with { CheckpointDir = checkpoint };
        return SectionRunner.Run(id, options, TextWriter.Null).Metrics
            .Where(m => !m.Key.Contains("per_sec", StringComparison.Ordinal) && !m.Key.StartsWith("memory", StringComparison.Ordinal))
            .ToDictionary();
    }

    [TestCase("linreg-scratch", 3, null, TestName = "Resume_3_2_LinearRegression_EqualsAStraightRun")]
    [TestCase("dropout-concise", 2, 3000, TestName = "Resume_4_6_DropoutClassifier_EqualsAStraightRun")]
    [TestCase("rnn-concise", 2, null, TestName = "Resume_8_6_LanguageModel_EqualsAStraightRun")]
    [TestCase("seq2seq", 3, null, TestName = "Resume_9_7_Seq2Seq_EqualsAStraightRun")]
    public void AResumedRunEqualsAStraightRun(string id, int epochs, int? limit)
    {
        var straight = Run(id, epochs, checkpoint: null, limit);
        string folder = TestEnvironment.TempFolder();
        Run(id, epochs - 1, folder, limit);
        var resumed = Run(id, epochs, folder, limit);
        Assert.That(resumed, Is.EqualTo(straight), "number for number");
        Assert.That(Run(id, epochs, folder, limit), Is.EqualTo(straight), "a checkpoint that holds every epoch gives the run's numbers back");
    }

    [Test]
    public void ACheckpointOfOtherSettingsOrMoreEpochsIsRefusedInOneSentence()
    {
        string folder = TestEnvironment.TempFolder();
        Run("linreg-scratch", 2, folder);
        var other = TestEnvironment.Options(epochs: 3, lr: 0.01) with { CheckpointDir = folder };
        var e = Assert.Throws<CourseException>(() => SectionRunner.Run("linreg-scratch", other, TextWriter.Null))!;
        Assert.That(e.Message, Does.Contain("belongs to another run").And.Contain("lr=0.03").And.Not.Contain("\n"));
        e = Assert.Throws<CourseException>(() => Run("linreg-scratch", 1, folder))!;
        Assert.That(e.Message, Does.Contain("holds 2 epochs, more than the 1 asked for"));
    }
}
