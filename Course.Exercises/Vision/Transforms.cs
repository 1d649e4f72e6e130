using static TorchSharp.torch;

namespace Course.Exercises.Vision;

/// <summary>
/// An image transform, as in torchvision's <c>transforms</c> module (used by d2l from 3.5 on): a function from a
/// tensor image to a tensor image. Spatial transforms take one image (C, H, W) or a batch (N, C, H, W), uint8 or
/// floating, and act on the last two dimensions; a random transform draws once per call from torch's random number
/// generator (or its own <see cref="Generator"/>), so a whole batch gets the same draw, as torchvision does for a batched
/// tensor. TorchSharp has no torchvision, so these are written here on TorchSharp tensors.
/// </summary>
public interface ITransform
{
    /// <summary>The transformed image; the input is left as it is.</summary>
    Tensor Apply(Tensor image);
}

/// <summary>torchvision's <c>transforms.Compose</c>: the transforms applied one after another.</summary>
public sealed class Compose : ITransform
{
    /// <summary>A pipeline of <paramref name="transforms"/>, applied in order.</summary>
    public Compose(params ITransform[] transforms) => Transforms = transforms;

    /// <summary>The transforms, in the order they run.</summary>
    public IReadOnlyList<ITransform> Transforms { get; }

    /// <inheritdoc />
    public Tensor Apply(Tensor image)
    {
        using var scope = NewDisposeScope();
        var result = image.alias();
        foreach (var transform in Transforms) result = transform.Apply(result);
        return result.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// torchvision's <c>ToTensor</c>: an image in height-width-channel order, as image libraries and NumPy hold it —
/// (H, W, C), (H, W) or a batch (N, H, W, C) — becomes channel-first (C, H, W) or (N, C, H, W) float32; uint8 pixels
/// are scaled from 0…255 to [0, 1], other types are only converted.
/// </summary>
public sealed class ToTensor : ITransform
{
    /// <inheritdoc />
    public Tensor Apply(Tensor image)
    {
        using var scope = NewDisposeScope();
        var chw = image.dim() switch
        {
            2 => image.unsqueeze(0),
            3 => image.permute(2, 0, 1),
            4 => image.permute(0, 3, 1, 2),
            _ => throw new ArgumentException($"ToTensor takes an (H, W), (H, W, C) or (N, H, W, C) image, not one of shape ({string.Join(", ", image.shape)}).", nameof(image)),
        };
        var result = image.dtype == ScalarType.Byte ? chw.to(float32).div_(255f) : chw.to(float32);
        return result.contiguous().MoveToOuterDisposeScope();
    }
}

/// <summary>
/// torchvision's <c>ConvertImageDtype</c>: an image keeps its layout and changes type; integer pixels are scaled to
/// [0, 1] by their type's maximum (uint8: 255), as <c>ToTensor</c> does for images that are already channel-first
/// (e.g. CIFAR-10's (N, 3, 32, 32) uint8).
/// </summary>
public sealed class ConvertImageDtype : ITransform
{
    /// <summary>Converts to <paramref name="dtype"/>, which must be a floating type.</summary>
    public ConvertImageDtype(ScalarType dtype = ScalarType.Float32)
    {
        if (dtype is not (ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64)) throw new ArgumentException($"ConvertImageDtype converts to a floating type, not {dtype}.", nameof(dtype));
        DType = dtype;
    }

    /// <summary>The floating type of the result.</summary>
    public ScalarType DType { get; }

    /// <inheritdoc />
    public Tensor Apply(Tensor image)
    {
        if (is_floating_point(image)) return image.to(DType);
        double max = image.dtype switch
        {
            ScalarType.Byte => byte.MaxValue,
            ScalarType.Int8 => sbyte.MaxValue,
            ScalarType.Int16 => short.MaxValue,
            ScalarType.Int32 => int.MaxValue,
            ScalarType.Int64 => long.MaxValue,
            _ => throw new ArgumentException($"ConvertImageDtype cannot scale pixels of type {image.dtype}.", nameof(image)),
        };
        using var scope = NewDisposeScope();
        return image.to(DType).div_(max).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// torchvision's <c>Normalize(mean, std)</c>: each channel c becomes (x − mean[c]) / std[c], on a floating image
/// (C, H, W) or batch (N, C, H, W).
/// </summary>
public sealed class Normalize : ITransform
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Per-channel <paramref name="mean"/> and <paramref name="std"/> (same length, every std positive).</summary>
    public Normalize(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"Normalize needs one mean and one std per channel; got {mean.Count} means and {std.Count} stds.");
        if (std.Any(s => !(s > 0))) throw new ArgumentException("Normalize needs every std to be positive.", nameof(std));
        _mean = [.. mean];
        _std = [.. std];
    }

    /// <summary>The ImageNet channel means torchvision's pretrained models expect (R, G, B).</summary>
    public static IReadOnlyList<float> ImageNetMean { get; } = [0.485f, 0.456f, 0.406f];

    /// <summary>The ImageNet channel standard deviations torchvision's pretrained models expect (R, G, B).</summary>
    public static IReadOnlyList<float> ImageNetStd { get; } = [0.229f, 0.224f, 0.225f];

    /// <inheritdoc />
    public Tensor Apply(Tensor image)
    {
        if (!is_floating_point(image)) throw new ArgumentException($"Normalize takes a floating image, not {image.dtype}; convert it first (ToTensor or ConvertImageDtype).", nameof(image));
        long channels = image.dim() >= 3 ? image.shape[^3] : -1;
        if (channels != _mean.Length)
            throw new ArgumentException($"Normalize was given {_mean.Length} channel statistics but the image has shape ({string.Join(", ", image.shape)}).", nameof(image));
        using var scope = NewDisposeScope();
        var mean = tensor(_mean, image.dtype, image.device).view(-1, 1, 1);
        var std = tensor(_std, image.dtype, image.device).view(-1, 1, 1);
        return ((image - mean) / std).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// torchvision's <c>Resize</c>: to exactly <see cref="Height"/>×<see cref="Width"/>, or, given one size, the shorter
/// side to that size and the longer side in proportion (rounded down, as torchvision does). Bilinear with antialiasing;
/// integer images are resized as floats and rounded back.
/// </summary>
public sealed class Resize : ITransform
{
    /// <summary>Resizes the shorter side to <paramref name="size"/>, keeping the aspect ratio.</summary>
    public Resize(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Height = Width = size;
        KeepsAspect = true;
    }

    /// <summary>Resizes to exactly <paramref name="height"/>×<paramref name="width"/>.</summary>
    public Resize(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        (Height, Width) = (height, width);
    }

    /// <summary>The target height (with <see cref="KeepsAspect"/>, the shorter side).</summary>
    public int Height { get; }

    /// <summary>The target width (with <see cref="KeepsAspect"/>, the shorter side).</summary>
    public int Width { get; }

    /// <summary>Whether only the shorter side is fixed and the other follows the aspect ratio.</summary>
    public bool KeepsAspect { get; }

    /// <summary>The output size for an input of <paramref name="height"/>×<paramref name="width"/>.</summary>
    public (int Height, int Width) OutputSize(long height, long width)
    {
        if (!KeepsAspect) return (Height, Width);
        return height <= width
            ? (Height, (int)(Height * width / height))
            : ((int)(Width * height / width), Width);
    }

    /// <inheritdoc />
    public Tensor Apply(Tensor image)
    {
        Images.CheckImage(image, nameof(Resize));
        var (h, w) = OutputSize(image.shape[^2], image.shape[^1]);
        return Images.Resize(image, h, w);
    }
}

/// <summary>
/// torchvision's <c>CenterCrop</c>: the central <see cref="Height"/>×<see cref="Width"/> window (top and left offsets
/// rounded half to even, as torchvision's <c>round</c>); an image smaller than the crop is first padded with zeros.
/// </summary>
public sealed class CenterCrop : ITransform
{
    /// <summary>A square crop of side <paramref name="size"/>.</summary>
    public CenterCrop(int size) : this(size, size) { }

    /// <summary>A crop of <paramref name="height"/>×<paramref name="width"/>.</summary>
    public CenterCrop(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        (Height, Width) = (height, width);
    }

    /// <summary>The crop's height.</summary>
    public int Height { get; }

    /// <summary>The crop's width.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public Tensor Apply(Tensor image)
    {
        Images.CheckImage(image, nameof(CenterCrop));
        using var scope = NewDisposeScope();
        long h = image.shape[^2], w = image.shape[^1];
        if (Height > h || Width > w)
        {
            long padW = Math.Max(0, Width - w), padH = Math.Max(0, Height - h);
            image = nn.functional.pad(image, [padW / 2, (padW + 1) / 2, padH / 2, (padH + 1) / 2]);
            (h, w) = (image.shape[^2], image.shape[^1]);
        }
        int top = (int)Math.Round((h - Height) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((w - Width) / 2.0, MidpointRounding.ToEven);
        return Images.Crop(image, top, left, Height, Width).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// torchvision's <c>RandomResizedCrop</c>: a random window covering a fraction of the area drawn from
/// <see cref="Scale"/> with an aspect ratio drawn log-uniformly from <see cref="Ratio"/> (ten tries, then a central
/// crop), resized to <see cref="Height"/>×<see cref="Width"/>.
/// </summary>
public sealed class RandomResizedCrop : ITransform
{
    /// <summary>Crops of output <paramref name="height"/>×<paramref name="width"/>; torchvision's defaults for the ranges.</summary>
    public RandomResizedCrop(int height, int width, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Scale = scale ?? (0.08, 1.0);
        Ratio = ratio ?? (3.0 / 4.0, 4.0 / 3.0);
        if (!(Scale.Min > 0 && Scale.Min <= Scale.Max && Scale.Max <= 1)) throw new ArgumentException($"scale must satisfy 0 < min ≤ max ≤ 1, not {Scale}.", nameof(scale));
        if (!(Ratio.Min > 0 && Ratio.Min <= Ratio.Max)) throw new ArgumentException($"ratio must satisfy 0 < min ≤ max, not {Ratio}.", nameof(ratio));
        (Height, Width, Generator) = (height, width, generator);
    }

    /// <summary>Square crops of side <paramref name="size"/>.</summary>
    public RandomResizedCrop(int size) : this(size, size) { }

    /// <summary>The output height.</summary>
    public int Height { get; }

    /// <summary>The output width.</summary>
    public int Width { get; }

    /// <summary>The range of the crop's area as a fraction of the image's.</summary>
    public (double Min, double Max) Scale { get; }

    /// <summary>The range of the crop's aspect ratio (width / height).</summary>
    public (double Min, double Max) Ratio { get; }

    /// <summary>The random number generator, or null for torch's default one (seeded by <c>manual_seed</c>).</summary>
    public Generator? Generator { get; }

    /// <summary>torchvision's <c>get_params</c>: the window (top, left, height, width) for an image of <paramref name="height"/>×<paramref name="width"/>.</summary>
    public (int Top, int Left, int Height, int Width) SampleWindow(int height, int width)
    {
        double area = (double)height * width;
        double logMin = Math.Log(Ratio.Min), logMax = Math.Log(Ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double targetArea = area * Uniform(Scale.Min, Scale.Max);
            double aspect = Math.Exp(Uniform(logMin, logMax));
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
                return (RandomInt(height - h + 1), RandomInt(width - w + 1), h, w);
        }
        double inRatio = (double)width / height;
        int cropW = width, cropH = height;
        if (inRatio < Ratio.Min) cropH = (int)Math.Round(cropW / Ratio.Min, MidpointRounding.ToEven);
        else if (inRatio > Ratio.Max) cropW = (int)Math.Round(cropH * Ratio.Max, MidpointRounding.ToEven);
        return ((height - cropH) / 2, (width - cropW) / 2, cropH, cropW);
    }

    /// <inheritdoc />
    public Tensor Apply(Tensor image)
    {
        Images.CheckImage(image, nameof(RandomResizedCrop));
        using var scope = NewDisposeScope();
        var (top, left, h, w) = SampleWindow((int)image.shape[^2], (int)image.shape[^1]);
        return Images.Resize(Images.Crop(image, top, left, h, w), Height, Width).MoveToOuterDisposeScope();
    }

    private double Uniform(double from, double to)
    {
        using var draw = empty(1, float64).uniform_(from, to, Generator);
        return draw.item<double>();
    }

    private int RandomInt(int high)
    {
        using var draw = randint(0, high, [1], int64, generator: Generator);
        return (int)draw.item<long>();
    }
}

/// <summary>torchvision's <c>RandomHorizontalFlip(p)</c>: mirrors left and right with probability <see cref="P"/>.</summary>
public sealed class RandomHorizontalFlip(double p = 0.5, Generator? generator = null) : ITransform
{
    /// <summary>The probability of a flip.</summary>
    public double P { get; } = p is >= 0 and <= 1 ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "A probability lies in [0, 1].");

    /// <inheritdoc />
    public Tensor Apply(Tensor image) => Images.Draw(generator) < P ? image.flip(-1) : image.alias();
}

/// <summary>torchvision's <c>RandomVerticalFlip(p)</c>: mirrors top and bottom with probability <see cref="P"/>.</summary>
public sealed class RandomVerticalFlip(double p = 0.5, Generator? generator = null) : ITransform
{
    /// <summary>The probability of a flip.</summary>
    public double P { get; } = p is >= 0 and <= 1 ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "A probability lies in [0, 1].");

    /// <inheritdoc />
    public Tensor Apply(Tensor image) => Images.Draw(generator) < P ? image.flip(-2) : image.alias();
}

/// <summary>
/// torchvision's <c>RandomRotation(degrees)</c>: turns the image counter-clockwise about its centre by an angle drawn
/// uniformly from [−<see cref="Degrees"/>, <see cref="Degrees"/>]; corners that come from outside are filled with zeros.
/// </summary>
public sealed class RandomRotation(double degrees, Generator? generator = null) : ITransform
{
    /// <summary>The largest rotation, in degrees, either way.</summary>
    public double Degrees { get; } = degrees >= 0 ? degrees : throw new ArgumentOutOfRangeException(nameof(degrees), degrees, "The rotation range is a non-negative number of degrees.");

    /// <inheritdoc />
    public Tensor Apply(Tensor image)
    {
        Images.CheckImage(image, nameof(RandomRotation));
        return Images.Rotate(image, (2 * Images.Draw(generator) - 1) * Degrees);
    }
}

/// <summary>The image operations the transforms share (torchvision's <c>transforms.functional</c>).</summary>
public static class Images
{
    /// <summary>The window of <paramref name="height"/>×<paramref name="width"/> at (<paramref name="top"/>, <paramref name="left"/>) of the last two dimensions (a view).</summary>
    public static Tensor Crop(Tensor image, int top, int left, int height, int width)
    {
        CheckImage(image, nameof(Crop));
        if (top < 0 || left < 0 || top + height > image.shape[^2] || left + width > image.shape[^1])
            throw new ArgumentException($"The crop {height}×{width} at ({top}, {left}) does not fit in a {image.shape[^2]}×{image.shape[^1]} image.");
        return image.narrow(-2, top, height).narrow(-1, left, width);
    }

    /// <summary>Resizes the last two dimensions to <paramref name="height"/>×<paramref name="width"/> (bilinear, antialiased; integer images are rounded back).</summary>
    public static Tensor Resize(Tensor image, int height, int width)
    {
        CheckImage(image, nameof(Resize));
        if (image.shape[^2] == height && image.shape[^1] == width) return image.alias();
        using var scope = NewDisposeScope();
        bool single = image.dim() == 3;
        var batch = single ? image.unsqueeze(0) : image;
        var floating = is_floating_point(batch) ? batch : batch.to(float32);
        var resized = nn.functional.interpolate(floating, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        if (!is_floating_point(image)) resized = resized.round().clamp(0, 255).to(image.dtype);
        return (single ? resized.squeeze(0) : resized).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Turns the image counter-clockwise by <paramref name="degrees"/> about its centre (bilinear; zeros outside).
    /// A quarter turn of a square image is exactly <c>rot90</c>.
    /// </summary>
    public static Tensor Rotate(Tensor image, double degrees)
    {
        CheckImage(image, nameof(Rotate));
        using var scope = NewDisposeScope();
        bool single = image.dim() == 3;
        var batch = single ? image.unsqueeze(0) : image;
        var floating = is_floating_point(batch) ? batch : batch.to(float32);
        long n = batch.shape[0], h = batch.shape[2], w = batch.shape[3];
        double a = degrees * Math.PI / 180, cos = Math.Cos(a), sin = Math.Sin(a);
        // affine_grid maps each output position, in coordinates normalised to [-1, 1] on both axes, to where it is read
        // from in the input; the aspect factors keep the rotation a rotation in pixels on a non-square image.
        double[] theta = [cos, -sin * h / w, 0, sin * w / h, cos, 0];
        var grid = nn.functional.affine_grid(tensor(theta, float32, image.device).view(1, 2, 3).expand(n, 2, 3).to(floating.dtype), [n, batch.shape[1], h, w], align_corners: false);
        var rotated = nn.functional.grid_sample(floating, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        if (!is_floating_point(image)) rotated = rotated.round().clamp(0, 255).to(image.dtype);
        return (single ? rotated.squeeze(0) : rotated).MoveToOuterDisposeScope();
    }

    /// <summary>Checks that <paramref name="image"/> is (C, H, W) or (N, C, H, W).</summary>
    internal static void CheckImage(Tensor image, string transform)
    {
        if (image.dim() is not (3 or 4))
            throw new ArgumentException($"{transform} takes an image (C, H, W) or a batch (N, C, H, W), not a tensor of shape ({string.Join(", ", image.shape)}).", nameof(image));
    }

    /// <summary>One uniform draw from [0, 1).</summary>
    internal static double Draw(Generator? generator)
    {
        using var draw = rand(1, float64, generator: generator);
        return draw.item<double>();
    }
}
