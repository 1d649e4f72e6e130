using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Course.Chapters.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Course.Chapters.Studio;

/// <summary>
/// <c>course studio</c>: a local web server with one page that lists the book's sections, shows a section's C# source
/// beside a form of its settings, runs it as a child process and draws its events live, and compares the runs in the
/// runs folder. It listens on the loopback address unless told otherwise, answers only requests addressed to the name
/// it serves (against DNS rebinding), takes a change (run, stop, delete) only with the token the page was given, and
/// serves only its own assets and the files of the runs folder.
/// </summary>
public sealed class StudioServer : IAsyncDisposable
{
    /// <summary>The header that carries the token of a request that changes something.</summary>
    public const string TokenHeader = "X-Course-Token";

    private readonly WebApplication _app;
    private readonly StudioRuns _queue;
    private readonly string _runs;
    private readonly IPAddress _address;
    private HashSet<string> _hosts = [];

    /// <summary>A studio on <paramref name="address"/>:<paramref name="port"/> (0 for any free port) over the runs folder <paramref name="outDir"/>.</summary>
    public StudioServer(string outDir, int port, IPAddress? address = null, Func<ProcessStartInfo>? command = null)
    {
        _runs = Path.GetFullPath(outDir);
        Directory.CreateDirectory(_runs);
        _address = address ?? IPAddress.Loopback;
        Token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        _queue = new StudioRuns(command ?? CourseCommand, _runs);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(_address, port));
        _app = builder.Build();
        _app.Use(GuardAsync);
        Map(_app);
    }

    /// <summary>The token of this start: the page holds it, and every change must carry it.</summary>
    public string Token { get; }

    /// <summary>The page's address, once started: <c>http://127.0.0.1:5050/</c>.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The runs, the one going on and those waiting.</summary>
    public StudioRuns Queue => _queue;

    /// <summary>Starts listening; <see cref="Address"/> then holds the port taken.</summary>
    public async Task StartAsync()
    {
        await _app.StartAsync();
        var bound = new Uri(_app.Urls.First());
        Address = new Uri($"http://{(_address.Equals(IPAddress.Loopback) ? "127.0.0.1" : bound.Host)}:{bound.Port}/");
        _hosts = [$"127.0.0.1:{bound.Port}", $"localhost:{bound.Port}", $"[::1]:{bound.Port}", $"{bound.Host}:{bound.Port}"];
    }

    /// <summary>Stops the current run cleanly, empties the queue and stops listening.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>This program, to start the runs with: its own executable (or <c>dotnet course.dll</c>).</summary>
    private static ProcessStartInfo CourseCommand()
    {
        string folder = AppContext.BaseDirectory;
        string apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? "course.exe" : "course");
        if (File.Exists(apphost)) return new ProcessStartInfo(apphost);
        var dotnet = new ProcessStartInfo("dotnet");
        dotnet.ArgumentList.Add(Path.Combine(folder, "course.dll"));
        return dotnet;
    }

    /// <summary>The rules every request passes first: the Host it names, and the token of a change.</summary>
    private async Task GuardAsync(HttpContext context, Func<Task> next)
    {
        if (!_hosts.Contains(context.Request.Host.Value ?? ""))
        {
            context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            await context.Response.WriteAsync("This studio answers only requests addressed to it by its own address.");
            return;
        }
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            string given = context.Request.Headers[TokenHeader].ToString();
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(Token)))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("A change needs this studio's token, which only its own page holds.");
                return;
            }
        }
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'";
        await next();
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/", () => Results.Content(Asset("index.html").Replace("{{TOKEN}}", Token, StringComparison.Ordinal), "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Results.Content(Asset("app.js"), "text/javascript; charset=utf-8"));
        app.MapGet("/app.css", () => Results.Content(Asset("app.css"), "text/css; charset=utf-8"));
        app.MapGet("/api/sections", () => Results.Json(SectionCatalog.All.Select(s => new
        {
            id = s.Info.Id,
            number = s.Info.Number,
            title = s.Info.Title,
            dataset = s.Info.Dataset,
            trains = s.Trains,
            settings = (s.Settings?.All ?? []).Select(o => new { name = o.Name, value = o.Default, type = o.Type == typeof(int) ? "int" : "number" }),
        })));
        app.MapGet("/api/sections/{id}/source", (string id) =>
            SectionSources.Of(id) is { } source ? Results.Text(source, "text/plain; charset=utf-8") : Results.NotFound());
        app.MapPost("/api/runs", async (HttpContext context) =>
        {
            var request = await JsonSerializer.DeserializeAsync<RunRequest>(context.Request.Body, JsonSerializerOptions.Web);
            if (request is null) return Results.BadRequest("A run needs a section.");
            try
            {
                var section = SectionCatalog.Find(request.Section);
                var options = request.Options ?? new Dictionary<string, string>();
                var untaken = options.Keys.Where(k => !section.Settings?.All.Any(s => s.Name == k) ?? true).ToArray();
                if (untaken.Length > 0) return Results.BadRequest($"{section.Info.Id} does not take --{string.Join(", --", untaken)}.");
                section.Bind(options);
                return Results.Json(new { id = _queue.Enqueue(section.Info.Id, options).Id });
            }
            catch (Exception e) when (e is UsageException or Core.Runtime.CourseException)
            {
                return Results.BadRequest(e.Message);
            }
        });
        app.MapPost("/api/runs/{id}/stop", (string id) => _queue.Stop(id) ? Results.Ok() : Results.NotFound());
        app.MapGet("/api/runs", () => Results.Json(RunFolders().Select(Describe).OfType<JsonObject>()));
        app.MapDelete("/api/runs/{section}/{stamp}", (string section, string stamp) =>
        {
            if (RunsFile($"{section}/{stamp}", directory: true) is not { } folder) return Results.NotFound();
            if (_queue.IsCurrent($"{section}/{stamp}")) return Results.Conflict("That run is going on; stop it first.");
            Directory.Delete(folder, recursive: true);
            return Results.Ok();
        });
        app.MapGet("/api/stream", StreamAsync);
        app.MapGet("/files/{**path}", (string path) => RunsFile(path, directory: false) is { } file
            ? Results.File(file, ContentType(file))
            : Results.NotFound());
    }

    /// <summary>Server-sent events: the queue's messages (<see cref="StudioRuns.Listen"/>), each as one <c>data:</c> line.</summary>
    private async Task StreamAsync(HttpContext context)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var messages = System.Threading.Channels.Channel.CreateUnbounded<string>();
        using (_queue.Listen(m => messages.Writer.TryWrite(m)))
        {
            try
            {
                await foreach (string message in messages.Reader.ReadAllAsync(context.RequestAborted))
                {
                    await context.Response.WriteAsync($"data: {message}\n\n", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The page went away.
            }
        }
    }

    /// <summary>The run folders under the runs folder that hold a <c>metrics.json</c>, as <c>section/stamp</c> (no symbolic link followed).</summary>
    private IEnumerable<string> RunFolders() =>
        Directory.EnumerateDirectories(_runs).Where(IsReal).SelectMany(Directory.EnumerateDirectories).Where(IsReal)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && File.Exists(Path.Combine(d, "metrics.json")))
            .Select(d => Path.GetRelativePath(_runs, d).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    private static bool IsReal(string folder) => new DirectoryInfo(folder).LinkTarget is null;

    private JsonObject? Describe(string folder)
    {
        try
        {
            var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(_runs, folder, "metrics.json")))!.AsObject();
            metrics["folder"] = folder;
            metrics["files"] = new JsonArray(Directory.EnumerateFileSystemEntries(Path.Combine(_runs, folder))
                .Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).Select(f => (JsonNode?)f).ToArray());
            metrics.Remove("output_directory");
            return metrics;
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException)
        {
            return null; // a folder being written or deleted
        }
    }

    /// <summary>
    /// The file (or folder) <paramref name="relative"/> inside the runs folder, or null for anything else: a path that
    /// climbs out (<c>..</c>, encoded or not), an absolute one, or one through a symbolic link.
    /// </summary>
    private string? RunsFile(string relative, bool directory)
    {
        if (relative.Length == 0 || Path.IsPathRooted(relative) || relative.Contains(':', StringComparison.Ordinal)) return null;
        string[] parts = relative.Split('/', '\\');
        if (parts.Any(p => p is "" or "." or "..")) return null;
        string path = _runs;
        foreach (string part in parts)
        {
            path = Path.Combine(path, part);
            var entry = new FileInfo(path);
            if (entry.LinkTarget is not null) return null;
        }
        string full = Path.GetFullPath(path);
        if (!full.StartsWith(_runs + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return null;
        return directory ? (Directory.Exists(full) ? full : null) : (File.Exists(full) ? full : null);
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".png" => "image/png",
        ".json" => "application/json",
        ".jsonl" or ".csv" or ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    private static string Asset(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"studio/{name}")
            ?? throw new InvalidOperationException($"The studio's asset {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed record RunRequest(string Section, Dictionary<string, string>? Options);
}

/// <summary>The C# source of each section, as the build embedded it (not a path on the user's disk).</summary>
public static class SectionSources
{
    private static readonly Lazy<Dictionary<string, string>> Sources = new(Read);

    /// <summary>The source file that holds the section <paramref name="id"/>, or null.</summary>
    public static string? Of(string id) => Sources.Value.GetValueOrDefault(id);

    private static Dictionary<string, string> Read()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var sources = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("source/", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            string text = reader.ReadToEnd();
            foreach (var section in SectionCatalog.All.Where(s => text.Contains($"[Section(\"{s.Info.Id}\"", StringComparison.Ordinal)))
                sources[section.Info.Id] = text;
        }
        return sources;
    }
}
