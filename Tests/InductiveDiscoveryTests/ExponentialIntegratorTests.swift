import Foundation
import InductiveDiscovery
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct ExponentialIntegratorTests {
    @Test func contourCoefficientsMatchDirectFormulasAndSmallZLimits() {
        let h = 0.01
        // z = hL: real (diffusive), imaginary (dispersive), mixed, tiny and zero.
        let re: [Double] = [-300, 0, -150, 1e-6, 0], im: [Double] = [0, 400, 250, 0, 0]
        let c = ETDRK4Coefficients(linear: ComplexTensor(real: Tensor(re), imag: Tensor(im)), step: h)
        func complex(_ t: ComplexTensor, _ j: Int) -> (Double, Double) { (t.real.scalars[j], t.imag.scalars[j]) }
        for j in 0..<3 {
            // Direct formulas with Foundation's complex-free arithmetic: z = x + iy.
            let (x, y) = (h * re[j], h * im[j])
            func div(_ a: (Double, Double), _ b: (Double, Double)) -> (Double, Double) {
                let d = b.0 * b.0 + b.1 * b.1
                return ((a.0 * b.0 + a.1 * b.1) / d, (a.1 * b.0 - a.0 * b.1) / d)
            }
            func mul(_ a: (Double, Double), _ b: (Double, Double)) -> (Double, Double) { (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0) }
            func add(_ a: (Double, Double), _ b: (Double, Double)) -> (Double, Double) { (a.0 + b.0, a.1 + b.1) }
            func expc(_ a: (Double, Double)) -> (Double, Double) { (Foundation.exp(a.0) * Foundation.cos(a.1), Foundation.exp(a.0) * Foundation.sin(a.1)) }
            let z = (x, y), z2 = mul(z, z), z3 = mul(z2, z), ez = expc(z)
            let q = div(add(expc((x / 2, y / 2)), (-1, 0)), z)
            let f1 = div(add(add((-4, 0), (-x, -y)), mul(ez, add(add((4, 0), (-3 * x, -3 * y)), z2))), z3)
            let f2 = div(add(add((2, 0), z), mul(ez, add(z, (-2, 0)))), z3)
            let f3 = div(add(add(add((-4, 0), (-3 * x, -3 * y)), (-z2.0, -z2.1)), mul(ez, add((4, 0), (-x, -y)))), z3)
            // |z| >= 3 here, so the direct formulas are accurate to ~1e-15 relative; so is the contour rule with 64 points.
            // (Their numerators of ~20 |e^z| |z|^2 cancel to ~|z|^3 |f|: ~20 eps relative of f ~ h/10,
            // ~1e-15 h absolute; 1e-13 h leaves ~100x. e^z by the same real exp, cos, sin: <= 2 ulp of 1.)
            for (a, b) in [(complex(c.q, j), q), (complex(c.f1, j), f1), (complex(c.f2, j), f2), (complex(c.f3, j), f3)] {
                #expect(Swift.abs(a.0 - h * b.0) + Swift.abs(a.1 - h * b.1) < 1e-13 * h, "mode \(j): \(a) vs \(b)")
            }
            #expect(Swift.abs(complex(c.e, j).0 - ez.0) + Swift.abs(complex(c.e, j).1 - ez.1) < 1e-15)
        }
        // z -> 0: Q -> h/2 and f1, f2, f3 -> h/6 (first corrections are O(z) = 1e-8 here), where
        // the direct formulas would cancel catastrophically. The O(z) correction 1e-8 h sits 10x
        // below 1e-7 h; imaginary parts are 0 up to the rounding of conjugate contour points (~eps h).
        for j in 3..<5 {
            #expect(Swift.abs(c.q.real.scalars[j] - h / 2) < 1e-7 * h && Swift.abs(c.q.imag.scalars[j]) < 1e-15)
            for f in [c.f1, c.f2, c.f3] {
                #expect(Swift.abs(f.real.scalars[j] - h / 6) < 1e-7 * h && Swift.abs(f.imag.scalars[j]) < 1e-15)
            }
        }
    }
}
