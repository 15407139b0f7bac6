namespace TradeHub.Routing.Tests;
