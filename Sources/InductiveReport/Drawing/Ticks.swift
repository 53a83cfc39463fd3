/// A tick on an axis or colour bar.
public struct Tick: Sendable, Equatable {
    /// The position in data units.
    public var value: Double
    /// The label (with `^{}` markup for powers of ten); empty for a minor tick.
    public var label: String
    /// Major ticks carry a label and a grid line; minor ticks are short marks.
    public var isMajor: Bool

    public init(value: Double, label: String, isMajor: Bool) {
        self.value = value
        self.label = label
        self.isMajor = isMajor
    }
}

/// Tick placement for linear and logarithmic axes.
public enum AxisTicks {
    /// The "nice" step for about `count` intervals over `span`: 1, 2 or 5 × 10^k, the
    /// smallest such step giving at most `count` intervals.
    public static func niceStep(span: Double, count: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let rough = span / Double(max(1, count))
        let power = _exp10(_log10(rough).rounded(.down))
        let fraction = rough / power
        let nice: Double = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10
        return nice * power
    }

    /// Linear ticks: a nice step for about `count` intervals; with `extend`, the domain is
    /// widened to the multiples of the step around [lo, hi] where that adds at most 10% of
    /// the span (3% margin otherwise); without, the ticks stay inside [lo, hi].
    public static func linear(lo: Double, hi: Double, count: Int, extend: Bool = true) -> (domain: ClosedRange<Double>, ticks: [Tick]) {
        var lo = lo, hi = hi
        if !(lo.isFinite && hi.isFinite) { lo = 0; hi = 1 }
        if lo > hi { swap(&lo, &hi) }
        if lo == hi {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let step = niceStep(span: hi - lo, count: count)
        if extend {
            // Round ends when that costs little room; a small margin otherwise.
            let span = hi - lo
            let niceLo = (lo / step + 1e-9).rounded(.down) * step
            let niceHi = (hi / step - 1e-9).rounded(.up) * step
            lo = lo - niceLo <= 0.1 * span ? niceLo : lo - 0.03 * span
            hi = niceHi - hi <= 0.1 * span ? niceHi : hi + 0.03 * span
        }
        let first = Int((lo / step - 1e-9).rounded(.up)), last = Int((hi / step + 1e-9).rounded(.down))
        let decimals = max(0, -Int((_log10(step) + 1e-9).rounded(.down)))
        let values = first <= last ? (first...last).map { Double($0) * step } : []
        let largest = values.map { abs($0) }.max() ?? 0
        let scientific = largest >= 1e5 || decimals > 4
        let stepExponent = Int((_log10(step) + 1e-9).rounded(.down))
        let ticks = values.map { v -> Tick in
            let snapped = abs(v) < step * 1e-9 ? 0 : v
            let label: String
            if snapped == 0 {
                label = "0"
            } else if scientific {
                let e = Int((_log10(abs(snapped)) + 1e-9).rounded(.down))
                label = NumberFormat.scientific(mantissa: snapped / _exp10(Double(e)), exponent: e, decimals: max(0, e - stepExponent))
            } else {
                label = NumberFormat.fixed(snapped, decimals: decimals)
            }
            return Tick(value: snapped, label: label, isMajor: true)
        }
        return (lo...hi, ticks)
    }

    /// Logarithmic ticks on [lo, hi] (`0 < lo < hi`): labelled decades (every s-th
    /// decade when more than `maxLabels` would fit) with minor ticks at 2…9 × 10^k; for
    /// spans of about two decades or less, labels at 1, 2, 5 × 10^k.
    public static func logarithmic(lo: Double, hi: Double, maxLabels: Int) -> [Tick] {
        guard lo > 0, hi > lo, lo.isFinite, hi.isFinite else { return [] }
        let maxLabels = max(2, maxLabels)
        let kMin = Int((_log10(lo) - 1e-9).rounded(.up)), kMax = Int((_log10(hi) + 1e-9).rounded(.down))
        let decades = kMax - kMin + 1
        let inRange = { (v: Double) in v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) }
        func multiples(_ ms: [Int]) -> [Double] {
            var out: [Double] = []
            for k in (kMin - 1)...(kMax) {
                for m in ms {
                    let v = Double(m) * _exp10(Double(k))
                    if inRange(v) { out.append(v) }
                }
            }
            return out
        }
        let oneTwoFive = multiples([1, 2, 5])
        if decades >= 3 || (decades == 2 && oneTwoFive.count > maxLabels) {
            var stride = 1
            for s in [1, 2, 3, 4, 5, 10, 20, 50, 100] {
                stride = s
                if (decades + s - 1) / s <= maxLabels { break }
            }
            let labelled = (kMin...kMax).filter { (($0 % stride) + stride) % stride == 0 }
            // 0.01 … 1000 read best as plain numbers; beyond, every label is a power of ten.
            let plain = labelled.allSatisfy { (-2...3).contains($0) }
            var ticks: [Tick] = []
            for k in kMin...kMax {
                let isLabelled = labelled.contains(k)
                let label = !isLabelled ? "" : plain ? plainLabel(_exp10(Double(k))) : "10^{" + NumberFormat.integer(k) + "}"
                ticks.append(Tick(value: _exp10(Double(k)), label: label, isMajor: isLabelled))
            }
            if stride == 1 {
                for v in multiples([2, 3, 4, 5, 6, 7, 8, 9]) { ticks.append(Tick(value: v, label: "", isMajor: false)) }
            }
            return ticks.sorted { $0.value < $1.value }
        }
        var majors = oneTwoFive
        if majors.count < 2 { majors = multiples(Array(1...9)) }
        if majors.count > maxLabels {
            let keep = (majors.count + maxLabels - 1) / maxLabels
            majors = majors.enumerated().filter { $0.offset % keep == 0 }.map(\.element)
        }
        if majors.count < 2 {
            // Less than a factor of two: linear steps read best.
            return linear(lo: lo, hi: hi, count: maxLabels, extend: false).ticks
        }
        let majorSet = Set(majors)
        var ticks = majors.map { Tick(value: $0, label: plainLabel($0), isMajor: true) }
        for v in multiples(Array(1...9)) where !majorSet.contains(v) {
            ticks.append(Tick(value: v, label: "", isMajor: false))
        }
        return ticks.sorted { $0.value < $1.value }
    }

    /// Fixed tick positions labelled as plain numbers.
    static func fixed(_ values: [Double]) -> [Tick] {
        values.filter(\.isFinite).map { Tick(value: $0, label: plainLabel($0), isMajor: true) }
    }

    /// A short label for a round number: decimals up to 10^{-3}, powers of ten beyond.
    static func plainLabel(_ v: Double) -> String {
        if v == 0 { return "0" }
        let magnitude = abs(v)
        if magnitude >= 1e5 || magnitude < 1e-3 { return NumberFormat.significant(v, digits: 3) }
        return NumberFormat.significant(v, digits: 6)
    }
}
