using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Exercises.Tests.PyTorchBasics;

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
