import Foundation
import InductiveTensor

// Elementwise functions. Each derivative is written with Variable operations, so it can be
// differentiated again; masks of piecewise functions (relu, abs, clamp) are constants
// (their derivative is zero almost everywhere).

extension Variable {
    /// An elementwise operation y = f(x) with dy/dx given as a Variable expression.
    /// `coefficients: .constant` when the derivative is a constant mask (piecewise-linear functions).
    static func unary(_ name: String, _ x: Variable, _ value: Tensor, coefficients: GradientCoefficients = .general,
                      _ derivative: @escaping @Sendable (_ x: Variable, _ y: Variable) -> Variable) -> Variable {
        record(name, value, [x], coefficients: coefficients, tangent: { t in
            t.tangent(0).map { $0 * derivative(Variable(t.input(0)), Variable(t.output)).value }
        }) { r in [r.gradient * derivative(r.input(0), r.output)] }
    }
}

/// e^x; derivative e^x (the output).
public func exp(_ x: Variable) -> Variable { Variable.unary("exp", x, exp(x.value)) { _, y in y } }
/// log x; derivative 1/x.
public func log(_ x: Variable) -> Variable {
    Variable.record("log", log(x.value), [x], tangent: { t in t.tangent(0).map { $0 / t.input(0) } }) { r in [r.gradient / r.input(0)] }
}
/// log(1 + x); derivative 1/(1 + x).
public func log1p(_ x: Variable) -> Variable {
    Variable.record("log1p", log1p(x.value), [x], tangent: { t in t.tangent(0).map { $0 / (t.input(0) + 1) } }) { r in [r.gradient / (r.input(0) + 1)] }
}
/// e^x - 1; derivative e^x = y + 1.
public func expm1(_ x: Variable) -> Variable { Variable.unary("expm1", x, expm1(x.value)) { _, y in y + 1 } }
/// sqrt x; derivative 1 / (2 sqrt x) (infinite at 0). A zero tangent entry gives a zero
/// tangent even at x = 0 (no movement, no change), not 0/0.
public func sqrt(_ x: Variable) -> Variable {
    Variable.record("sqrt", sqrt(x.value), [x], tangent: { t in
        t.tangent(0).map { dx in Tensor.where(dx, dx / (t.output * 2), dx) }  // dx = ±0 stays itself
    }) { r in [r.gradient / (r.output * 2)] }
}
/// x^2; derivative 2x.
public func square(_ x: Variable) -> Variable { Variable.unary("square", x, square(x.value)) { x, _ in x * 2 } }
/// |x|; derivative sign(x) (0 at 0).
public func abs(_ x: Variable) -> Variable { Variable.unary("abs", x, abs(x.value), coefficients: .constant) { x, _ in Variable(sign(x.value)) } }
/// sign(x), a constant: its derivative is zero almost everywhere.
public func sign(_ x: Variable) -> Variable { Variable(sign(x.value)) }
/// sin x; derivative cos x.
public func sin(_ x: Variable) -> Variable { Variable.unary("sin", x, sin(x.value)) { x, _ in cos(x) } }
/// cos x; derivative -sin x.
public func cos(_ x: Variable) -> Variable { Variable.unary("cos", x, cos(x.value)) { x, _ in -sin(x) } }
/// tanh x; derivative 1 - tanh^2 x.
public func tanh(_ x: Variable) -> Variable { Variable.unary("tanh", x, tanh(x.value)) { _, y in 1 - y * y } }
/// sigma(x) = 1/(1 + e^-x); derivative sigma (1 - sigma).
public func sigmoid(_ x: Variable) -> Variable { Variable.unary("sigmoid", x, sigmoid(x.value)) { _, y in y * (1 - y) } }
/// erf x; derivative (2 / sqrt(pi)) e^(-x^2).
public func erf(_ x: Variable) -> Variable {
    Variable.unary("erf", x, erf(x.value)) { x, _ in exp(-(x * x)) * (2 / Double.pi.squareRoot()) }
}
/// max(x, 0); derivative 1 where x > 0, else 0 (0 at x = 0). The gradient and tangent are
/// masked in one pass each (`keepingWherePositive`, no mask tensor).
public func relu(_ x: Variable) -> Variable {
    Variable.record("relu", relu(x.value), [x], coefficients: .constant, tangent: { t in
        t.tangent(0).map { $0.keepingWherePositive(t.input(0)) }
    }) { r in
        // Forward over reverse, where only the input gradient's tangent is read (below a
        // parameter, above a constant input): mask the tangent alone.
        if r.needsTangentOnly(0) { return [r.gradient.tangent.map { Variable.tangentOnly($0.keepingWherePositive(r.input(0).value)) }] }
        return [r.gradient.keepingWherePositive(r.input(0).value)]
    }
}

extension Variable {
    /// `self * (condition > 0 ? 1 : 0)` elementwise with a constant `condition` (broadcast
    /// with NumPy's rules): relu's derivative applied to a gradient or tangent, in one pass.
    /// Linear in `self`: gradient g masked the same way, tangent likewise. O(count).
    public func keepingWherePositive(_ condition: Tensor) -> Variable {
        Variable.record("keepingWherePositive", value.keepingWherePositive(condition), [self], coefficients: .constant, tangent: { t in
            t.tangent(0).map { $0.keepingWherePositive(condition) }
        }) { r in [r.gradient.keepingWherePositive(condition)] }
    }
}
/// x for x > 0, slope * x otherwise; derivative 1 or slope.
public func leakyRelu(_ x: Variable, slope: Double) -> Variable {
    let v = x.value.map { $0 > 0 ? $0 : slope * $0 }
    return Variable.unary("leakyRelu", x, v, coefficients: .constant) { x, _ in Variable(x.value.map { $0 > 0 ? 1 : slope }) }
}
/// log(1 + e^x); derivative sigma(x).
public func softplus(_ x: Variable) -> Variable { Variable.unary("softplus", x, softplus(x.value)) { x, _ in sigmoid(x) } }

/// x^p for a constant p; derivative p x^(p-1).
public func pow(_ x: Variable, _ p: Double) -> Variable {
    if p == 1 { return x }
    if p == 0 { return Variable(Tensor.ones(x.shape)) }
    return Variable.unary("pow", x, pow(x.value, p)) { x, _ in pow(x, p - 1) * p }
}

/// x^y elementwise with broadcasting; d/dx = y x^(y-1), d/dy = x^y log x (x > 0), and
/// d/dy = 0 at x = 0, y > 0 (0^y = 0 for all y > 0; the formula would give 0 (-inf) = NaN).
public func pow(_ x: Variable, _ y: Variable) -> Variable {
    let value = pow(x.value, y.value)
    // 1 where x = 0 < y (broadcast to the output's shape), else 0.
    let zeroBase = (x.value .== Tensor(0)) * (y.value .> Tensor(0))
    let singular = zeroBase.shape == value.shape ? zeroBase : zeroBase + Tensor.zeros(value.shape)
    let hasSingular = !isAllZero(singular)
    return Variable.record("powVariable", value, [x, y], tangent: { t in
        let x = t.input(0), y = t.input(1)
        return tangentSum(t.tangent(0).map { $0 * (y * pow(x, y - 1)) }, t.tangent(1).map { dy in
            let factor = t.output * log(x)
            return dy * (hasSingular ? Tensor.where(singular, Tensor.zeros(factor.shape), factor) : factor)
        })
    }) { r in
        let x = r.input(0), y = r.input(1)
        let logX = hasSingular ? Variable.where(singular, Variable(Tensor.zeros(singular.shape)), r.output * log(x)) : r.output * log(x)
        return [r.needs(0) ? r.gradient * y * pow(x, y - 1) : nil, r.needs(1) ? r.gradient * logX : nil]
    }
}

extension Variable {
    /// min(max(x, low), high); derivative 1 strictly inside, 0 outside (1 at the bounds).
    public func clamped(min low: Double = -.infinity, max high: Double = .infinity) -> Variable {
        let mask = value.map { $0 >= low && $0 <= high ? 1 : 0 }
        return Variable.record("clamp", value.clamped(min: low, max: high), [self], coefficients: .constant, tangent: { t in t.tangent(0).map { $0 * mask } }) { r in [r.gradient * Variable(mask)] }
    }

    /// `condition != 0 ? a : b` elementwise (the condition is a constant).
    public static func `where`(_ condition: Tensor, _ a: Variable, _ b: Variable) -> Variable {
        let chooseA = condition .!= Tensor(0)
        let chooseB = 1 - chooseA
        return record("where", Tensor.where(condition, a.value, b.value), [a, b], coefficients: .constant, tangent: { t in
            tangentSum(t.tangent(0).map { $0 * chooseA }, t.tangent(1).map { $0 * chooseB })
        }) { r in
            [r.needs(0) ? r.gradient * Variable(chooseA) : nil, r.needs(1) ? r.gradient * Variable(chooseB) : nil]
        }
    }

    /// Elementwise maximum; where a == b the gradient is split equally.
    public static func maximum(_ a: Variable, _ b: Variable) -> Variable {
        let wa = Tensor.zipWith(a.value, b.value) { $0 > $1 ? 1 : ($0 == $1 ? 0.5 : 0) }
        return record("maximum", Tensor.maximum(a.value, b.value), [a, b], coefficients: .constant, tangent: { t in
            tangentSum(t.tangent(0).map { $0 * wa }, t.tangent(1).map { $0 * (1 - wa) })
        }) { r in
            [r.needs(0) ? r.gradient * Variable(wa) : nil, r.needs(1) ? r.gradient * Variable(1 - wa) : nil]
        }
    }

    /// Elementwise minimum; where a == b the gradient is split equally.
    public static func minimum(_ a: Variable, _ b: Variable) -> Variable { -maximum(-a, -b) }
}
