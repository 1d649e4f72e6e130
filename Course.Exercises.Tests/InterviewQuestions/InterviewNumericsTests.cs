using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

/// <summary>Q17 and Q19: zero-centred inputs; the cost of a dense matrix product.</summary>
public sealed class InterviewNumericsTests
{
    [Test]
    public void WithAllPositiveInputsEveryWeightGradientOfANeuronHasOneSign()
    {
        using var scope = NewDisposeScope();
        manual_seed(31);
        var generator = new Generator(32);
        int sameSignPositive = 0, sameSignCentred = 0;
        for (int trial = 0; trial < 20; trial++)
        {
            var neuron = nn.Linear(6, 1);
            var positive = rand([1, 6], generator: generator) + 0.1; // e.g. the outputs of a sigmoid layer
            var centred = positive - 0.6;
            foreach (var (x, positiveInputs) in new[] { (positive, true), (centred, false) })
            {
                neuron.zero_grad();
                nn.functional.mse_loss(neuron.call(x), ones(1, 1)).backward();
                var signs = neuron.weight!.grad!.sign();
                bool oneSign = signs.eq(signs[0, 0]).all().item<bool>();
                if (positiveInputs && oneSign) sameSignPositive++;
                if (!positiveInputs && oneSign) sameSignCentred++;
            }
        }
        Assert.That(sameSignPositive, Is.EqualTo(20), "dL/dw_i = δ · x_i: one sign when every x_i > 0 (zig-zag updates)");
        Assert.That(sameSignCentred, Is.LessThan(5), "centred inputs free the directions");
    }

    [Test]
    public void AnMByNTimesNByPProductTakesMnpMultiplications()
    {
        using var scope = NewDisposeScope();
        const int m = 4, n = 5, p = 3;
        var a = randn(m, n, dtype: float64);
        var b = randn(n, p, dtype: float64);
        var av = a.data<double>().ToArray();
        var bv = b.data<double>().ToArray();
        var c = new double[m * p];
        long multiplications = 0;
        for (int i = 0; i < m; i++)
            for (int k = 0; k < p; k++)
                for (int j = 0; j < n; j++, multiplications++)
                    c[i * p + k] += av[i * n + j] * bv[j * p + k];
        Assert.That(multiplications, Is.EqualTo(m * n * p));
        Assert.That(tensor(c).view(m, p).allclose(matmul(a, b)));
    }
}
