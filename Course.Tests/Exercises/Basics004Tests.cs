using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Core.Data;
using Course.Core.Training;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Tests.Exercises;

/// <summary>PyTorch basics, part 1: the tensor exercises 1–12.</summary>
public sealed class BasicsTensorTests
{
    private static (Tensor U, Tensor V) TwoRandomMatrices()
    {
        manual_seed(4);
        return (rand(4, 4), rand(4, 4));
    }

    [Test]
    public void ANestedListBecomesAnInt64Tensor()
    {
        using var t = tensor(new long[,] { { 5, 3 }, { 0, 9 } });
        Assert.That(t.shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(t.dtype, Is.EqualTo(ScalarType.Int64), "Python ints become int64");
        Assert.That(NotesCheck.Longs(t), Is.EqualTo(new long[] { 5, 3, 0, 9 }));
        Assert.That(t[1, 1].item<long>(), Is.EqualTo(9L));
    }

    [Test]
    public void RandIsUniformOnZeroToOne()
    {
        manual_seed(1);
        using var t = rand(5, 4);
        Assert.That(t.shape, Is.EqualTo(new long[] { 5, 4 }));
        Assert.That(NotesCheck.Floats(t), Is.All.InRange(0f, 1f).And.All.Not.EqualTo(1f));
        using var many = rand(100_000);
        Assert.That(many.mean().item<float>(), Is.EqualTo(0.5f).Within(0.01));
    }

    [Test]
    public void ANewTensorIsFloat32OnTheCpu()
    {
        using var t = rand(5, 4);
        Assert.That(t.device_type, Is.EqualTo(DeviceType.CPU));
        Assert.That(t.dtype, Is.EqualTo(ScalarType.Float32));
    }

    [Test]
    public void CatJoinsAlongAnExistingAxis()
    {
        var (u, v) = TwoRandomMatrices();
        var joined = cat([u, v], 0);
        Assert.That(joined.shape, Is.EqualTo(new long[] { 8, 4 }));
        Assert.That(joined.narrow(0, 4, 4).equal(v).all().item<bool>());
    }

    [Test]
    public void StackAddsANewAxisInFront()
    {
        var (u, v) = TwoRandomMatrices();
        var stacked = stack([u, v]);
        Assert.That(stacked.shape, Is.EqualTo(new long[] { 2, 4, 4 }));
        Assert.That(stacked[0].equal(u).all().item<bool>() && stacked[1].equal(v).all().item<bool>());
    }

    [Test]
    public void StackOnTheLastAxisPairsTheElements()
    {
        var (u, v) = TwoRandomMatrices();
        var w = stack([u, v], dim: 2);
        Assert.That(w.shape, Is.EqualTo(new long[] { 4, 4, 2 }));
        Assert.That(w[TensorIndex.Ellipsis, 0].equal(u).all().item<bool>());
        Assert.That(w[TensorIndex.Ellipsis, 1].equal(v).all().item<bool>());
    }

    [Test]
    public void IndexingEveryAxisGivesAZeroDimensionalTensor()
    {
        var (u, v) = TwoRandomMatrices();
        var e = stack([u, v], dim: 2)[3, 3, 0];
        Assert.That(e.shape, Is.Empty, "a 0-d tensor; e.item() gives the number");
        Assert.That(e.item<float>(), Is.EqualTo(u[3, 3].item<float>()));
    }

    [Test]
    public void TheElementComesFromU()
    {
        var (u, v) = TwoRandomMatrices();
        var e = stack([u, v], dim: 2)[3, 3, 0];
        Assert.That(e.equal(u[3, 3]).item<bool>(), "index 0 of the last axis is u");
        Assert.That(e.equal(v[3, 3]).item<bool>(), Is.False);
    }

    [Test]
    public void SelfMultiplicationIsElementwise()
    {
        using var a = ones(4, 3);
        var squared = a * a;
        Assert.That(squared.shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(NotesCheck.Floats(squared), Is.All.EqualTo(1f));
        a.mul_(a);
        Assert.That(NotesCheck.Floats(a), Is.All.EqualTo(1f), "in place too");
    }

    [Test]
    public void UnsqueezeAddsADimensionInFront()
    {
        using var a = ones(4, 3);
        Assert.That(a.unsqueeze(0).shape, Is.EqualTo(new long[] { 1, 4, 3 }));
        Assert.That(a[TensorIndex.None].shape, Is.EqualTo(new long[] { 1, 4, 3 }), "a[None]");
    }

    [Test]
    public void AMatrixTimesItsTranspose()
    {
        using var a = ones(4, 3);
        var product = a.matmul(a.T);
        Assert.That(product.shape, Is.EqualTo(new long[] { 4, 4 }));
        Assert.That(NotesCheck.Floats(product), Is.All.EqualTo(3f), "each entry sums three 1·1");
        var batched = a.unsqueeze(0);
        var batchedProduct = batched.matmul(batched.transpose(-2, -1));
        Assert.That(batchedProduct.shape, Is.EqualTo(new long[] { 1, 4, 4 }), "after exercise 10: transpose the last two axes");
        Assert.That(a.T.matmul(a).shape, Is.EqualTo(new long[] { 3, 3 }), "the other order is another matrix");
    }

    [Test]
    public void MulIsTheElementwiseProduct()
    {
        using var a = arange(12, dtype: float32).reshape(4, 3);
        var product = a.mul(a);
        Assert.That(product.shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(product.equal(a * a).all().item<bool>());
        Assert.That(NotesCheck.Floats(product), Is.EqualTo(Enumerable.Range(0, 12).Select(i => (float)(i * i))));
    }
}

/// <summary>
/// PyTorch basics, part 2, exercises 1–26: autograd on a ResNet-18 with the 1000-class head (the notes' torchvision
/// <c>resnet18</c>, built here from 7.6's <see cref="ResNet"/>), then the classic autograd snippets.
/// </summary>
public sealed class BasicsAutogradTests
{
    private sealed record Walkthrough(
        long[] PredsShape, long[] WShape, bool GradNullBeforeBackward, float Loss, float LossByFormula,
        bool WUnchangedByBackward, long[]? GradShapeAfterBackward, bool EveryParameterHasAGradient, bool LossGradIsNull,
        bool LossRequiresGrad, bool LabelsRequireGrad, string SecondBackwardError, bool WChangedByStep,
        bool StepIsMinusLrTimesGrad, float LossAfterStep, float RecomputedLoss, bool GradZeroAfterOptimizerZeroGrad,
        bool GradNullAfterModuleZeroGrad);

    private static readonly Lazy<Walkthrough> Facts = new(Walk);

    private static Walkthrough Walk()
    {
        manual_seed(0);
        var model = new ResNet(inputChannels: 3, numClasses: 1000);
        var data = rand(1, 3, 64, 64);
        var labels = rand(1, 1000);
        var preds = model.call(data);                                                                        // 1
        var w = model.named_parameters().First(p => p.name == "0.0.weight").parameter;                // 3: conv1.weight
        var wBefore = w.detach().clone();
        bool gradNullBefore = w.grad is null;                                                               // 4
        var criterion = nn.CrossEntropyLoss();
        var loss = criterion.call(preds, labels);                                                           // 5
        float byFormula = (-(labels * F.log_softmax(preds, 1)).sum() / preds.shape[0]).item<float>();       // 6
        loss.backward();                                                                                    // 7
        bool unchanged = w.equal(wBefore).all().item<bool>();                                                // 8
        var grad = w.grad?.clone();                                                                         // 9
        bool allGrads = model.parameters().All(p => p.grad is not null);
        bool lossGradNull = loss.grad is null;                                                              // 10
        string error = "";
        try { loss.backward(); } catch (Exception e) { error = e.Message; }                                  // 13
        var optimizer = optim.SGD(model.parameters(), 1e-2, momentum: 0.9);
        optimizer.step();                                                                                   // 14
        bool changed = !w.equal(wBefore).all().item<bool>();                                                 // 15
        bool plainFirstStep = grad is not null && w.detach().allclose(wBefore - 1e-2 * grad, atol: 1e-7);
        float recomputed = criterion.call(model.call(data), labels).item<float>();                          // 16
        optimizer.zero_grad();                                                                              // 17
        bool zeroed = w.grad is { } g && g.count_nonzero().item<long>() == 0;                               // 18
        model.zero_grad();
        return new Walkthrough(preds.shape, w.shape, gradNullBefore, loss.item<float>(), byFormula, unchanged, grad?.shape,
            allGrads, lossGradNull, loss.requires_grad, labels.requires_grad, error, changed, plainFirstStep, loss.item<float>(),
            recomputed, zeroed, w.grad is null);
    }

    [Test]
    public void AForwardPassGivesOneRowOfAThousandScores() => Assert.That(Facts.Value.PredsShape, Is.EqualTo(new long[] { 1, 1000 }));

    [Test]
    public void Conv1WeightIsSixtyFourFiltersOfThreeBySevenBySeven() => Assert.That(Facts.Value.WShape, Is.EqualTo(new long[] { 64, 3, 7, 7 }));

    [Test]
    public void WGradIsEmptyBeforeBackward() => Assert.That(Facts.Value.GradNullBeforeBackward);

    [Test]
    public void CrossEntropyWithSoftLabelsIsPositive()
    {
        Assert.That(Facts.Value.Loss, Is.GreaterThan(0f));
        Assert.That(Facts.Value.Loss, Is.EqualTo(Facts.Value.LossByFormula).Within(1e-3));
    }

    [Test]
    public void TheLastOperationOfTheLossIsTheDivisionByTheBatchSize()
    {
        // PyTorch prints loss.grad_fn as <DivBackward1>: −Σ labels · log_softmax(preds), divided by the batch size.
        manual_seed(2);
        using var scope = NewDisposeScope();
        var preds = randn(3, 5);
        var labels = rand(3, 5);
        var loss = nn.CrossEntropyLoss().call(preds, labels);
        var sum = -(labels * F.log_softmax(preds, 1)).sum();
        Assert.That(loss.item<float>(), Is.EqualTo((sum / 3).item<float>()).Within(1e-5));
        Assert.That(loss.item<float>(), Is.Not.EqualTo(sum.item<float>()).Within(1e-3));
    }

    [Test]
    public void BackwardFillsTheGradientOfEveryParameter() => Assert.That(Facts.Value.EveryParameterHasAGradient);

    [Test]
    public void BackwardDoesNotChangeW() => Assert.That(Facts.Value.WUnchangedByBackward);

    [Test]
    public void WGradHasTheShapeOfWAfterBackward() => Assert.That(Facts.Value.GradShapeAfterBackward, Is.EqualTo(new long[] { 64, 3, 7, 7 }));

    [Test]
    public void TheLossIsNotALeafAndKeepsNoGrad() => Assert.That(Facts.Value.LossGradIsNull);

    [Test]
    public void TheLossRequiresGrad() => Assert.That(Facts.Value.LossRequiresGrad);

    [Test]
    public void TheLabelsDoNotRequireGrad() => Assert.That(Facts.Value.LabelsRequireGrad, Is.False);

    [Test]
    public void ASecondBackwardWithoutRetainingTheGraphFails() =>
        Assert.That(Facts.Value.SecondBackwardError, Does.Contain("Trying to backward through the graph a second time"));

    [Test]
    public void TheFirstMomentumStepIsMinusLrTimesTheGradient()
    {
        Assert.That(Facts.Value.WChangedByStep, "step() changes w");
        Assert.That(Facts.Value.StepIsMinusLrTimesGrad, "the momentum buffer starts as the gradient");
    }

    [Test]
    public void TheComputedLossDoesNotChangeWithTheStep()
    {
        Assert.That(Facts.Value.LossAfterStep, Is.EqualTo(Facts.Value.Loss), "loss is a value computed before the step");
        Assert.That(Facts.Value.RecomputedLoss, Is.Not.EqualTo(Facts.Value.Loss), "a new forward pass gives a new loss");
    }

    [Test]
    public void ZeroingTheGradients()
    {
        Assert.That(Facts.Value.GradZeroAfterOptimizerZeroGrad, "TorchSharp's optimizer.zero_grad() fills zeros");
        Assert.That(Facts.Value.GradNullAfterModuleZeroGrad, "module.zero_grad() sets None, as PyTorch 2's default does");
    }

    // Exercises 19–26 run the source's snippets (Harvard CS197's exercises 35–43, which the notes list without code)
    // on one shared ResNet-18 with the 1000-class head.
    private static readonly Lazy<(ResNet Model, Tensor Data, Tensor Labels)> Shared = new(() =>
    {
        manual_seed(1);
        return (new ResNet(inputChannels: 3, numClasses: 1000), rand(1, 3, 64, 64), rand(1, 1000));
    });

    private static Tensor Conv1Weight(ResNet model) => model.named_parameters().First(p => p.name == "0.0.weight").parameter;

    private static (Tensor Loss1, Tensor Loss2) TwoLosses(bool sameData, bool samePredictions)
    {
        var (model, _, labels) = Shared.Value;
        model.zero_grad();
        var data1 = zeros(1, 3, 64, 64);
        var data2 = ones(1, 3, 64, 64);
        var predictions1 = model.call(data1);
        var predictions2 = model.call(sameData ? data1 : data2);
        var l = nn.CrossEntropyLoss();
        return (l.call(predictions1, labels), l.call(samePredictions ? predictions1 : predictions2, labels));
    }

    [Test]
    public void TwoForwardPassesGiveTwoGraphs()
    {
        var (loss1, loss2) = TwoLosses(sameData: false, samePredictions: false);
        loss1.backward();
        Assert.That(() => loss2.backward(), Throws.Nothing, "loss2 has a graph of its own");
    }

    [Test]
    public void TwoForwardPassesOnTheSameDataStillGiveTwoGraphs()
    {
        var (loss1, loss2) = TwoLosses(sameData: true, samePredictions: false);
        loss1.backward();
        Assert.That(() => loss2.backward(), Throws.Nothing, "a second forward pass builds a second graph, even on the same input");
    }

    [Test]
    public void TwoLossesOfOnePredictionShareItsGraph()
    {
        var (loss1, loss2) = TwoLosses(sameData: false, samePredictions: true);
        loss1.backward();
        Assert.That(() => loss2.backward(), Throws.Exception.With.Message.Contains("backward through the graph a second time"),
            "the first backward freed predictions1's saved tensors");
    }

    [Test]
    public void RetainingTheGraphInTheFirstBackwardFixesIt()
    {
        var (loss1, loss2) = TwoLosses(sameData: false, samePredictions: true);
        loss1.backward(retain_graph: true);
        Assert.That(() => loss2.backward(), Throws.Nothing);
    }

    private static (Tensor Grad, Tensor Loss) BackwardOnce()
    {
        var (model, data, labels) = Shared.Value;
        model.zero_grad();
        var loss1 = nn.CrossEntropyLoss().call(model.call(data), labels);
        loss1.backward(retain_graph: true);
        return (Conv1Weight(model).grad!, loss1);
    }

    [Test]
    public void ASecondBackwardDoublesTheGradient()
    {
        // a = w.item(); loss1.backward(); b = w.item(); model.zero_grad(); c = w.item(); print(b // a, c)
        var (model, _, _) = Shared.Value;
        var (grad, loss1) = BackwardOnce();
        var w = grad[0][0][0][0];
        float a = w.item<float>();
        loss1.backward();
        float b = w.item<float>();
        Assert.That(Math.Floor(b / a), Is.EqualTo(2.0), "b // a");
        model.zero_grad(set_to_none: false);
        Assert.That(w.item<float>(), Is.EqualTo(0f), "c with gradients zeroed in place (PyTorch 1.x, the source's answer 0.0)");

        (grad, loss1) = BackwardOnce();
        w = grad[0][0][0][0];
        loss1.backward();
        b = w.item<float>();
        model.zero_grad();
        Assert.That(Conv1Weight(model).grad, Is.Null, "PyTorch 2's default (and TorchSharp's) drops the gradient");
        Assert.That(w.item<float>(), Is.EqualTo(b), "so c still reads the dropped tensor: b, not 0");
    }

    [Test]
    public void ViewsOfTheGradientFollowItsChanges()
    {
        // Without item(): a, b and c are views of the same gradient tensor.
        var (model, _, _) = Shared.Value;
        var (grad, loss1) = BackwardOnce();
        var a = grad[0][0][0][0];
        loss1.backward();
        var b = Conv1Weight(model).grad![0][0][0][0];
        Assert.That(a.item<float>(), Is.EqualTo(b.item<float>()), "a was updated in place by the second backward");
        model.zero_grad(set_to_none: false);
        var c = Conv1Weight(model).grad![0][0][0][0];
        Assert.That(float.IsNaN(b.floor_divide(a).item<float>()), "b // a is 0 // 0: the source's tensor(nan)");
        Assert.That(c.item<float>(), Is.EqualTo(0f));
        BackwardOnce();
        model.zero_grad();
        Assert.That(Conv1Weight(model).grad, Is.Null, "with PyTorch 2's zero_grad() the third line fails: grad is None");
    }

    [Test]
    public void SubIsNotInPlace()
    {
        var (net, X, Y) = ToyRegression();
        (net.call(X) - Y).square().mean().backward();
        var before = net.parameters().Select(p => p.detach().clone()).ToArray();
        using (no_grad())
            foreach (var f in net.parameters()) f.sub(f.grad! * 0.01);
        Assert.That(net.parameters().Zip(before).All(p => p.First.equal(p.Second).all().item<bool>()), "sub returns a new tensor and the result is thrown away");
        using (no_grad())
            foreach (var f in net.parameters()) f.sub_(f.grad! * 0.01);
        Assert.That(net.parameters().Zip(before).All(p => !p.First.equal(p.Second).all().item<bool>()), "sub_ updates in place");
    }

    private static (Sequential Net, Tensor X, Tensor Y) ToyRegression()
    {
        manual_seed(5);
        var X = randn(64, 3);
        var Y = X.mm(tensor(new[] { 1f, -2f, 0.5f }).reshape(3, 1)) + 1;
        manual_seed(6);
        return (nn.Sequential(nn.Linear(3, 1)), X, Y);
    }

    [Test]
    public void AMissingZeroGradAddsOldGradientsToNewOnes()
    {
        var (net, X, Y) = ToyRegression();
        var optimizer = optim.SGD(net.parameters(), 0.1);
        var weight = ((Linear)net[0]).weight!;
        (net.call(X) - Y).square().mean().backward();
        var first = weight.grad!.clone();
        optimizer.step();
        (net.call(X) - Y).square().mean().backward();   // no zero_grad
        var accumulated = weight.grad!.clone();
        optimizer.zero_grad();
        (net.call(X) - Y).square().mean().backward();
        var fresh = weight.grad!.clone();
        Assert.That(accumulated.allclose(first + fresh, atol: 1e-6), "the step used the sum of both gradients");
        Assert.That(accumulated.allclose(fresh, atol: 1e-3), Is.False);
    }

    [Test]
    public void TheTrainingStepsInTheirOrder()
    {
        double Train(bool zeroGradBeforeStep)
        {
            var (net, X, Y) = ToyRegression();
            var optimizer = optim.SGD(net.parameters(), 0.1);
            double last = 0;
            for (int step = 0; step < 50; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();                               // 1. clear the old gradients
                var loss = (net.call(X) - Y).square().mean();         // 2. forward, 3. loss
                loss.backward();                                     // 4. backward
                if (zeroGradBeforeStep) optimizer.zero_grad();        // (the wrong place)
                optimizer.step();                                    // 5. update
                last = loss.item<float>();
            }
            return last;
        }
        Assert.That(Train(zeroGradBeforeStep: false), Is.LessThan(1e-3));
        Assert.That(Train(zeroGradBeforeStep: true), Is.GreaterThan(1), "zeroing between backward and step never learns");
    }

    [Test]
    public void OnlyTheStepChangesTheWeight()
    {
        // The source's follow-up: weight == orig after zero_grad, forward and backward (True, True, True), not after step (False).
        var (model, data, labels) = Shared.Value;
        var optimizer = optim.SGD(model.parameters(), 0.001, momentum: 0.9);
        var weight = Conv1Weight(model)[0, 0, 0, 0];
        var orig = weight.clone();
        optimizer.zero_grad();
        Assert.That(weight.equal(orig).item<bool>());
        var loss = nn.CrossEntropyLoss().call(model.call(data), labels);
        Assert.That(weight.equal(orig).item<bool>());
        loss.backward();
        Assert.That(weight.equal(orig).item<bool>());
        optimizer.step();
        Assert.That(weight.equal(orig).item<bool>(), Is.False, "weight is a view of the parameter, which step() updated");
    }
}

/// <summary>PyTorch basics, part 2, exercises 27–34: a one-hidden-layer network and LeNet-5 (the tutorial's, for 32×32 inputs).</summary>
public sealed class BasicsNetworkTests
{
    /// <summary>Exercise 27: flatten a 32×32 grey image, Linear(1024, 100), ReLU, Linear(100, 10).</summary>
    private sealed class OneHiddenLayerNet : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc1, fc2;

        public OneHiddenLayerNet() : base(nameof(OneHiddenLayerNet))
        {
            fc1 = nn.Linear(32 * 32, 100);
            fc2 = nn.Linear(100, 10);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => fc2.call(F.relu(fc1.call(flatten(x, 1))));
    }

    /// <summary>
    /// Exercises 32–34: LeNet-5 of the PyTorch tutorial, conv(1→c1, 5) · ReLU · 2×2 max-pool · conv(c2in→16, 5) · ReLU ·
    /// max-pool · 400 → 120 → 84 → 10, with the pooling as <c>F.max_pool2d</c> or as <c>nn.MaxPool2d</c> modules.
    /// </summary>
    private sealed class TutorialLeNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1, conv2;
        private readonly Linear fc1, fc2, fc3;
        private readonly MaxPool2d? pool;

        public TutorialLeNet(bool poolModule = false, int conv1Channels = 6, int? conv2InChannels = null) : base(nameof(TutorialLeNet))
        {
            conv1 = nn.Conv2d(1, conv1Channels, 5);
            conv2 = nn.Conv2d(conv2InChannels ?? conv1Channels, 16, 5);
            fc1 = nn.Linear(16 * 5 * 5, 120);
            fc2 = nn.Linear(120, 84);
            fc3 = nn.Linear(84, 10);
            pool = poolModule ? nn.MaxPool2d(2) : null;
            RegisterComponents();
        }

        private Tensor Pool(Tensor x) => pool is null ? F.max_pool2d(x, 2) : pool.call(x);

        public override Tensor forward(Tensor x)
        {
            x = Pool(F.relu(conv1.call(x)));
            x = Pool(F.relu(conv2.call(x)));
            x = flatten(x, 1);
            x = F.relu(fc1.call(x));
            x = F.relu(fc2.call(x));
            return fc3.call(x);
        }
    }

    [Test]
    public void TheOneHiddenLayerNetworkHasTheStatedLayers()
    {
        var net = new OneHiddenLayerNet();
        Assert.That(net.parameters().Sum(p => p.numel()), Is.EqualTo(1024 * 100 + 100 + 100 * 10 + 10));
    }

    [Test]
    public void AForwardPassInTwoLines()
    {
        var net = new OneHiddenLayerNet();
        var output = net.call(rand(1, 1, 32, 32));
        Assert.That(output.shape, Is.EqualTo(new long[] { 1, 10 }));
    }

    [Test]
    public void TheNetworkHasFourParameterTensors() => Assert.That(new OneHiddenLayerNet().parameters().Count(), Is.EqualTo(4));

    [Test]
    public void TheParameterNames() =>
        Assert.That(new OneHiddenLayerNet().named_parameters().Select(p => p.name), Is.EqualTo(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }));

    [Test]
    public void TheSecondParameterIsTheHiddenLayersBias()
    {
        // print(list(net.parameters())[1].size())
        var parameters = new OneHiddenLayerNet().named_parameters().ToArray();
        Assert.That(parameters[1].name, Is.EqualTo("fc1.bias"));
        Assert.That(parameters[1].parameter.shape, Is.EqualTo(new long[] { 100 }));
        Assert.That(parameters[0].parameter.shape, Is.EqualTo(new long[] { 100, 1024 }), "fc1.weight is (out_features, in_features)");
    }

    [Test]
    public void LeNetWithFunctionalMaxPool()
    {
        var net = new TutorialLeNet();
        Assert.That(net.call(rand(1, 1, 32, 32)).shape, Is.EqualTo(new long[] { 1, 10 }));
        Assert.That(net.parameters().Sum(p => p.numel()), Is.EqualTo(61_706));
        // The hint puts ReLU after the subsampling, the tutorial before it: max-pooling and ReLU commute.
        manual_seed(7);
        var x = randn(2, 6, 28, 28);
        Assert.That(F.relu(F.max_pool2d(x, 2)).equal(F.max_pool2d(F.relu(x), 2)).all().item<bool>());
    }

    [Test]
    public void LeNetWithMaxPool2dModulesComputesTheSame()
    {
        manual_seed(8);
        var functional = new TutorialLeNet(poolModule: false);
        manual_seed(8);
        var modules = new TutorialLeNet(poolModule: true);
        var x = rand(3, 1, 32, 32);
        Assert.That(modules.call(x).allclose(functional.call(x)));
        Assert.That(modules.named_parameters().Select(p => p.name), Is.EqualTo(functional.named_parameters().Select(p => p.name)), "MaxPool2d has no parameters");
    }

    [Test]
    public void WideningConv1NeedsConv2ToTakeTwelveChannels()
    {
        var wide = new TutorialLeNet(conv1Channels: 12);
        Assert.That(wide.call(rand(1, 1, 32, 32)).shape, Is.EqualTo(new long[] { 1, 10 }));
        Assert.That(wide.parameters().Sum(p => p.numel()), Is.EqualTo(61_706 - 156 - 2_416 + (12 * 25 + 12) + (16 * 12 * 25 + 16)));
        var half = new TutorialLeNet(conv1Channels: 12, conv2InChannels: 6);
        Assert.That(() => half.call(rand(1, 1, 32, 32)), Throws.Exception.With.Message.Contains("with 6 channels"));
    }
}

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
            new ClassifierTrainer { Epochs = 2 }.Fit(net, train, test, PerExampleCrossEntropy, Updaters.Sgd(0.5));
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
        new ClassifierTrainer { Epochs = 20 }.Fit(net, train, test, PerExampleCrossEntropy, Updaters.Adam(0.01));
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
