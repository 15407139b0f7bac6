namespace TradeHub.EndToEnd.Tests;
