using Optline.Server.Cli;

return await OptlineCommandLine.RunAsync(args);
