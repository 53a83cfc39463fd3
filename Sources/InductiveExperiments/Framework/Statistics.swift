import Foundation
import InductiveTensor

/// Small statistics used by the experiments.
public enum Statistics {
    /// Least-squares line y = a + b x: returns (intercept a, slope b).
    public static func linearFit(x: [Double], y: [Double]) -> (intercept: Double, slope: Double) {
        precondition(x.count == y.count && x.count >= 2, "linearFit: need two or more points")
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
        }
        let slope = sxy / sxx
        return (my - slope * mx, slope)
    }

    /// Slope of log y against log x (a power-law exponent).
    public static func logLogSlope(x: [Double], y: [Double]) -> Double {
        linearFit(x: x.map { Foundation.log($0) }, y: y.map { Foundation.log($0) }).slope
    }

    /// Mean and standard error of the mean (sample standard deviation / sqrt(n)).
    public static func meanAndStandardError(_ values: [Double]) -> (mean: Double, standardError: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        guard values.count > 1 else { return (mean, .nan) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, (variance / n).squareRoot())
    }

    /// The median.
    public static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        let n = s.count
        precondition(n > 0, "median of nothing")
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    /// Spearman's rank correlation (average ranks for ties).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        func ranks(_ v: [Double]) -> [Double] {
            let order = v.indices.sorted { v[$0] < v[$1] }
            var r = [Double](repeating: 0, count: v.count)
            var i = 0
            while i < order.count {
                var j = i
                while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
                let rank = Double(i + j) / 2 + 1
                for k in i...j { r[order[k]] = rank }
                i = j + 1
            }
            return r
        }
        let rx = ranks(x), ry = ranks(y)
        let n = Double(x.count)
        let mx = rx.reduce(0, +) / n, my = ry.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(rx, ry) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }
}
