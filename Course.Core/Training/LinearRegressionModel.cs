using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// d2l's <c>linreg</c> (3.2) as a module: y = Xw + b with w ~ N(0, 0.01) and b = 0; the model of 3.2, 4.5 and
/// <c>train_ch11</c> (11.5).
/// </summary>
public sealed class LinearRegressionModel : nn.Module<Tensor, Tensor>
{
    /// <summary>The weights, (inputs, 1).</summary>
    public readonly TorchSharp.Modules.Parameter w;

    /// <summary>The bias, (1).</summary>
    public readonly TorchSharp.Modules.Parameter b;

    /// <summary>Creates the model for <paramref name="inputs"/> features.</summary>
    public LinearRegressionModel(int inputs) : base(nameof(LinearRegressionModel))
    {
        w = nn.Parameter(normal(0, 0.01, [inputs, 1]));
        b = nn.Parameter(zeros(1));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X) => matmul(X, w) + b;

    /// <summary>d2l's <c>squared_loss</c> (3.2): ½(ŷ − y)² per example.</summary>
    public static Tensor SquaredLoss(Tensor yHat, Tensor y) => 0.5 * (yHat - y.reshape(yHat.shape)).square();
}
