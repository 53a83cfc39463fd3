import InductiveTensor

/// All monomials of the state variables up to a total degree, in graded lexicographic order:
/// for variables x, y, z and degree 2 the terms are 1, x, y, z, x^2, x*y, x*z, y^2, y*z, z^2.
///
/// Names: `1`, a variable name, `x^2`, `x*y`, `x^2*y` (factors in variable order, `*` between,
/// powers above 1 as `^p`).
public struct PolynomialLibrary: Sendable, Equatable {
    /// The variable names, one per column of the data.
    public let variableNames: [String]
    /// The highest total degree.
    public let degree: Int
    /// Exponents of each term, one array of length variableNames.count per term.
    public let exponents: [[Int]]

    /// The library of all monomials of total degree 0 (if `includeConstant`) to `degree`.
    /// The number of terms is C(d + degree, degree) for d variables (minus 1 without the constant).
    public init(variableNames: [String], degree: Int, includeConstant: Bool = true) {
        precondition(!variableNames.isEmpty && degree >= 1, "PolynomialLibrary: need at least one variable and degree >= 1")
        self.variableNames = variableNames
        self.degree = degree
        let d = variableNames.count
        var terms: [[Int]] = []
        // Degree by degree; within a degree, non-increasing variable index sequences give the
        // lexicographic order x^2, x*y, x*z, y^2, ...
        func build(_ remaining: Int, _ first: Int, _ current: [Int]) {
            if remaining == 0 { terms.append(current); return }
            for v in first..<d {
                var next = current
                next[v] += 1
                build(remaining - 1, v, next)
            }
        }
        for total in (includeConstant ? 0 : 1)...degree { build(total, 0, [Int](repeating: 0, count: d)) }
        exponents = terms
    }

    /// The number of terms of the library for `variables` variables up to total degree
    /// `degree`, C(variables + degree, degree) (minus 1 without the constant), without building
    /// it; nil when the count does not fit in an `Int`. Cost O(min(variables, degree)).
    public static func termCount(variables: Int, degree: Int, includeConstant: Bool = true) -> Int? {
        precondition(variables >= 1 && degree >= 1, "PolynomialLibrary.termCount: need variables >= 1 and degree >= 1")
        // C(d + k, k) = C(d + k, min(d, k)), built as prod_{i=1}^{m} (top - m + i) / i, exact at every step.
        let (top, overflow) = variables.addingReportingOverflow(degree)
        if overflow { return nil }
        let m = Swift.min(variables, degree)
        var count = 1
        for i in 1...m {
            let (product, over) = count.multipliedReportingOverflow(by: top - m + i)
            if over { return nil }
            count = product / i
        }
        return includeConstant ? count : count - 1
    }

    /// Readable names of the terms, in column order.
    public var names: [String] {
        exponents.map { e in
            let factors = e.enumerated().compactMap { (v, p) -> String? in
                p == 0 ? nil : (p == 1 ? variableNames[v] : "\(variableNames[v])^\(p)")
            }
            return factors.isEmpty ? "1" : factors.joined(separator: "*")
        }
    }

    /// The library matrix Theta[i, j] = prod_v x[i, v]^exponents[j][v], shape [n, terms],
    /// for data x of shape [n, variables]. Cost O(n terms degree).
    public func evaluate(_ x: Tensor) -> Tensor {
        precondition(x.rank == 2 && x.shape[1] == variableNames.count,
                     "PolynomialLibrary.evaluate: data of shape \(x.shape) for \(variableNames.count) variables")
        let n = x.shape[0], d = x.shape[1], p = exponents.count
        // Row by row, each term as an earlier term of the same row times one variable
        // (x^a y^b = (x^(a-1) y^b) x): one pass over the output, in place.
        let position = Dictionary(uniqueKeysWithValues: exponents.enumerated().map { ($1, $0) })
        let plan: [(parent: Int, variable: Int)] = exponents.enumerated().map { j, e in
            guard let v = e.firstIndex(where: { $0 > 0 }) else { return (-1, -1) }  // the constant
            var lower = e
            lower[v] -= 1
            if let parent = position[lower], parent < j { return (parent, v) }
            return (-2, -1)  // no lower term in the library: computed from the powers
        }
        // Flat plan and exponent tables read through pointers: the inner loop then has no
        // bounds checks or nested-array loads (it was 18 instructions per entry).
        let parents = plan.map(\.parent), variables = plan.map(\.variable)
        let flatExponents = exponents.flatMap { $0 }
        return Tensor(shape: [n, p]) { out in
            x.withUnsafeBufferPointer { src in
                parents.withUnsafeBufferPointer { par in
                    variables.withUnsafeBufferPointer { vr in
                        flatExponents.withUnsafeBufferPointer { ex in
                            if par[0] == -1 && !par[1...].contains(where: { $0 < 0 }) {
                                // The usual library: the constant first, every other term a
                                // product of an earlier one and a variable; no branches per entry.
                                var i = 0
                                while i < n {
                                    let row = out.baseAddress! + i &* p, values = src.baseAddress! + i &* d
                                    row[0] = 1
                                    var j = 1
                                    while j < p { row[j] = row[par[j]] * values[vr[j]]; j &+= 1 }
                                    i &+= 1
                                }
                                return
                            }
                            for i in 0..<n {
                                let row = out.baseAddress! + i * p, values = src.baseAddress! + i * d
                                for j in 0..<p {
                                    let parent = par[j]
                                    if parent >= 0 {
                                        row[j] = row[parent] * values[vr[j]]
                                    } else if parent == -1 {
                                        row[j] = 1
                                    } else {
                                        var value = 1.0
                                        for w in 0..<d { for _ in 0..<ex[j * d + w] { value *= values[w] } }
                                        row[j] = value
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// PDE candidate terms u^p * (d^m u / dx^m) for p = 0..degree and m = 0..maxDerivative, the
/// library of PDE-FIND without products of derivatives. Ordered by derivative order, then
/// power: 1, u, u^2, u_x, u*u_x, u^2*u_x, u_xx, ... ((degree + 1)(maxDerivative + 1) terms).
///
/// Names: `1`, `u`, `u^2`, `u_x`, `u_xx`, `u_xxx`, and products with the u-power first:
/// `u*u_x`, `u^2*u_xx`.
public struct PDELibrary: Sendable, Equatable {
    /// The highest power of u.
    public let degree: Int
    /// The highest derivative order in x.
    public let maxDerivative: Int

    /// The library for powers up to `degree` and derivatives up to `maxDerivative`.
    public init(degree: Int, maxDerivative: Int) {
        precondition(degree >= 0 && maxDerivative >= 0 && degree + maxDerivative >= 1,
                     "PDELibrary: need non-negative degree and maxDerivative, not both 0")
        self.degree = degree
        self.maxDerivative = maxDerivative
    }

    /// The number of terms, (degree + 1)(maxDerivative + 1), without building the library; nil
    /// when it does not fit in an `Int`.
    public static func termCount(degree: Int, maxDerivative: Int) -> Int? {
        precondition(degree >= 0 && maxDerivative >= 0, "PDELibrary.termCount: need non-negative degree and maxDerivative")
        guard degree < Int.max, maxDerivative < Int.max else { return nil }
        let (count, overflow) = (degree + 1).multipliedReportingOverflow(by: maxDerivative + 1)
        return overflow ? nil : count
    }

    /// (power of u, derivative order) of each term, in column order.
    public var terms: [(power: Int, derivative: Int)] {
        (0...maxDerivative).flatMap { m in (0...degree).map { (power: $0, derivative: m) } }
    }

    /// Readable names of the terms, in column order.
    public var names: [String] {
        terms.map { term in
            let power = term.power == 0 ? nil : (term.power == 1 ? "u" : "u^\(term.power)")
            let derivative = term.derivative == 0 ? nil : "u_" + String(repeating: "x", count: term.derivative)
            let factors = [power, derivative].compactMap { $0 }
            return factors.isEmpty ? "1" : factors.joined(separator: "*")
        }
    }

    /// The library matrix, shape [points, terms], from u and its derivatives at the same
    /// points: `derivatives[m - 1]` is d^m u / dx^m (each a tensor with u's element count,
    /// flattened in the same order).
    public func evaluate(u: Tensor, derivatives: [Tensor]) -> Tensor {
        precondition(derivatives.count >= maxDerivative,
                     "PDELibrary.evaluate: \(derivatives.count) derivatives given, \(maxDerivative) needed")
        let n = u.count
        for d in derivatives { precondition(d.count == n, "PDELibrary.evaluate: derivative with \(d.count) entries for u with \(n)") }
        let columns = terms
        let p = columns.count
        let values = u.scalars
        return Tensor(shape: [n, p]) { out in
            for (j, term) in columns.enumerated() {
                let factor = term.derivative == 0 ? nil : derivatives[term.derivative - 1].scalars
                for i in 0..<n {
                    var value = 1.0
                    for _ in 0..<term.power { value *= values[i] }
                    if let factor { value *= factor[i] }
                    out[i * p + j] = value
                }
            }
        }
    }
}
