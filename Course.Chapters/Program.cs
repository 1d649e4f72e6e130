using System.Globalization;
using Course.Chapters.Infrastructure;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return CommandLine.Invoke(args, Console.Out, Console.Error);
