import InductiveReport
import Testing

@Suite struct NumberFormatTests {
    let minus = "\u{2212}"

    @Test func fixedDecimals() {
        #expect(NumberFormat.fixed(3.14159, decimals: 2) == "3.14")
        #expect(NumberFormat.fixed(-0.5, decimals: 1) == "\(minus)0.5")
        #expect(NumberFormat.fixed(0.05, decimals: 3) == "0.050")
        #expect(NumberFormat.fixed(-0.0001, decimals: 2) == "0.00", "no negative zero")
        #expect(NumberFormat.fixed(12, decimals: 0) == "12")
    }

    @Test func significantDigitsAndScientificNotation() {
        #expect(NumberFormat.significant(0.024301) == "0.0243")
        #expect(NumberFormat.significant(-0.49871) == "\(minus)0.4987")
        #expect(NumberFormat.significant(1234.5678) == "1235")
        #expect(NumberFormat.significant(1.5e-7) == "1.5×10^{\(minus)7}")
        #expect(NumberFormat.significant(1e-8) == "10^{\(minus)8}")
        #expect(NumberFormat.significant(-2e9) == "\(minus)2×10^{9}")
        #expect(NumberFormat.significant(9.99999e-5) == "10^{\(minus)4}", "rounding carries into the exponent")
        #expect(NumberFormat.significant(0) == "0")
        #expect(NumberFormat.significant(3) == "3")
    }

    @Test func nonFiniteValuesAreNamed() {
        #expect(NumberFormat.significant(.nan) == "NaN")
        #expect(NumberFormat.significant(.infinity) == "∞")
        #expect(NumberFormat.significant(-.infinity) == "\(minus)∞")
        #expect(NumberFormat.fixed(.nan, decimals: 2) == "NaN")
    }

    @Test func durations() {
        #expect(NumberFormat.duration(0.842) == "0.84 s")
        #expect(NumberFormat.duration(12.34) == "12.3 s")
        #expect(NumberFormat.duration(125) == "2 min 05 s")
        #expect(NumberFormat.duration(3725) == "1 h 02 min")
        #expect(NumberFormat.duration(.nan) == "–")
    }
}
