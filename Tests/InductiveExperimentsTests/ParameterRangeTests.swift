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

    /// The largest value in range of a parameter: its maximum; for a list, the full size's entries
    /// and the largest values below the maximum, up to the longest list allowed, increasing.
    static func largest(_ spec: ParameterSpec) -> String {
        guard let maximum = spec.maximum else { return spec.full.description }
        let room = ParameterSpec.maximumListCount
        switch spec.full {
        case .int: return String(Int(maximum))
        case .double: return ParameterValue.double(maximum).description
        case .ints(let full):
            let extra = (0..<room).map { Int(maximum) - $0 }
            return Array(Set(full + extra)).sorted().suffix(room).map(String.init).joined(separator: ",")
        case .doubles(let full):
            let extra = (0..<room).map { maximum * (1 - Double($0) * 1e-6) }
            let values = Array(Set(full + extra)).sorted()
            // Keep the full size's entries (an experiment may need them), then the largest others.
            let kept = full + values.filter { !full.contains($0) }.suffix(room - full.count)
            return kept.sorted().map { ParameterValue.double($0).description }.joined(separator: ",")
        case .bool, .string: return spec.full.description
        }
    }

    /// Resolves overrides at the full size: the values, or the one-line refusal.
    static func resolve(_ experiment: any Experiment, _ overrides: [String: String]) -> Result<ParameterValues, ParameterError> {
        do { return .success(try experiment.resolve(quick: false, overrides: overrides)) } catch let error as ParameterError {
            return .failure(error)
        } catch { preconditionFailure("resolve threw \(error)") }
    }

    /// Every parameter at its largest value, and each one alone at it: either refused (in one
    /// line) or, without running it, estimated under the experiment's work bound.
    @Test(arguments: ids)
    func largestValuesAreRefusedOrBounded(_ id: String) throws {
        let experiment = try #require(ExperimentRegistry.experiment(id))
        let all = Dictionary(uniqueKeysWithValues: experiment.parameters.map { ($0.key, Self.largest($0)) })
        var combinations = [all]
        for spec in experiment.parameters { combinations.append([spec.key: all[spec.key]!]) }
        for overrides in combinations {
            // The overrides themselves lie in the declared ranges.
            #expect(throws: Never.self, "\(id): \(overrides)") {
                _ = try ParameterValues(experiment.parameters, quick: false, overrides: overrides, experiment: id)
            }
            switch Self.resolve(experiment, overrides) {
            case .success(let values):
                let work = experiment.workBound.estimate(values)
                #expect(work.isFinite && work <= experiment.workBound.limit, "\(id): \(overrides) estimated at \(work)")
            case .failure(let error):
                #expect(error.reason.hasPrefix("\(id): ") && !error.reason.contains("\n"), "\(error.reason)")
            }
        }
        // With every parameter at its largest the work is over the bound: refused, naming it.
        let values = try ParameterValues(experiment.parameters, quick: false, overrides: all, experiment: id)
        if experiment.validate(values) == nil {
            #expect(experiment.workBound.estimate(values) > experiment.workBound.limit, "\(id): the bound never binds")
            guard case .failure(let error) = Self.resolve(experiment, all) else { Issue.record("\(id): not refused"); return }
            #expect(error.reason.contains(experiment.workBound.formula + " must be at most"), "\(error.reason)")
        }
    }

    /// The full and quick sizes pass validation, and the bound lies 10 to 30 times above the
    /// full size's estimated work (enough to explore, too little for a run of days), or at
    /// the floor `WorkBound.minimumLimit` for experiments whose full size is tiny.
    @Test(arguments: ids)
    func catalogueSizesAreWellUnderTheBound(_ id: String) throws {
        let experiment = try #require(ExperimentRegistry.experiment(id))
        let full = try experiment.resolve(quick: false, overrides: [:])
        let quick = try experiment.resolve(quick: true, overrides: [:])
        let bound = experiment.workBound
        let ratio = bound.limit / bound.estimate(full)
        #expect((10...30).contains(ratio) || (bound.limit == WorkBound.minimumLimit && ratio > 30),
                "\(id): the limit is \(ratio) times the full size's work")
        #expect(bound.estimate(quick) <= bound.estimate(full), "\(id)")
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
