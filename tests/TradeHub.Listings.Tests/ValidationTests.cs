using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace TradeHub.Listings.Tests;

/// <summary>Each rule of each request, good and bad values: a 400 problem that names the field.</summary>
public class ValidationTests
{

    public static IEnumerable<TestCaseData> BadCargoOffers()
    {
        yield return new TestCaseData("origin", null, "origin").SetName("Cargo_offer_without_origin_is_refused");
        yield return new TestCaseData("origin", JsonValue.Create("XXXXX"), "origin").SetName("Cargo_offer_from_unknown_node_is_refused");
        yield return new TestCaseData("destination", JsonValue.Create("CNTSN"), "destination").SetName("Cargo_offer_to_its_origin_is_refused");
        yield return new TestCaseData("readyDate", JsonValue.Create(Requests.Day(-1)), "readyDate").SetName("Cargo_offer_ready_in_the_past_is_refused");
        yield return new TestCaseData("deliverBy", JsonValue.Create(Requests.Day(1)), "deliverBy").SetName("Cargo_offer_delivered_before_ready_is_refused");
        yield return new TestCaseData("containers.count", JsonValue.Create(0), "containers.count").SetName("Cargo_offer_of_no_containers_is_refused");
        yield return new TestCaseData("containers.count", JsonValue.Create(100000), "containers.count").SetName("Cargo_offer_of_too_many_containers_is_refused");
        yield return new TestCaseData("containers.type", JsonValue.Create("53HC"), "containers.type").SetName("Cargo_offer_of_unknown_container_type_is_refused");
        yield return new TestCaseData("weightKg", JsonValue.Create(-5), "weightKg").SetName("Cargo_offer_of_negative_weight_is_refused");
        yield return new TestCaseData("weightKg", JsonValue.Create(60000), "weightKg").SetName("Cargo_offer_over_the_boxes_payload_is_refused");
        yield return new TestCaseData("hsCode", JsonValue.Create("52A100"), "hsCode").SetName("Cargo_offer_with_malformed_hs_code_is_refused");
        yield return new TestCaseData("description", JsonValue.Create(new string('x', 2001)), "description").SetName("Cargo_offer_with_overlong_description_is_refused");
        yield return new TestCaseData("targetPrice.currency", JsonValue.Create("XYZ"), "targetPrice.currency").SetName("Cargo_offer_in_unknown_currency_is_refused");
        yield return new TestCaseData("targetPrice.amount", JsonValue.Create(0), "targetPrice.amount").SetName("Cargo_offer_with_zero_price_is_refused");
        yield return new TestCaseData("containers.count", JsonValue.Create("two"), "containers.count").SetName("Cargo_offer_with_text_for_a_number_is_refused");
        yield return new TestCaseData("readyDate", JsonValue.Create("next tuesday"), "readyDate").SetName("Cargo_offer_with_unreadable_date_is_refused");
    }

    [TestCaseSource(nameof(BadCargoOffers))]
    public async Task Bad_cargo_offer(string path, JsonNode? value, string field)
    {
        using var sme = ListingsApp.As("validation-sme", "sme");
        var answer = await sme.PostJson("/api/cargo-offers", Requests.CargoOffer().With(path, value));
        await answer.AssertProblem(HttpStatusCode.BadRequest, field);
    }

    public static IEnumerable<TestCaseData> BadCapacityOffers()
    {
        yield return new TestCaseData("mode", JsonValue.Create("air"), "mode").SetName("Capacity_by_air_is_refused");
        yield return new TestCaseData("to", JsonValue.Create("CNTSN"), "to").SetName("Capacity_on_a_lane_to_itself_is_refused");
        yield return new TestCaseData("from", JsonValue.Create("ZZZZZ"), "from").SetName("Capacity_from_unknown_node_is_refused");
        yield return new TestCaseData("departureTo", JsonValue.Create(Requests.Day(1)), "departureTo").SetName("Capacity_window_ending_before_it_starts_is_refused");
        yield return new TestCaseData("departureFrom", JsonValue.Create(Requests.Day(-3)), "departureFrom").SetName("Capacity_departing_in_the_past_is_refused");
        yield return new TestCaseData("transitDays", JsonValue.Create(0), "transitDays").SetName("Capacity_with_no_transit_time_is_refused");
        yield return new TestCaseData("pricePerContainer", null, "pricePerContainer").SetName("Capacity_without_price_is_refused");
    }

    [TestCaseSource(nameof(BadCapacityOffers))]
    public async Task Bad_capacity_offer(string path, JsonNode? value, string field)
    {
        using var carrier = ListingsApp.As("validation-carrier", "carrier");
        var answer = await carrier.PostJson("/api/capacity-offers", Requests.CapacityOffer().With(path, value));
        await answer.AssertProblem(HttpStatusCode.BadRequest, field);
    }

    public static IEnumerable<TestCaseData> BadTradeOffers()
    {
        yield return new TestCaseData("side", JsonValue.Create("lend"), "side").SetName("Trade_offer_neither_sell_nor_buy_is_refused");
        yield return new TestCaseData("hsCode", JsonValue.Create("5201"), "hsCode").SetName("Trade_offer_with_4_digit_hs_code_is_refused");
        yield return new TestCaseData("incoterm", JsonValue.Create("FOO"), "incoterm").SetName("Trade_offer_with_unknown_incoterm_is_refused");
        yield return new TestCaseData("quantity", JsonValue.Create(0), "quantity").SetName("Trade_offer_of_nothing_is_refused");
        yield return new TestCaseData("unit", JsonValue.Create("furlongs"), "unit").SetName("Trade_offer_in_unknown_unit_is_refused");
        yield return new TestCaseData("city", JsonValue.Create("PARIS"), "city").SetName("Trade_offer_in_unknown_city_is_refused");
        yield return new TestCaseData("product", JsonValue.Create(new string('p', 201)), "product").SetName("Trade_offer_with_overlong_product_is_refused");
        yield return new TestCaseData("validUntil", JsonValue.Create(Requests.Day(-1)), "validUntil").SetName("Trade_offer_valid_until_yesterday_is_refused");
        yield return new TestCaseData("unitPrice.currency", JsonValue.Create("usd"), "unitPrice.currency").SetName("Trade_offer_with_lowercase_currency_is_refused");
    }

    [TestCaseSource(nameof(BadTradeOffers))]
    public async Task Bad_trade_offer(string path, JsonNode? value, string field)
    {
        using var sme = ListingsApp.As("validation-sme", "sme");
        var answer = await sme.PostJson("/api/trade-offers", Requests.TradeOffer().With(path, value));
        await answer.AssertProblem(HttpStatusCode.BadRequest, field);
    }

    [TestCase("transitDays", 0, "transitDays")]
    [TestCase("price.amount", -1, "price.amount")]
    public async Task Bad_bid_is_refused_naming_the_field(string path, int value, string field)
    {
        using var sme = ListingsApp.As("validation-sme", "sme");
        using var carrier = ListingsApp.As("validation-carrier", "carrier");
        var offer = await (await sme.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created();
        var answer = await carrier.PostJson($"/api/cargo-offers/{offer["id"]}/bids", Requests.Bid().With(path, value));
        await answer.AssertProblem(HttpStatusCode.BadRequest, field);
    }

    [Test]
    public async Task Good_requests_are_accepted()
    {
        using var sme = ListingsApp.As("validation-sme", "sme");
        using var carrier = ListingsApp.As("validation-carrier", "carrier");
        var cargo = await (await sme.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created();
        await (await carrier.PostJson("/api/capacity-offers", Requests.CapacityOffer())).Created();
        await (await sme.PostJson("/api/trade-offers", Requests.TradeOffer())).Created();
        await (await carrier.PostJson($"/api/cargo-offers/{cargo["id"]}/bids", Requests.Bid())).Created();
        Assert.That(cargo["status"]!.GetValue<string>(), Is.EqualTo("open"));
    }

    [Test]
    public async Task Truncated_json_is_a_400_problem()
    {
        using var sme = ListingsApp.As("validation-sme", "sme");
        var answer = await sme.PostAsync("/api/cargo-offers",
            new StringContent("""{"origin": "CNTSN", "destination": """, Encoding.UTF8, "application/json"));
        await answer.AssertProblem(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Non_json_body_is_a_415_problem()
    {
        using var sme = ListingsApp.As("validation-sme", "sme");
        var answer = await sme.PostAsync("/api/cargo-offers", new StringContent("origin=CNTSN", Encoding.UTF8, "text/plain"));
        await answer.AssertProblem(HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task Empty_body_is_a_400_problem()
    {
        using var sme = ListingsApp.As("validation-sme", "sme");
        var answer = await sme.PostAsync("/api/cargo-offers", new StringContent("", Encoding.UTF8, "application/json"));
        await answer.AssertProblem(HttpStatusCode.BadRequest);
    }

    [TestCase("/api/cargo-offers?limit=0", "limit")]
    [TestCase("/api/cargo-offers?limit=501", "limit")]
    [TestCase("/api/cargo-offers?cursor=not-a-cursor", "cursor")]
    [TestCase("/api/cargo-offers?status=lost", "status")]
    [TestCase("/api/trade-offers?hsCode=52x", "hsCode")]
    [TestCase("/api/capacity-offers?status=sunk", "status")]
    [TestCase("/api/trade-offers?status=sunk", "status")]
    public async Task Bad_list_query_is_a_400_naming_the_parameter(string path, string field)
    {
        using var sme = ListingsApp.As("validation-sme", "sme");
        await (await sme.GetAsync(path)).AssertProblem(HttpStatusCode.BadRequest, field);
    }
}
