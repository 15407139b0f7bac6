namespace TradeHub.Hosting.Tests;
