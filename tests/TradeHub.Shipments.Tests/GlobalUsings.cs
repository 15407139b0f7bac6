namespace TradeHub.Shipments.Tests;
