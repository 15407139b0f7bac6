namespace TradeHub.Deploy.Tests;
