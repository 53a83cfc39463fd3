import Foundation

/// An upper bound, in bytes, on the memory a kernel computation may hold at once.
///
/// The empirical NTK plans its blocks of inputs so that its estimated peak stays under the
/// budget, and throws `MemoryBudgetExceeded` before doing any work if even one input per
/// block would not fit.
public struct MemoryBudget: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// The bound in bytes.
    public var bytes: Int

    /// A budget of `bytes` bytes (> 0).
    public init(bytes: Int) {
        precondition(bytes > 0, "MemoryBudget: bytes must be positive")
        self.bytes = bytes
    }

    /// A budget of `g` GiB.
    public static func gibibytes(_ g: Double) -> MemoryBudget {
        precondition(g > 0 && g.isFinite, "MemoryBudget: gibibytes must be positive")
        return MemoryBudget(bytes: Int(g * Double(1 << 30)))
    }

    /// A fraction (0, 1] of the machine's physical memory.
    public static func fractionOfPhysicalMemory(_ fraction: Double) -> MemoryBudget {
        precondition(fraction > 0 && fraction <= 1, "MemoryBudget: fraction must be in (0, 1]")
        return MemoryBudget(bytes: Swift.max(1, Int(Double(ProcessInfo.processInfo.physicalMemory) * fraction)))
    }

    /// Half of the physical memory.
    public static var `default`: MemoryBudget { fractionOfPhysicalMemory(0.5) }

    /// Ordered by bytes.
    public static func < (a: MemoryBudget, b: MemoryBudget) -> Bool { a.bytes < b.bytes }

    /// "1.50 GiB", "3.0 MiB", ...
    public var description: String { formatBytes(bytes) }
}

/// The planned work did not fit in the memory budget.
public struct MemoryBudgetExceeded: Error, CustomStringConvertible, Sendable {
    /// The smallest peak the computation can reach (one input per block), in bytes.
    public let minimumBytes: Int
    /// The budget.
    public let budget: MemoryBudget
    /// What was being planned.
    public let what: String

    /// The error for a computation `what` whose smallest peak exceeds `budget`.
    public init(minimumBytes: Int, budget: MemoryBudget, what: String) {
        self.minimumBytes = minimumBytes
        self.budget = budget
        self.what = what
    }

    /// One line for the user: what, how much at least, and the budget.
    public var description: String {
        "\(what) needs at least \(formatBytes(minimumBytes)) even one input at a time, over the memory budget of \(budget)"
    }
}

/// "512 KiB", "1.50 GiB", ...
func formatBytes(_ bytes: Int) -> String {
    let b = Double(bytes)
    if b >= Double(1 << 30) { return String(format: "%.2f GiB", b / Double(1 << 30)) }
    if b >= Double(1 << 20) { return String(format: "%.1f MiB", b / Double(1 << 20)) }
    if b >= 1024 { return String(format: "%.0f KiB", b / 1024) }
    return "\(bytes) B"
}
