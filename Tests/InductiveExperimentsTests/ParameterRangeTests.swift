import InductiveExperiments
import Testing

/// The declared ranges of the catalogue: they hold the catalogue's own values, and the
/// framework refuses what lies outside them.
@Suite struct ParameterRangeTests {
    static let ids = ExperimentRegistry.all.map(\.id)

    @Test(arguments: ids)
    func catalogueValuesLieInTheirRanges(_ id: String) throws {
        let experiment = try #require(ExperimentRegistry.experiment(id))
        for spec in experiment.parameters {
            for (quick, value) in [(true, spec.quick), (false, spec.full)] {
                // The value given back as an override passes the same range check a user's does.
                #expect(throws: Never.self, "\(id): \(spec.key)=\(value)") {
                    _ = try ParameterValues(experiment.parameters, quick: quick, overrides: [spec.key: value.description], experiment: id)
                }
            }
            switch spec.quick {
            case .int, .double, .ints, .doubles:
                #expect(spec.minimum != nil && spec.maximum != nil, "\(id): \(spec.key) has no declared range")
            case .bool, .string:
                break
            }
        }
        _ = try experiment.resolve(quick: true, overrides: [:])
        _ = try experiment.resolve(quick: false, overrides: [:])
    }

    @Test func valuesOutsideTheRangeAreRefused() throws {
        let specs = [ParameterSpec("n", "a count", .int(5), minimum: 1, maximum: 10),
                     ParameterSpec("xs", "a list", .doubles([1, 2]), minimum: 0, maximum: 3, minimumCount: 2)]
        func resolve(_ key: String, _ text: String) throws {
            _ = try ParameterValues(specs, quick: true, overrides: [key: text], experiment: "probe")
        }
        try resolve("n", "10")
        try resolve("xs", "0,3")
        #expect(throws: ParameterError.self) { try resolve("n", "11") }
        #expect(throws: ParameterError.self) { try resolve("n", "0") }
        #expect(throws: ParameterError.self) { try resolve("n", "9223372036854775808") }  // not an Int
        #expect(throws: ParameterError.self) { try resolve("xs", "1,3.5") }
        #expect(throws: ParameterError.self) { try resolve("xs", "1,1") }                // twice
        #expect(throws: ParameterError.self) { try resolve("xs", "1") }                  // too few
        #expect(throws: ParameterError.self) { try resolve("xs", "1,inf") }              // not finite
        let many = (0..<(ParameterSpec.maximumListCount + 1)).map { String(Double($0) / 100) }.joined(separator: ",")
        #expect(throws: ParameterError.self) { try resolve("xs", many) }
    }
}
