using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.LessonQuiz;

// The lesson quiz answers of seed 000 (a PyTorch course's 思考题答案集锦), lesson by lesson; the index is
// Course.Exercises.Tests/README.md, section 000.

/// <summary>Lessons 2–5: NumPy-style reductions, masks, dtypes and masked_select.</summary>
public sealed class QuizTensorTests
{
    private static float[] Floats(Tensor t) => t.cpu().to(float32).reshape(-1).data<float>().ToArray();

    private static long[] Longs(Tensor t) => t.cpu().to(int64).reshape(-1).data<long>().ToArray();

    /// <summary>Lesson 2: rows are users and columns games, so each user's mean is the mean along axis (dim) 1.</summary>
    [Test]
    public void MeanPerUserIsAlongAxis1()
    {
        using var scope = NewDisposeScope();
        // interest_score[user, game]: three users, three games.
        var interestScore = tensor(new float[,] { { 4, 5, 6 }, { 1, 2, 9 }, { 7, 7, 1 } });
        Assert.That(Floats(interestScore.mean([1])), Is.EqualTo(new[] { 5f, 4f, 5f }).Within(1e-6), "per user");
        Assert.That(Floats(interestScore.mean([0])), Is.EqualTo(new[] { 4f, 14f / 3, 16f / 3 }).Within(1e-6), "axis 0 is per game");
    }

    /// <summary>
    /// Lesson 3: argmax over the channel axis gives 0 where channel 0 is larger and 1 where channel 1 is; on an exact
    /// tie (both 0.5) it gives 0, where the question asks for 1 ("otherwise 1"): <c>(s0 &lt;= s1)</c> is the exact answer.
    /// </summary>
    [Test]
    public void ArgmaxOverChannelsGivesTheMask()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var scores = rand(256, 256, 2);
        scores[TensorIndex.Colon, TensorIndex.Colon, 1] = 1 - scores[TensorIndex.Colon, TensorIndex.Colon, 0];
        var mask = scores.argmax(2);
        var exact = scores.select(2, 0).le(scores.select(2, 1)).to(int64);
        Assert.That(mask.shape, Is.EqualTo(new long[] { 256, 256 }));
        Assert.That(mask.equal(exact).all().item<bool>(), "argmax agrees with the rule when there is no tie");
        Assert.That(Longs(mask.unique().output), Is.EqualTo(new long[] { 0, 1 }));

        scores[0, 0, 0] = 0.5f;
        scores[0, 0, 1] = 0.5f;
        Assert.That(scores.argmax(2)[0, 0].item<long>(), Is.EqualTo(0L), "argmax takes the first of equal values");
        Assert.That(scores.select(2, 0).le(scores.select(2, 1))[0, 0].item<bool>(), "the question's rule says 1 on a tie");
    }

    /// <summary>
    /// Lesson 4: PyTorch's <c>torch.Tensor(data)</c> is the class (an alias of FloatTensor) and always makes float32;
    /// <c>torch.tensor(data)</c> is a function that infers the dtype from the data. TorchSharp has only the function,
    /// and it infers from the C# element type, which differs from Python for ints and doubles.
    /// </summary>
    [Test]
    public void TorchTensorInfersTheDtypeFromTheData()
    {
        using var scope = NewDisposeScope();
        Assert.That(tensor(new[] { 1, 2, 3 }).dtype, Is.EqualTo(ScalarType.Int32), "C# int (PyTorch's tensor([1, 2, 3]) is int64)");
        Assert.That(tensor(new long[] { 1, 2, 3 }).dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(tensor(new[] { 1.0, 2.0 }).dtype, Is.EqualTo(ScalarType.Float64), "C# double (PyTorch's tensor([1., 2.]) is float32)");
        Assert.That(tensor(new[] { 1f, 2f }).dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(tensor(new[] { true, false }).dtype, Is.EqualTo(ScalarType.Bool));
        // torch.Tensor([1, 2, 3]): float32 whatever the data.
        var classStyle = tensor(new[] { 1, 2, 3 }, dtype: float32);
        Assert.That(classStyle.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(FloatTensor(tensor(new[] { 1, 2, 3 })).dtype, Is.EqualTo(ScalarType.Float32), "torch.FloatTensor converts");
        // torch.Tensor(2, 3): an uninitialised float32 tensor of that shape.
        Assert.That(empty(2, 3).dtype, Is.EqualTo(get_default_dtype()));
        Assert.That(empty(2, 3).shape, Is.EqualTo(new long[] { 2, 3 }));
    }

    /// <summary>
    /// Lesson 5: a mask of A's shape selects [4, 3, 9, 4] in row-major order. The notes build it as a uint8
    /// ByteTensor; libtorch 2.10 (and so TorchSharp) accepts only a bool mask.
    /// </summary>
    [Test]
    public void MaskedSelectPicksFourThreeNineFour()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new long[,] { { 4, 5, 7 }, { 3, 9, 8 }, { 2, 3, 4 } });
        var b = tensor(new[,] { { true, false, false }, { true, true, false }, { false, false, true } });
        Assert.That(Longs(masked_select(a, b)), Is.EqualTo(new long[] { 4, 3, 9, 4 }));
        var byteMask = ByteTensor(b);
        Assert.That(() => masked_select(a, byteMask), Throws.Exception.With.Message.Contains("Boolean"), "uint8 masks are gone");
        Assert.That(Longs(masked_select(a, byteMask.to(@bool))), Is.EqualTo(new long[] { 4, 3, 9, 4 }));
    }
}
