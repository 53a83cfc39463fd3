#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Progress of long work on standard error: on a terminal one line rewritten in place; in a
/// log (not a terminal) a plain line at most every `interval` seconds, plus the last one.
public struct ProgressLine: Sendable {
    public let isTerminal: Bool
    public var interval: Double
    private var lastPrinted: Double = -.infinity
    private let start: Double
    private var lastWidth = 0

    public init(interval: Double = 10, forceTerminal: Bool? = nil) {
        isTerminal = forceTerminal ?? (isatty(STDERR_FILENO) != 0)
        self.interval = interval
        start = ProgressLine.now()
    }

    /// Monotonic seconds.
    public static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

    /// Seconds since the line was created.
    public var elapsed: Double { ProgressLine.now() - start }

    /// Estimated seconds left when `done` of `total` units took `elapsed` so far.
    public func remaining(done: Double, total: Double) -> Double {
        done > 0 ? elapsed * (total - done) / done : .nan
    }

    /// Shows `text`; `final` forces a plain line (and ends the terminal line).
    public mutating func update(_ text: String, final: Bool = false) {
        let t = ProgressLine.now()
        if isTerminal {
            let padded = text + String(repeating: " ", count: Swift.max(0, lastWidth - text.count))
            FileHandle.standardError.write(Data(("\r" + padded + (final ? "\n" : "")).utf8))
            lastWidth = final ? 0 : text.count
        } else if final || t - lastPrinted >= interval {
            FileHandle.standardError.write(Data((text + "\n").utf8))
            lastPrinted = t
        }
    }

    /// "1m05s"-style duration.
    public static func format(seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
