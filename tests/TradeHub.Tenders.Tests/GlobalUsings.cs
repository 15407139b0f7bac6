namespace TradeHub.Tenders.Tests;
