using Course.Tests;
using NUnit.Framework;

namespace Course.Exercises.Tests;

/// <summary>
/// <see cref="TestEnvironment"/> (linked from Course.Tests) for the exercise answers: a set-up fixture applies to its own
/// namespace only, so this one runs the same set-up and summary for <c>Course.Exercises.Tests</c>.
/// </summary>
[SetUpFixture]
public sealed class ExercisesEnvironment
{
    private readonly TestEnvironment _environment = new();

    [OneTimeSetUp]
    public void SetUp() => _environment.SetUp();

    [OneTimeTearDown]
    public void TearDown() => _environment.TearDown();
}
