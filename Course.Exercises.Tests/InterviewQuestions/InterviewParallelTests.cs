using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 002 ("PyTorch面试题面经"): fine-tuning, optimizers and their parameter groups,
// building blocks (Sequential, ModuleList, LSTM, Embedding), nn.functional, custom autograd functions, data loading.
// The index (README.md, "002 and 003") maps every question to its test.

/// <summary>Q3: data parallelism (DataParallel) and moving a model and its data to a GPU.</summary>
public sealed class InterviewParallelTests
{
    [Test]
    public void SplittingTheBatchAcrossReplicasAndSummingTheirGradientsEqualsOneBatch()
    {
        // DataParallel scatters the batch along dim 0, runs a replica of the module on each part, gathers the outputs,
        // and the replicas' gradients are summed into the module's. TorchSharp has no DataParallel; this is its arithmetic.
        using var scope = NewDisposeScope();
        manual_seed(5);
        var model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3));
        var x = randn(12, 4);
        var y = randint(0, 3, [12]);
        nn.functional.cross_entropy(model.call(x), y).backward();
        var single = model.parameters().Select(p => p.grad!.clone()).ToArray();

        var replicas = Enumerable.Range(0, 3).Select(_ =>
        {
            var replica = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3));
            replica.load_state_dict(model.state_dict());
            return replica;
        }).ToArray();
        var outputs = x.chunk(3, 0).Select((part, i) => replicas[i].call(part)).ToArray();
        Assert.That(outputs.Select(o => o.shape[0]), Is.EqualTo(new long[] { 4, 4, 4 }));
        nn.functional.cross_entropy(cat(outputs, 0), y).backward();
        var summed = replicas.Select(r => r.parameters().Select(p => p.grad!).ToArray())
            .Aggregate((a, b) => a.Zip(b, (u, v) => u + v).ToArray());
        for (int i = 0; i < single.Length; i++)
            Assert.That(summed[i].allclose(single[i], rtol: 1e-5, atol: 1e-7), $"parameter {i}");
        Assert.That(replicas[0].parameters().First().grad!.allclose(single[0], rtol: 1e-3, atol: 1e-6), Is.False,
            "one replica alone sees only its part of the batch");
    }

    [Test]
    public void AModuleMovesInPlaceButATensorsToReturnsACopy()
    {
        // model.cuda() moves the model itself; input.cuda() leaves input where it was and returns the moved copy,
        // so it must be assigned: input = input.cuda(). Shown with a dtype change, which follows the same rule.
        using var scope = NewDisposeScope();
        var model = nn.Linear(3, 2);
        model.to(float64);
        Assert.That(model.parameters().All(p => p.dtype == ScalarType.Float64), "the module changed in place");
        var input = randn(4, 3);
        var moved = input.to(float64);
        Assert.That(input.dtype, Is.EqualTo(ScalarType.Float32), "the tensor did not");
        Assert.That(() => model.call(input), Throws.Exception, "model and data must match");
        Assert.That(model.call(moved).shape, Is.EqualTo(new long[] { 4, 2 }));
    }

    [Test, Category("Cuda")]
    public void ModelAndDataBothMoveToTheGpu()
    {
        if (!cuda.is_available()) Assert.Ignore("CUDA is not available on this machine.");
        using var scope = NewDisposeScope();
        var model = nn.Linear(3, 2);
        var x = randn(4, 3);
        var onCpu = model.call(x);
        model.to(CUDA);
        Assert.That(model.parameters().All(p => p.device_type == DeviceType.CUDA));
        Assert.That(() => model.call(x), Throws.Exception, "a model on the GPU does not take CPU data");
        Assert.That(model.call(x.cuda()).cpu().allclose(onCpu, rtol: 1e-4, atol: 1e-5));
    }
}
