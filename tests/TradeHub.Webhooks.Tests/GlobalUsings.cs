namespace TradeHub.Webhooks.Tests;
