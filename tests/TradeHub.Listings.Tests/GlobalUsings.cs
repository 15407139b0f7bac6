namespace TradeHub.Listings.Tests;
