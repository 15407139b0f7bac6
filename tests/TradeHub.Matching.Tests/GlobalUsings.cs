namespace TradeHub.Matching.Tests;
