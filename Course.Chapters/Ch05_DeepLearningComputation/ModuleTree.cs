using System.Globalization;
using System.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch05_DeepLearningComputation;

/// <summary>What PyTorch's <c>print(net)</c> and <c>named_parameters()</c> show, for TorchSharp modules (5.1, 5.2, 5.5).</summary>
public static class ModuleTree
{
    /// <summary>
    /// PyTorch's module repr: <c>Sequential(\n  (0): Linear(in_features=4, out_features=8, bias=True)\n  (1): ReLU()\n …)</c>,
    /// children by their registered names, nested blocks indented.
    /// </summary>
    public static string Format(nn.Module module)
    {
        var text = new StringBuilder();
        Append(text, module, 0);
        return text.ToString();
    }

    /// <summary><c>[(name, param.shape) for name, param in net.named_parameters()]</c> as one line: <c>0.weight [8, 4], 0.bias [8], …</c>.</summary>
    public static string ParameterShapes(nn.Module module) =>
        string.Join(", ", module.named_parameters().Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}]"));

    private static void Append(StringBuilder text, nn.Module module, int depth)
    {
        var children = module.named_children().ToArray();
        text.Append(Name(module));
        if (module is Linear linear)
        {
            text.Append(CultureInfo.InvariantCulture, $"(in_features={linear.in_features}, out_features={linear.out_features}, bias={(linear.bias is null ? "False" : "True")})");
            return;
        }
        if (children.Length == 0)
        {
            text.Append("()");
            return;
        }
        text.Append("(\n");
        foreach (var (name, child) in children)
        {
            text.Append(' ', 2 * (depth + 1)).Append(CultureInfo.InvariantCulture, $"({name}): ");
            Append(text, child, depth + 1);
            text.Append('\n');
        }
        text.Append(' ', 2 * depth).Append(')');
    }

    // TorchSharp names native modules after their C++ class (torch::nn::SequentialImpl); the .NET type name reads better.
    private static string Name(nn.Module module) => module.GetName() is var name && !name.Contains("::") ? name : module.GetType().Name;
}
