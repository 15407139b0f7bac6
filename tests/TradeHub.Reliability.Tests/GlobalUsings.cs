namespace TradeHub.Reliability.Tests;
