import Foundation
import InductiveDiscovery
import InductiveTensor
import Testing

@Suite struct WeakCovarianceTests {
    @Test func bandedCholeskyWhitensAsTheDenseInverseFactor() throws {
        // A random symmetric positive definite band (diagonally dominant): U^T U must give back
        // the matrix and whitening must solve U^T z = y. Entries O(1), n = 40, bandwidth 5,
        // condition < 10: rounding leaves < 1e-13 relative (O(n w eps)); 1e-10 allows 1000x.
        let n = 40, w = 5
        var band = BandMatrix(size: n, bandwidth: w)
        var state: UInt64 = 7
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) - 0.5 }
        for k in 0..<n {
            band[k, k] = 4 + next()
            for l in (k + 1)..<Swift.min(n, k + w + 1) { band[k, l] = 0.5 * next() }
        }
        let u = try #require(band.cholesky())
        for k in 0..<n {
            for l in k..<Swift.min(n, k + w + 1) {
                var s = 0.0
                for i in Swift.max(0, l - w)...k { s += u[i, k] * u[i, l] }
                #expect(Swift.abs(s - band[k, l]) < 1e-10, "(\(k), \(l))")
            }
        }
        let y = (0..<n).map { _ in next() }
        let z = u.whiten(y)
        for k in 0..<n {
            var s = 0.0
            for i in Swift.max(0, k - w)...k { s += u[i, k] * z[i] }
            #expect(Swift.abs(s - y[k]) < 1e-10)
        }
        // A zero matrix has no positive pivot: refused, not factored.
        #expect(BandMatrix(size: 3, bandwidth: 1).cholesky() == nil)
    }

    @Test func pdeCovarianceEqualsTheResidualsResponseToEachSample() throws {
        // For xi on u*u_x and u_xx (both moved fully onto the test function) the residual
        // r = b - G xi is quadratic in u, so central differences of r in each sample are exact
        // to rounding and sum_i V_ki V_li must equal the linearized covariance C[k, l].
        // Values O(1), delta 1e-3: rounding O(1e-16 / 1e-3) per entry; bound 1e-8 of max |C|.
        let (nt, nx) = (18, 22)
        let u = Tensor(shape: [nt, nx], scalars: (0..<(nt * nx)).map { s in
            let (i, j) = (Double(s / nx), Double(s % nx))
            return Foundation.sin(0.3 * j + 0.2 * i) + 0.4 * Foundation.cos(0.7 * j - 0.1 * i) + 0.01 * Foundation.sin(Double(s) * 12.9898)
        })
        var options = WeakFormOptions()
        options.spaceHalfWidth = 5; options.timeHalfWidth = 4; options.spaceWindows = 4; options.timeWindows = 3
        let build = { (v: Tensor) in try buildWeakPDERegression(v, dt: 0.1, dx: 0.2, degree: 2, maxDerivative: 2, options: options) }
        let base = try build(u)
        let model = try #require(base.noiseModel)
        let names = base.problem.termNames
        var xi = [Double](repeating: 0, count: names.count)
        xi[try #require(names.firstIndex(of: "u*u_x"))] = -1
        xi[try #require(names.firstIndex(of: "u_xx"))] = 0.1
        let c = model.covariance(xi, diagonalOnly: false)
        func residual(_ v: Tensor) throws -> [Double] {
            let p = try build(v).problem
            let g = p.library.scalars, b = p.target.scalars, terms = names.count
            return (0..<b.count).map { k in b[k] - (0..<terms).reduce(0) { $0 + g[k * terms + $1] * xi[$1] } }
        }
        let rows = c.size
        var response = [[Double]](repeating: [], count: nt * nx)
        let delta = 1e-3
        for s in 0..<(nt * nx) {
            var plus = u.scalars, minus = u.scalars
            plus[s] += delta; minus[s] -= delta
            let rp = try residual(Tensor(shape: [nt, nx], scalars: plus)), rm = try residual(Tensor(shape: [nt, nx], scalars: minus))
            response[s] = zip(rp, rm).map { ($0 - $1) / (2 * delta) }
        }
        var largest = 0.0
        for k in 0..<rows { largest = Swift.max(largest, Swift.abs(c[k, k])) }
        #expect(largest > 0)
        for k in 0..<rows {
            for l in k..<rows {
                let direct = response.reduce(0) { $0 + $1[k] * $1[l] }
                let banded = l - k <= c.bandwidth ? c[k, l] : 0
                #expect(Swift.abs(direct - banded) < 1e-8 * largest, "C[\(k), \(l)]: \(banded) vs \(direct)")
            }
        }
    }

    @Test func odeCovarianceEqualsTheResidualsResponseToEachSample() throws {
        // As above for weak SINDy: the quadratic library makes r quadratic in X, so central
        // differences are exact to rounding; C[k, l] = sum_d sigma_d^2 sum_i V_kdi V_ldi.
        let n = 120
        let x = Tensor(shape: [n, 3], scalars: (0..<(3 * n)).map { s in
            let (i, d) = (Double(s / 3), Double(s % 3))
            return Foundation.sin(0.05 * i * (d + 1) + d) + 0.01 * Foundation.sin(Double(s) * 78.233)
        })
        let library = PolynomialLibrary(variableNames: ["x", "y", "z"], degree: 2)
        let build = { (v: Tensor) in try weakODESystemWithModel(v, dt: 0.01, library: library, halfWidth: 10) }
        let base = try build(x)
        let model = try #require(base.model)
        var xi = [Double](repeating: 0, count: library.exponents.count)
        let names = library.names
        xi[try #require(names.firstIndex(of: "x"))] = 28
        xi[try #require(names.firstIndex(of: "y"))] = -1
        xi[try #require(names.firstIndex(of: "x*z"))] = -1
        let v = 1
        let c = model.covariance(equation: v, coefficients: xi)
        func residual(_ data: Tensor) throws -> [Double] {
            let s = try build(data)
            let g = s.library.scalars, b = s.target.scalars, p = xi.count
            return (0..<s.target.shape[0]).map { k in b[k * 3 + v] - (0..<p).reduce(0) { $0 + g[k * p + $1] * xi[$1] } }
        }
        let delta = 1e-3
        var response: [(Int, [Double])] = []
        for s in 0..<(3 * n) {
            var plus = x.scalars, minus = x.scalars
            plus[s] += delta; minus[s] -= delta
            let rp = try residual(Tensor(shape: [n, 3], scalars: plus)), rm = try residual(Tensor(shape: [n, 3], scalars: minus))
            response.append((s % 3, zip(rp, rm).map { ($0 - $1) / (2 * delta) }))
        }
        var largest = 0.0
        for k in 0..<c.size { largest = Swift.max(largest, Swift.abs(c[k, k])) }
        #expect(largest > 0)
        for k in 0..<c.size {
            for l in k..<c.size {
                let direct = response.reduce(0) { $0 + model.sigma[$1.0] * model.sigma[$1.0] * $1.1[k] * $1.1[l] }
                let banded = l - k <= c.bandwidth ? c[k, l] : 0
                #expect(Swift.abs(direct - banded) < 1e-8 * largest, "C[\(k), \(l)]")
            }
        }
    }

    @Test func cleanDataKeepsTheSearchFit() throws {
        // No noise to model: the refit is skipped (the residual is quadrature error).
        let u = Tensor(shape: [40, 64], scalars: (0..<2560).map { s in Foundation.sin(Double(s % 64) * 0.1 + Double(s / 64) * 0.05) })
        #expect(try buildWeakPDERegression(u, dt: 0.1, dx: 0.1).noiseModel == nil)
    }
}
