import Dispatch
import Foundation

/// Splits large loops over the processor's cores with Dispatch's `concurrentPerform`
/// (Dispatch's own worker threads; no thread pool or other state of ours).
///
/// Results never depend on how many cores ran: elementwise loops write each element once,
/// whichever thread computes it, and reductions (`chunkedSum`) cut the input into
/// chunks of a fixed length, independent of the thread count, and combine the chunk
/// results in chunk order.
public enum Parallel {
    /// Elements per part for costly elementwise functions (libm calls, exp: 0.7-2.5 ns per
    /// element). Measured on a quiet 2-core machine: a split costs about 10 us; 2^16 libm
    /// logs ran 1.28x faster split in two, 2^17 1.97x.
    public static let minimumElementsPerPart = 1 << 15

    /// Elements per part for cheap, memory-bound operations (+, *, in-place updates: 0.2-0.5
    /// ns per element). Measured: 2^16 additions split in two were 0.58x as fast, 2^17 0.83x,
    /// 2^18 1.05x, 2^20 1.76x; so parts of at least 2^17 elements.
    public static let minimumCheapElementsPerPart = 1 << 17

    /// Chunk length of `chunkedSum`: sums of at most this many elements are one chunk, so
    /// they are computed exactly as by a single running four-way sum.
    public static let sumChunk = 1 << 18

    /// The number of parts for `count` elements: one per active processor, fewer when a
    /// part would have fewer than `minimumPerPart` elements.
    @inlinable
    public static func parts(count: Int, minimumPerPart: Int = minimumElementsPerPart) -> Int {
        let most = count / Swift.max(minimumPerPart, 1)
        return most < 2 ? 1 : Swift.min(cores, most)
    }

    /// Active processors, read once: on Linux, Foundation's `activeProcessorCount` reads
    /// cgroup and proc files on every call (four system calls), far more than a small
    /// elementwise operation costs. A constant of the process, not mutable state.
    public static let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` on contiguous ranges that partition `0 ..< count`, concurrently when
    /// there is more than one part (see `parts(count:minimumPerPart:)`). `body` must only
    /// write to positions of its own range. O(count) work, O(parts) overhead.
    @inlinable
    public static func forEachRange(count: Int, minimumPerPart: Int = minimumElementsPerPart, _ body: (Range<Int>) -> Void) {
        forEachRange(count: count, parts: parts(count: count, minimumPerPart: minimumPerPart), body)
    }

    /// Calls `body` on `parts` contiguous ranges of nearly equal length that partition
    /// `0 ..< count` (concurrently when parts > 1; serially in order when parts == 1).
    @inlinable
    public static func forEachRange(count: Int, parts: Int, _ body: (Range<Int>) -> Void) {
        let p = Swift.max(1, Swift.min(parts, count))
        if p == 1 {
            body(0..<count)
            return
        }
        // concurrentPerform wants a @Sendable closure; `body` is documented to touch only
        // its own range (and the library's callers pass pure elementwise operations), and it
        // does not outlive this call, which returns when every part has finished.
        withoutActuallyEscaping(body) { escaping in
            nonisolated(unsafe) let work = escaping
            DispatchQueue.concurrentPerform(iterations: p) { k in
                work((k * count / p)..<((k + 1) * count / p))
            }
        }
    }

    /// The sum of `x` in a fixed order independent of the thread count: chunks of
    /// `sumChunk` elements are each summed with four interleaved accumulators,
    /// ((s0 + s1) + (s2 + s3)), and the chunk sums are added left to right. For
    /// count <= sumChunk this is one chunk: the plain four-way sum. `parts` (default: one per
    /// core, for large inputs) only decides which thread sums which chunks.
    public static func chunkedSum(_ x: UnsafeBufferPointer<Double>, parts requested: Int? = nil) -> Double {
        let n = x.count
        let chunks = (n + sumChunk - 1) / sumChunk
        if chunks <= 1 { return fourWaySum(x) }
        let parts = requested ?? Parallel.parts(count: n)
        var partial = [Double](repeating: 0, count: chunks)
        partial.withUnsafeMutableBufferPointer { out in
            forEachRange(count: chunks, parts: parts) { range in
                for c in range {
                    let start = c * sumChunk
                    out[c] = fourWaySum(UnsafeBufferPointer(rebasing: x[start..<Swift.min(start + sumChunk, n)]))
                }
            }
        }
        var s = 0.0
        for v in partial { s += v }
        return s
    }

    /// Four interleaved running sums, combined as (s0 + s1) + (s2 + s3).
    @inlinable
    static func fourWaySum(_ p: UnsafeBufferPointer<Double>) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        let n = p.count
        var i = 0
        while i + 4 <= n {
            s0 += p[i]; s1 += p[i + 1]; s2 += p[i + 2]; s3 += p[i + 3]
            i += 4
        }
        while i < n { s0 += p[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }
}
