import ArgumentParser
import Foundation
import Inductive

/// A problem with the user's input found before or during the work: printed as one line.
struct InputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The memory budget of commands whose cost depends on the user's numbers (`--memory-gib`):
/// each command estimates its peak memory from its inputs and options before allocating, and
/// refuses with one line when the estimate is over the budget.
struct MemoryLimitOptions: ParsableArguments {
    /// The smallest and largest budgets accepted, in GiB (about 1 MiB; 1 PiB).
    static let range = 0.001...(1024.0 * 1024)

    @Option(name: .customLong("memory-gib"), parsing: .unconditional,
            help: "Memory budget in GiB: the command refuses, before any work, inputs whose estimated peak memory is larger (default: half the physical memory).")
    var memoryGiB: Double?

    func validate() throws {
        if let memoryGiB {
            guard Self.range.contains(memoryGiB) else {
                throw ValidationError("--memory-gib must be between 0.001 and \(Int(Self.range.upperBound)), got \(memoryGiB)")
            }
        }
    }

    /// The budget (validated, so `MemoryBudget.gibibytes` cannot trap).
    var budget: MemoryBudget { memoryGiB.map(MemoryBudget.gibibytes) ?? .default }

    /// Throws when `bytes` (an estimate, as a Double so that huge requests do not overflow) is
    /// over the budget.
    func check(_ bytes: Double, _ what: String) throws {
        let budget = self.budget
        guard bytes.isFinite && bytes <= Double(budget.bytes) else {
            throw InputError("\(what) needs \(describeBytes(bytes)), over the memory budget of \(budget) (raise it with --memory-gib)")
        }
    }
}

/// "about 12.5 GiB", "about 3.2e+09 GiB" for estimates too large for an Int.
func describeBytes(_ bytes: Double) -> String {
    let gib = bytes / Double(1 << 30)
    if !bytes.isFinite { return "more memory than can be counted" }
    if gib >= 1e6 { return String(format: "about %.2g GiB", gib) }
    if gib >= 1 { return String(format: "about %.1f GiB", gib) }
    return String(format: "about %.1f MiB", bytes / Double(1 << 20))
}

/// Checks a number option: finite and in a range, with a message that names the option.
func requireNumber(_ value: Double, _ option: String, _ range: ClosedRange<Double>, _ what: String) throws {
    guard value.isFinite && range.contains(value) else { throw ValidationError("--\(option) must be \(what), got \(value)") }
}

/// Checks an integer option against its range, with a message that names the option.
func requireInteger(_ value: Int, _ option: String, _ range: ClosedRange<Int>) throws {
    guard range.contains(value) else {
        let text = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
        throw ValidationError("--\(option) must be \(text), got \(value)")
    }
}
