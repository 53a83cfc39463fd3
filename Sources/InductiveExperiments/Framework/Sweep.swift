import Foundation
import InductiveReport
import InductiveTensor

/// A problem with a sweep's input (grid, seeds, shard, directories): one line.
public struct SweepError: Error, CustomStringConvertible, Equatable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The I-th of N shards of a list of work items (1-based): the items at positions p
/// (0-based) with p mod N = I − 1.
///
/// Dealing positions round-robin gives every shard a share of every part of the list (a
/// grid whose last values cost most is spread evenly), and the N shards together hold every
/// position exactly once.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// The most shards a list may be split into.
    public static let maximumCount = 1_000_000
    /// 1...count.
    public let index: Int
    public let count: Int

    /// The whole list as one shard.
    public static let whole = Shard(uncheckedIndex: 1, count: 1)

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Shard `index` of `count` (1 <= index <= count <= `maximumCount`).
    public init(index: Int, count: Int) throws {
        guard (1...Shard.maximumCount).contains(count) else {
            throw SweepError("--shard \(index)/\(count): N must be between 1 and \(Shard.maximumCount)")
        }
        guard (1...count).contains(index) else {
            throw SweepError("--shard \(index)/\(count): I must be between 1 and N = \(count)")
        }
        self.init(uncheckedIndex: index, count: count)
    }

    /// Parses `I/N`, e.g. `3/4`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw SweepError("--shard must be I/N with whole numbers, e.g. 3/4, got '\(text)'")
        }
        try self.init(index: i, count: n)
    }

    /// True when position `p` (0-based) belongs to this shard.
    public func contains(_ position: Int) -> Bool { position % count == index - 1 }

    /// The positions of this shard among `total` items, in order.
    public func positions(of total: Int) -> StrideTo<Int> { stride(from: index - 1, to: total, by: count) }

    public var description: String { "\(index)/\(count)" }
}

/// One grid key and the values it takes, as canonical text (the form `--set` accepts and
/// `inductive run` shows).
public struct SweepAxis: Sendable, Equatable {
    public let key: String
    public let values: [String]

    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }
}

/// One point of a sweep: grid values and a seed.
public struct SweepPoint: Sendable, Equatable, Hashable {
    /// The position in the sweep's fixed order (0-based).
    public let position: Int
    /// The grid values, in the order of the grid's keys.
    public let settings: [Parameter]
    public let seed: UInt64

    /// The overrides for the run, as `--set key=value` takes them.
    public var overrides: [String: String] {
        Dictionary(settings.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// `noise=0.1 seed=4`.
    public var label: String { (settings.map { "\($0.key)=\($0.value)" } + ["seed=\(seed)"]).joined(separator: " ") }

    /// The grid values alone, `noise=0.1` (empty for a sweep over seeds only).
    public var gridLabel: String { SweepPoint.gridLabel(settings) }

    static func gridLabel(_ settings: [Parameter]) -> String { settings.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }

    /// The point's file name: readable (`noise-0.1_seed-4`), made safe and shortened, then a
    /// hash of the exact label so that different points never share a name.
    public var fileName: String {
        var readable = FileName.sanitized((settings.map { "\($0.key)-\($0.value)" } + ["seed-\(seed)"]).joined(separator: "_"))
        if readable.count > 80 { readable = String(readable.prefix(80)) }
        // The whole 64-bit hash: the readable part may be cut before `seed-S`.
        return readable + "." + SweepPlan.hashHex(label) + ".json"
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(position)
        hasher.combine(seed)
    }
}

/// A sweep of one experiment: the cartesian product of a grid of parameter values and a
/// range of seeds, in a fixed order (grid keys in the order given, the first one slowest, the
/// seeds fastest), each point run as `inductive run ID --seed S --set key=value...` would.
///
/// Every grid combination is resolved (parsed, range-checked, validated and bounded as a
/// `--set` would be) when the plan is made, so a sweep refuses bad input before any work.
public struct SweepPlan: Sendable {
    /// The most points a sweep may have.
    public static let maximumPoints = 1_000_000
    /// The most grid combinations a sweep may have (each is validated up front).
    public static let maximumGridPoints = 100_000

    public let experiment: any Experiment
    public let quick: Bool
    public let axes: [SweepAxis]
    public let seeds: ClosedRange<UInt64>
    /// The grid combinations in order (one empty combination for a sweep over seeds only).
    public let gridPoints: [[Parameter]]

    /// Parses `--grid key=v1,v2` options (list-valued parameters separate their values with
    /// `;`, e.g. `ratios=0.5,1,20;0.5,1,2,20`) and `--seeds A..B` (or a single seed `A`).
    public init(experiment: any Experiment, quick: Bool, grid: [String], seeds: String) throws {
        var axes: [SweepAxis] = []
        for option in grid {
            guard let eq = option.firstIndex(of: "="), eq != option.startIndex else {
                throw SweepError("--grid needs key=v1,v2,..., got '\(option)'")
            }
            let key = String(option[..<eq]), text = String(option[option.index(after: eq)...])
            guard let spec = experiment.parameters.first(where: { $0.key == key }) else {
                let known = experiment.parameters.map(\.key).joined(separator: ", ")
                throw SweepError("\(experiment.id) has no parameter '\(key)' (it has: \(known))")
            }
            if axes.contains(where: { $0.key == key }) { throw SweepError("--grid names '\(key)' twice") }
            let separator: Character = spec.quick.isList ? ";" : ","
            let items = text.split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !items.allSatisfy(\.isEmpty) else {
                throw SweepError("--grid \(key)= is empty: give at least one value")
            }
            var values: [String] = []
            for item in items {
                guard !item.isEmpty else { throw SweepError("--grid \(key)=\(text) has an empty value") }
                guard let parsed = spec.quick.parsing(item) else {
                    throw SweepError("\(experiment.id): \(key)=\(item) is not \(spec.quick.kindName)"
                                     + (spec.quick.isList ? " (separate the lists of a grid with ';')" : ""))
                }
                if let problem = spec.problem(with: parsed) { throw SweepError("\(experiment.id): \(key)=\(item): \(problem)") }
                let canonical = parsed.description
                if values.contains(canonical) { throw SweepError("--grid \(key) lists the value \(canonical) twice") }
                values.append(canonical)
            }
            axes.append(SweepAxis(key: key, values: values))
        }
        try self.init(experiment: experiment, quick: quick, axes: axes, seeds: try SweepPlan.parseSeeds(seeds))
    }

    /// A plan from axes whose values are canonical text (as `init(experiment:quick:grid:seeds:)`
    /// makes them, and as a sweep's manifest stores them).
    public init(experiment: any Experiment, quick: Bool, axes: [SweepAxis], seeds: ClosedRange<UInt64>) throws {
        self.experiment = experiment
        self.quick = quick
        self.axes = axes
        self.seeds = seeds
        var combinations = 1
        for axis in axes {
            guard !axis.values.isEmpty else { throw SweepError("--grid \(axis.key)= is empty: give at least one value") }
            let (product, overflow) = combinations.multipliedReportingOverflow(by: axis.values.count)
            guard !overflow, product <= SweepPlan.maximumGridPoints else {
                throw SweepError("the grid has more than \(SweepPlan.maximumGridPoints) combinations")
            }
            combinations = product
        }
        let seedCount = seeds.upperBound - seeds.lowerBound
        guard seedCount < UInt64(SweepPlan.maximumPoints), combinations * (Int(seedCount) + 1) <= SweepPlan.maximumPoints else {
            throw SweepError("the sweep has more than \(SweepPlan.maximumPoints) points (grid combinations × seeds)")
        }
        var grid: [[Parameter]] = [[]]
        for axis in axes {
            grid = grid.flatMap { prefix in axis.values.map { prefix + [Parameter(axis.key, $0)] } }
        }
        // Every combination must run as a `--set` would: checked before any work.
        for settings in grid {
            do {
                _ = try experiment.resolve(quick: quick, overrides: Dictionary(settings.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }))
            } catch let error as ParameterError {
                throw SweepError(error.reason + (settings.isEmpty ? "" : " (grid point \(SweepPoint.gridLabel(settings)))"))
            }
        }
        gridPoints = grid
    }

    /// `A..B` (inclusive) or `A`.
    public static func parseSeeds(_ text: String) throws -> ClosedRange<UInt64> {
        let parts = text.components(separatedBy: "..")
        let numbers = parts.map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), numbers.allSatisfy({ $0 != nil }) else {
            throw SweepError("--seeds must be A..B or A with seeds from 0 to 2^64 - 1, got '\(text)'")
        }
        let a = numbers[0]!, b = numbers.last!!
        guard a <= b else { throw SweepError("--seeds \(text): the first seed must not exceed the last") }
        return a...b
    }

    /// The number of seeds.
    public var seedCount: Int { Int(seeds.upperBound - seeds.lowerBound) + 1 }

    /// The number of points: grid combinations × seeds.
    public var pointCount: Int { gridPoints.count * seedCount }

    /// The point at a position of the fixed order.
    public func point(at position: Int) -> SweepPoint {
        precondition((0..<pointCount).contains(position), "point \(position) of \(pointCount)")
        let settings = gridPoints[position / seedCount]
        return SweepPoint(position: position, settings: settings, seed: seeds.lowerBound + UInt64(position % seedCount))
    }

    /// Every point, in order.
    public var points: [SweepPoint] { (0..<pointCount).map(point(at:)) }

    /// The points of one shard, in order.
    public func points(in shard: Shard) -> [SweepPoint] { shard.positions(of: pointCount).map(point(at:)) }

    /// `A..B`, or `A` for one seed.
    public var seedsText: String { seeds.lowerBound == seeds.upperBound ? "\(seeds.lowerBound)" : "\(seeds.lowerBound)..\(seeds.upperBound)" }

    /// The grid as options, `--grid noise=0.1,0.5 ...`.
    public var gridText: String {
        axes.map { axis in
            let separator = experiment.parameters.first { $0.key == axis.key }?.quick.isList == true ? ";" : ","
            return "\(axis.key)=\(axis.values.joined(separator: separator))"
        }.joined(separator: " ")
    }

    /// The manifest written as `sweep.json` by every shard: the same bytes for every shard of
    /// one sweep, so that shards can share a folder and a merge can tell sweeps apart.
    public var manifest: JSONValue {
        .object([
            ("format", .string(SweepPlan.manifestFormat)),
            ("experiment", .string(experiment.id)),
            ("fingerprint", .string(SweepPlan.fingerprint(experiment))),
            ("inductive", .string(InductiveVersion.string)),
            ("size", .string(quick ? "quick" : "full")),
            ("grid", .array(axes.map { .object([("key", .string($0.key)), ("values", .array($0.values.map { .string($0) }))]) })),
            ("seeds", .string(seedsText)),
            ("points", .int(pointCount)),
        ])
    }

    public static let manifestFormat = "inductive sweep 1"

    /// A plan from a manifest's text (refusing another format, an unknown experiment or an
    /// experiment whose declaration changed since the manifest was written).
    public static func fromManifest(_ data: Data, path: String, experiments: [any Experiment] = ExperimentRegistry.all) throws -> SweepPlan {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              object["format"] as? String == manifestFormat,
              let id = object["experiment"] as? String, let fingerprint = object["fingerprint"] as? String,
              let size = object["size"] as? String, let seeds = object["seeds"] as? String,
              let version = object["inductive"] as? String else {
            throw SweepError("\(path) is not a sweep manifest (\(manifestFormat))")
        }
        guard let experiment = experiments.first(where: { $0.id == id }) else {
            throw SweepError("\(path): unknown experiment '\(id)'")
        }
        guard version == InductiveVersion.string, fingerprint == SweepPlan.fingerprint(experiment) else {
            throw SweepError("\(path) was made by another version of \(id) (inductive \(version), another declaration of its parameters or checks); this is inductive \(InductiveVersion.string)")
        }
        guard let grid = object["grid"] as? [[String: Any]] else { throw SweepError("\(path) is not a sweep manifest (grid)") }
        let axes = try grid.map { axis -> SweepAxis in
            guard let key = axis["key"] as? String, let values = axis["values"] as? [String] else {
                throw SweepError("\(path) is not a sweep manifest (grid)")
            }
            return SweepAxis(key: key, values: values)
        }
        return try SweepPlan(experiment: experiment, quick: size == "quick", axes: axes, seeds: parseSeeds(seeds))
    }

    /// A hash of what defines the experiment's results: its id, parameters (keys, values,
    /// ranges) and checks (ids, rules), and the toolkit's version. Results with different
    /// fingerprints are never merged.
    ///
    /// Limit: the experiment's code is not hashed, so shards built from commits that differ
    /// only inside an experiment's `run` get equal fingerprints; merge only shards of one build.
    public static func fingerprint(_ experiment: any Experiment) -> String {
        var text = "\(InductiveVersion.string)|\(experiment.id)"
        for p in experiment.parameters {
            text += "|p:\(p.key)=\(p.quick)/\(p.full)[\(p.minimum.map { "\($0)" } ?? "")..\(p.maximum.map { "\($0)" } ?? "")#\(p.minimumCount)]"
        }
        for c in experiment.checks {
            text += "|c:\(c.id):\(c.name):\(c.comparator):\(c.quickComparator.map { "\($0)" } ?? ""):\(c.fullOnly)"
        }
        return hashHex(text)
    }

    /// 64-bit FNV-1a of the UTF-8 bytes, as 16 hex digits (stable across runs and machines).
    static func hashHex(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension ParameterValue {
    var isList: Bool {
        switch self {
        case .ints, .doubles: return true
        default: return false
        }
    }
}
