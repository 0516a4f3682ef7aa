using Optline.Load;

if (args.Length > 0 && args[0] is BareHealth.Flag or BareHealth.FormFlag)
{
    await BareHealth.RunAsync(withForm: args[0] == BareHealth.FormFlag);
    return 0;
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (UsageRequestedException)
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

return await new Harness(options).RunAsync();
