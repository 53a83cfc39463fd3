import Foundation
import InductiveReport
import Testing

@Suite struct TicksTests {
    @Test func niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        #expect(AxisTicks.niceStep(span: 1, count: 5) == 0.2)
        #expect(AxisTicks.niceStep(span: 10, count: 5) == 2)
        #expect(AxisTicks.niceStep(span: 7, count: 5) == 2)
        #expect(AxisTicks.niceStep(span: 300, count: 5) == 100)
        #expect(AxisTicks.niceStep(span: 0.03, count: 6) == 0.005)
        for span in [0.0013, 0.7, 3.3, 47, 1234, 9.9e6] {
            for count in 2...9 {
                let step = AxisTicks.niceStep(span: span, count: count)
                // A power of ten and a division: a few ulp; 1e-9 only absorbs that (and the 1e-9
                // slack the tick code itself uses for span / step).
                let mantissa = step / pow(10, floor(log10(step)))
                #expect([1.0, 2, 5].contains { abs(mantissa - $0) < 1e-9 }, "step \(step) for span \(span)")
                #expect(span / step <= Double(count) + 1e-9, "too many intervals: \(span / step)")
            }
        }
    }

    @Test func linearTicksWidenTheDomainToRoundNumbers() {
        let fitted = AxisTicks.linear(lo: 0.013, hi: 0.97, count: 5)
        #expect(fitted.domain == 0...1)
        #expect(fitted.ticks.map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let expected = [0, 0.2, 0.4, 0.6, 0.8, 1]
        #expect(zip(fitted.ticks.map(\.value), expected).allSatisfy { abs($0 - $1) < 1e-12 })  // k * 0.2: <= 1 ulp
        #expect(fitted.ticks.allSatisfy { $0.isMajor })
    }

    @Test func roundEndsOnlyWhenTheyCostLittleRoom() {
        let fitted = AxisTicks.linear(lo: 0, hi: 31, count: 5)
        #expect(fitted.domain.lowerBound == 0)
        #expect(fitted.domain.upperBound > 31 && fitted.domain.upperBound < 33, "not widened to 40")
        #expect(fitted.ticks.map(\.label) == ["0", "10", "20", "30"])
    }

    @Test func linearTickLabelsUseTheMinusSignAndKeepZeroExact() {
        let ticks = AxisTicks.linear(lo: -1, hi: 1, count: 4).ticks
        #expect(ticks.map(\.label) == ["\u{2212}1.0", "\u{2212}0.5", "0", "0.5", "1.0"])
        #expect(ticks[2].value == 0)
    }

    @Test func linearTicksWithoutWideningStayInside() {
        let ticks = AxisTicks.linear(lo: 0.13, hi: 0.91, count: 4, extend: false).ticks
        #expect(ticks.map(\.label) == ["0.2", "0.4", "0.6", "0.8"])
    }

    @Test func tinyAndHugeLinearStepsArePowersOfTen() {
        let small = AxisTicks.linear(lo: 0, hi: 1e-5, count: 5).ticks
        #expect(small.first?.label == "0")
        #expect(small.last?.label == "10^{\u{2212}5}")
        #expect(small[1].label == "2×10^{\u{2212}6}")
        let large = AxisTicks.linear(lo: 0, hi: 1.2e6, count: 6).ticks
        #expect(large.map(\.label).contains("2×10^{5}"))
        #expect(large.map(\.label).contains("10^{6}"))
    }

    @Test func degenerateAndNonFiniteRangesStillGiveTicks() {
        #expect(AxisTicks.linear(lo: 3, hi: 3, count: 5).ticks.count >= 2)
        #expect(AxisTicks.linear(lo: 0, hi: 0, count: 5).ticks.count >= 2)
        #expect(AxisTicks.linear(lo: .nan, hi: .infinity, count: 5).domain == 0...1)
        #expect(AxisTicks.logarithmic(lo: -1, hi: 10, maxLabels: 5).isEmpty)
        #expect(AxisTicks.logarithmic(lo: .nan, hi: 10, maxLabels: 5).isEmpty)
    }

    @Test func logTicksSitAtDecadesWithMinorTicksBetween() {
        let ticks = AxisTicks.logarithmic(lo: 1e-4, hi: 1, maxLabels: 6)
        let majors = ticks.filter(\.isMajor)
        #expect(majors.map(\.value) == [1e-4, 1e-3, 1e-2, 1e-1, 1])
        #expect(majors.map(\.label) == ["10^{−4}", "10^{−3}", "10^{−2}", "10^{−1}", "10^{0}"])
        let minors = ticks.filter { !$0.isMajor }
        #expect(minors.count == 4 * 8)
        #expect(minors.allSatisfy { $0.label.isEmpty })
        // m * 10^k: one rounding, <= 0.5 ulp(0.09) ~ 7e-18.
        #expect(minors.contains { abs($0.value - 2e-3) < 1e-15 })
        #expect(minors.contains { abs($0.value - 9e-2) < 1e-15 })
        #expect(ticks.map(\.value) == ticks.map(\.value).sorted())
    }

    @Test func logDecadesBetweenAHundredthAndAThousandArePlainNumbers() {
        let majors = AxisTicks.logarithmic(lo: 0.05, hi: 5000, maxLabels: 8).filter(\.isMajor)
        #expect(majors.map(\.label) == ["0.1", "1", "10", "100", "1000"])
    }

    @Test func manyDecadesLabelEveryFewWithUnlabelledDecadesAsMinorTicks() {
        let ticks = AxisTicks.logarithmic(lo: 1e-30, hi: 1, maxLabels: 6)
        let majors = ticks.filter(\.isMajor)
        #expect(majors.count <= 6 && majors.count >= 3)
        #expect(majors.contains { $0.value == 1 })
        #expect(ticks.count == 31, "every decade gets a tick")
        #expect(ticks.allSatisfy { t in
            let k = log10(t.value)
            return abs(k - k.rounded()) < 1e-9  // log10 of a correctly rounded 10^k: ~1e-16
        })
    }

    @Test func aboutOneDecadeIsLabelledAtOneTwoFive() {
        let majors = AxisTicks.logarithmic(lo: 0.015, hi: 0.3, maxLabels: 6).filter(\.isMajor)
        #expect(majors.map(\.label) == ["0.02", "0.05", "0.1", "0.2"])
    }

    @Test func lessThanAFactorOfTwoFallsBackToLinearSteps() {
        let ticks = AxisTicks.logarithmic(lo: 1.1, hi: 1.9, maxLabels: 5)
        #expect(ticks.count >= 2)
        #expect(ticks.allSatisfy { $0.value >= 1.1 && $0.value <= 1.9 })
    }
}
