using Course.Core.Data;
using Course.Core.Training;
using Course.Tests;
using NUnit.Framework;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Exercises.Tests.PyTorchBasics;

/// <summary>PyTorch basics, part 3: the CIFAR-10 tutorial questions, on small synthetic images (the tutorial's code is not in the notes).</summary>
public sealed class BasicsCifarTests
{
    private static Tensor PerExampleCrossEntropy(Tensor yHat, Tensor y) => F.cross_entropy(yHat, y, reduction: nn.Reduction.None);

    // 3×8×8 "images" in [0, 1] whose red channel is a little brighter in class 1.
    private static (Tensor X, Tensor Y) Images(int count, int seed)
    {
        manual_seed(seed);
        var y = randint(0, 2, [count]);
        var x = rand(count, 3, 8, 8) * 0.8;
        x[TensorIndex.Colon, 0] += 0.2 * y.to(float32).reshape(-1, 1, 1);
        return (x, y);
    }

    private static Tensor Normalise(Tensor x) => (x - 0.5) / 0.5;

    [Test]
    public void SwappedSplitsTrainOnTheSmallSplitAndTestOnTheTrainingData()
    {
        // CIFAR-10 is not in the data store; Fashion-MNIST has the same layout (a large train split, a 10,000-image test split).
        var data = FashionMnist.Load(TestEnvironment.Data);
        Assert.That(data.TrainImages.shape[0], Is.EqualTo(60_000));
        Assert.That(data.TestImages.shape[0], Is.EqualTo(10_000), "train=False gives the 10,000 test images: a sixth of the training data");
    }

    [Test]
    public void AnUnshuffledTrainingSetRepeatsItsOrder()
    {
        var (x, y) = Images(512, 13);
        var order = y.argsort();
        var (sortedX, sortedY) = (x[order], y[order]);
        var (testX, testY) = Images(512, 14);
        var test = new ArrayLoader(testX, testY, 256, shuffle: false);
        double Accuracy(bool shuffle)
        {
            manual_seed(15);
            var net = nn.Sequential(nn.Flatten(), nn.Linear(192, 2));
            var train = new ArrayLoader(sortedX, sortedY, 16, shuffle, seed: 16);
            Train.Ch3(NotesCheck.Context(), net, train, test, PerExampleCrossEntropy, 2, Updaters.Sgd(0.5));
            return Metrics.EvaluateAccuracy(net, test);
        }
        double shuffled = Accuracy(shuffle: true), sorted = Accuracy(shuffle: false);
        Assert.That(shuffled, Is.GreaterThan(0.9));
        Assert.That(sorted, Is.LessThan(0.6), "every epoch ends with a long run of class 1, so the network predicts class 1");
        var unshuffled = new ArrayLoader(sortedX, sortedY, 16, shuffle: false);
        Assert.That(unshuffled.First().X.equal(unshuffled.First().X).all().item<bool>(), "and every epoch repeats the same batches");
    }

    [Test]
    public void ShufflingTheTestSetChangesNothingButTheOrder()
    {
        var (x, y) = Images(300, 1);
        manual_seed(2);
        var net = nn.Sequential(nn.Flatten(), nn.Linear(192, 2));
        double ordered = Metrics.EvaluateAccuracy(net, new ArrayLoader(x, y, 64, shuffle: false));
        double shuffled = Metrics.EvaluateAccuracy(net, new ArrayLoader(x, y, 64, shuffle: true, seed: 3));
        Assert.That(shuffled, Is.EqualTo(ordered).Within(1e-12), "harmless for the accuracy, but pointless and irreproducible batch by batch");
    }

    [Test]
    public void NormalisingOnlyTheTrainingImagesRuinsTheTestAccuracy()
    {
        var (trainX, trainY) = Images(512, 4);
        var (testX, testY) = Images(512, 5);
        manual_seed(6);
        var net = nn.Sequential(nn.Flatten(), nn.Linear(192, 2));
        var train = new ArrayLoader(trainX, trainY, 64, shuffle: true, seed: 7, transform: Normalise);
        var test = new ArrayLoader(testX, testY, 256, shuffle: false, transform: Normalise);
        Train.Ch3(NotesCheck.Context(), net, train, test, PerExampleCrossEntropy, 20, Updaters.Adam(0.01));
        double same = Metrics.EvaluateAccuracy(net, test);
        double raw = Metrics.EvaluateAccuracy(net, new ArrayLoader(testX, testY, 256, shuffle: false));
        Assert.That(same, Is.GreaterThan(0.85), "the test images normalised like the training images");
        Assert.That(raw, Is.LessThan(0.65), "the test images left in [0, 1]");
    }

    [Test]
    public void OneRandomTrainingBatchInTwoLines()
    {
        var (x, y) = Images(100, 8);
        var trainLoader = new ArrayLoader(x, y, 4, shuffle: true, seed: 9);
        var (images, labels) = trainLoader.First();
        Assert.That(images.shape, Is.EqualTo(new long[] { 4, 3, 8, 8 }));
        Assert.That(labels.shape, Is.EqualTo(new long[] { 4 }));
        var (again, _) = trainLoader.First();
        Assert.That(again.allclose(images), Is.False, "each call draws a new random batch");
    }

    [Test]
    public void AccumulatingLossTensorsKeepsTheirGraphs()
    {
        var (x, y) = Images(64, 10);
        var net = nn.Sequential(nn.Flatten(), nn.Linear(192, 2));
        var optimizer = optim.SGD(net.parameters(), 0.1);
        Tensor runningTensor = zeros(1);
        double runningItem = 0;
        foreach (var (images, labels) in new ArrayLoader(x, y, 16, shuffle: false))
        {
            optimizer.zero_grad();
            var loss = F.cross_entropy(net.call(images), labels);
            loss.backward();
            optimizer.step();
            runningTensor = runningTensor + loss;   // the mistake: every loss stays linked to its graph
            runningItem += loss.item<float>();     // the fix: loss.item()
        }
        Assert.That(runningTensor.requires_grad, "the running loss is part of an ever-growing autograd graph");
        Assert.That(runningTensor.item<float>(), Is.EqualTo(runningItem).Within(1e-4));
    }

    [Test]
    public void EvaluationNeedsNoGradAndEvalMode()
    {
        manual_seed(11);
        var net = nn.Sequential(nn.Flatten(), nn.Linear(192, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 2));
        var (x, _) = Images(16, 12);
        Assert.That(net.call(x).requires_grad, "without no_grad the evaluation builds a graph");
        Assert.That(net.call(x).allclose(net.call(x)), Is.False, "without eval() dropout is still on");
        net.eval();
        using var noGrad = no_grad();
        var y = net.call(x);
        Assert.That(y.requires_grad, Is.False);
        Assert.That(y.allclose(net.call(x)));
    }
}
