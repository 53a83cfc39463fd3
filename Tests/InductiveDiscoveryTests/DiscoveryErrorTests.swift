import InductiveDiscovery
import Testing

@Suite struct DiscoveryErrorTests {
    @Test func messagesAreOneLineAndSayWhatToFix() {
        let errors: [DiscoveryError] = [
            .wrongRank(name: "data", expected: "a 2-d array (samples, variables)", shape: [10]),
            .nonFinite(name: "data"), .tooFewSamples(samples: 5, terms: 10), .nonPositive(name: "dt", value: 0),
            .nameCount(given: 2, variables: 3), .invalidOption("bad"), .integrationFailed("step size underflow"),
        ]
        for e in errors { #expect(!e.description.contains("\n") && !e.description.isEmpty) }
        #expect(errors[0].description == "data must be a 2-d array (samples, variables), got an array of shape [10]")
        #expect(errors[2].description.contains("need more samples than terms"))
        #expect(errors[3].description == "dt must be a positive number, got 0.0")
    }
}
