using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// The signature of chapter 11's from-scratch optimizers, d2l's <c>trainer_fn(params, states, hyperparams)</c>
/// (11.5): it updates each parameter in place from its gradient and its own state tensors, with the named
/// hyperparameters (which it may change, as Adam counts its step <c>t</c>), and zeroes the gradients. It runs without
/// gradient tracking, as d2l's run under <c>torch.no_grad()</c>.
/// </summary>
public delegate void ScratchOptimizer(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor[]> states, IDictionary<string, double> hyperparams);

/// <summary>
/// A <see cref="ScratchOptimizer"/> as an updater: backward, then the optimizer on the model's parameters, with its
/// states (one array of tensors per parameter, d2l's <c>init_*_states</c> layout) moved to the parameters' device. A
/// checkpoint holds the states and the hyperparameters.
/// </summary>
public sealed class ScratchUpdater : IUpdater
{
    private readonly Tensor[] _parameters;
    private readonly ScratchOptimizer _optimizer;
    private readonly Tensor[][] _states;
    private readonly Dictionary<string, double> _hyperparams;

    /// <summary>The optimizer over <paramref name="parameters"/>, with copies of <paramref name="states"/> on their device and of <paramref name="hyperparams"/>.</summary>
    public ScratchUpdater(IEnumerable<Tensor> parameters, ScratchOptimizer optimizer, IReadOnlyList<Tensor[]> states, IReadOnlyDictionary<string, double> hyperparams)
    {
        _parameters = parameters.ToArray();
        if (states.Count != 0 && states.Count != _parameters.Length)
            throw new ArgumentException($"{states.Count} states for {_parameters.Length} parameters.");
        _optimizer = optimizer;
        _states = states.Select((state, i) => state.Select(s => s.to(_parameters[i].device).clone()).ToArray()).ToArray();
        _hyperparams = new Dictionary<string, double>(hyperparams);
    }

    /// <summary>
    /// Zero states in the layout of d2l's <c>init_*_states(feature_dim)</c> (11.6–11.10) for <c>linreg</c>'s (w, b):
    /// <paramref name="perParameter"/> tensors of shape (featureDim, 1) for w, and as many of shape (1) for b.
    /// </summary>
    public static Tensor[][] ZeroStates(int featureDim, int perParameter) =>
        [Enumerable.Range(0, perParameter).Select(_ => zeros(featureDim, 1)).ToArray(), Enumerable.Range(0, perParameter).Select(_ => zeros(1)).ToArray()];

    /// <inheritdoc />
    public IEnumerable<Tensor> Parameters => _parameters;

    /// <summary>The states, one array per parameter (empty for plain SGD).</summary>
    public IReadOnlyList<Tensor[]> States => _states;

    /// <summary>The hyperparameters as they are now (Adam's <c>t</c> counts the steps taken).</summary>
    public IReadOnlyDictionary<string, double> Hyperparams => _hyperparams;

    /// <inheritdoc />
    public void Step(Tensor loss, Action? beforeUpdate = null)
    {
        loss.backward();
        beforeUpdate?.Invoke();
        using var noGrad = no_grad();
        _optimizer(_parameters, _states, _hyperparams);
    }

    /// <inheritdoc />
    public void SaveState(string path) => TensorFiles.SaveDictionary(
        _states.SelectMany((state, i) => state.Select((s, j) => KeyValuePair.Create($"state.{i}.{j}", s)))
            .Concat(_hyperparams.Select(h => KeyValuePair.Create($"hyperparams.{h.Key}", tensor(h.Value, float64)))), path);

    /// <inheritdoc />
    public void LoadState(string path)
    {
        var saved = TensorFiles.LoadDictionary(path);
        using var noGrad = no_grad();
        for (int i = 0; i < _states.Length; i++)
            for (int j = 0; j < _states[i].Length; j++)
                _states[i][j].copy_(saved[$"state.{i}.{j}"]);
        foreach (var key in _hyperparams.Keys.ToArray()) _hyperparams[key] = saved[$"hyperparams.{key}"].item<double>();
    }
}
