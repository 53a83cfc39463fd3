/// A typed parameter value.
public enum ParameterValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case ints([Int])
    case doubles([Double])
    case bool(Bool)
    case string(String)

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return Self.format(v)
        case .ints(let v): return v.map(String.init).joined(separator: ",")
        case .doubles(let v): return v.map(Self.format).joined(separator: ",")
        case .bool(let v): return String(v)
        case .string(let v): return v
        }
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && Swift.abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    /// Parses `text` as a value of the same kind as `self` (lists are comma-separated).
    func parsing(_ text: String) -> ParameterValue? {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        switch self {
        case .int: return Int(text).map(ParameterValue.int)
        case .double: return Double(text).flatMap { $0.isFinite ? .double($0) : nil }
        case .ints:
            let v = items.compactMap { Int($0) }
            return v.count == items.count && !v.isEmpty ? .ints(v) : nil
        case .doubles:
            let v = items.compactMap { Double($0) }.filter(\.isFinite)
            return v.count == items.count && !v.isEmpty ? .doubles(v) : nil
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: return nil
            }
        case .string: return .string(text)
        }
    }

    var kindName: String {
        switch self {
        case .int: return "an integer"
        case .double: return "a number"
        case .ints: return "a comma-separated list of integers"
        case .doubles: return "a comma-separated list of numbers"
        case .bool: return "true or false"
        case .string: return "text"
        }
    }
}

/// A parameter an experiment declares, with its value in the quick and the full size, and
/// the range an override must stay in: every value in the range must run (or be refused by the
/// experiment's `validate` or its `workBound` with a one-line message), so the maximum bounds
/// the memory a single number can ask for, and the work bound what all of them ask for together.
public struct ParameterSpec: Sendable {
    /// The most entries any list parameter may have.
    public static let maximumListCount = 100

    public let key: String
    public let help: String
    public let quick: ParameterValue
    public let full: ParameterValue
    /// The smallest allowed number (every entry, for lists); nil: no bound.
    public let minimum: Double?
    /// The largest allowed number (every entry, for lists); nil: no bound.
    public let maximum: Double?
    /// The fewest entries a list may have.
    public let minimumCount: Int

    /// A parameter whose numbers (every entry, for lists) lie in minimum...maximum when those
    /// are given; lists need `minimumCount` to `maximumListCount` distinct entries.
    public init(_ key: String, _ help: String, quick: ParameterValue, full: ParameterValue,
                minimum: Double? = nil, maximum: Double? = nil, minimumCount: Int = 1) {
        self.key = key
        self.help = help
        self.quick = quick
        self.full = full
        self.minimum = minimum
        self.maximum = maximum
        self.minimumCount = minimumCount
    }

    /// The same value in both sizes.
    public init(_ key: String, _ help: String, _ value: ParameterValue, minimum: Double? = nil, maximum: Double? = nil,
                minimumCount: Int = 1) {
        self.init(key, help, quick: value, full: value, minimum: minimum, maximum: maximum, minimumCount: minimumCount)
    }

    /// Why `value` is out of range, or nil.
    func problem(with value: ParameterValue) -> String? {
        let numbers: [Double]
        switch value {
        case .int(let v): numbers = [Double(v)]
        case .double(let v): numbers = [v]
        case .ints(let v): numbers = v.map(Double.init)
        case .doubles(let v): numbers = v
        case .bool, .string: return nil
        }
        if numbers.count < minimumCount { return "needs at least \(minimumCount) values" }
        if numbers.count > Self.maximumListCount { return "has more than \(Self.maximumListCount) values" }
        if Set(numbers).count < numbers.count { return "lists the same value twice" }
        if let minimum, let bad = numbers.first(where: { $0 < minimum }) {
            return "\(ParameterValue.format(bad)) is below the minimum \(ParameterValue.format(minimum))"
        }
        if let maximum, let bad = numbers.first(where: { $0 > maximum }) {
            return "\(ParameterValue.format(bad)) is above the maximum \(ParameterValue.format(maximum))"
        }
        return nil
    }
}

/// A value given with `--set key=value` that the experiment does not accept.
public struct ParameterError: Error, CustomStringConvertible, Equatable {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The resolved parameters of one run.
public struct ParameterValues: Sendable {
    public private(set) var values: [(key: String, value: ParameterValue)]
    /// The keys set by overrides (not the catalogue's values).
    public private(set) var overridden: [String] = []

    /// Resolves the declared parameters for a size, applying `overrides` (key=value), which
    /// must name declared keys, parse as the declared kind and stay in the declared range.
    public init(_ specs: [ParameterSpec], quick: Bool, overrides: [String: String], experiment: String) throws {
        values = specs.map { ($0.key, quick ? $0.quick : $0.full) }
        for (key, text) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let i = values.firstIndex(where: { $0.key == key }) else {
                let known = specs.map(\.key).joined(separator: ", ")
                throw ParameterError(reason: "\(experiment) has no parameter '\(key)' (it has: \(known))")
            }
            guard let parsed = values[i].value.parsing(text) else {
                throw ParameterError(reason: "\(experiment): \(key)=\(text) is not \(values[i].value.kindName)")
            }
            if let problem = specs[i].problem(with: parsed) {
                throw ParameterError(reason: "\(experiment): \(key)=\(text): \(problem)")
            }
            values[i].value = parsed
            overridden.append(key)
        }
    }

    func value(_ key: String) -> ParameterValue {
        guard let v = values.first(where: { $0.key == key })?.value else {
            preconditionFailure("parameter '\(key)' was not declared")
        }
        return v
    }

    public func int(_ key: String) -> Int {
        guard case .int(let v) = value(key) else { preconditionFailure("parameter '\(key)' is not an integer") }
        return v
    }
    public func double(_ key: String) -> Double {
        switch value(key) {
        case .double(let v): return v
        case .int(let v): return Double(v)
        default: preconditionFailure("parameter '\(key)' is not a number")
        }
    }
    public func ints(_ key: String) -> [Int] {
        guard case .ints(let v) = value(key) else { preconditionFailure("parameter '\(key)' is not a list of integers") }
        return v
    }
    public func doubles(_ key: String) -> [Double] {
        guard case .doubles(let v) = value(key) else { preconditionFailure("parameter '\(key)' is not a list of numbers") }
        return v
    }
    public func bool(_ key: String) -> Bool {
        guard case .bool(let v) = value(key) else { preconditionFailure("parameter '\(key)' is not a flag") }
        return v
    }
    public func string(_ key: String) -> String {
        guard case .string(let v) = value(key) else { preconditionFailure("parameter '\(key)' is not text") }
        return v
    }
}

import Foundation
