/// The project's one pseudo-random generator: xoshiro256** (Blackman and Vigna, 2018),
/// seeded through splitmix64.
///
/// Every draw is defined by integer arithmetic and IEEE operations only (normals use the
/// Marsaglia polar method with a logarithm implemented here, not the platform's libm),
/// so a seed gives bit-identical streams on every platform. Period 2^256 - 1.
///
/// Pass it explicitly (`inout`); there is no global generator. Independent streams for
/// layers, seeds or workers come from `child(_:)` or `init(seed:stream:)`.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable, Hashable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose 256-bit state is expanded from `seed` by splitmix64.
    public init(seed: UInt64) {
        var sm = seed
        s0 = RandomGenerator.splitMix(&sm)
        s1 = RandomGenerator.splitMix(&sm)
        s2 = RandomGenerator.splitMix(&sm)
        s3 = RandomGenerator.splitMix(&sm)
    }

    /// Stream `stream` of seed `seed`: a generator independent of `init(seed:)` and of
    /// every other stream (the pair is hashed into a fresh splitmix64 seed).
    public init(seed: UInt64, stream: UInt64) {
        var sm = seed ^ 0x6A09_E667_F3BC_C909
        let a = RandomGenerator.splitMix(&sm)
        var sm2 = stream &+ a &* 0x9E37_79B9_7F4A_7C15
        self.init(seed: RandomGenerator.splitMix(&sm2) ^ a)
    }

    /// Restores a generator from `stateWords` (four words, not all zero).
    public init(stateWords: [UInt64]) {
        precondition(stateWords.count == 4 && stateWords.contains { $0 != 0 }, "RandomGenerator: need four state words, not all zero")
        (s0, s1, s2, s3) = (stateWords[0], stateWords[1], stateWords[2], stateWords[3])
    }

    /// The full state, for checkpoints.
    public var stateWords: [UInt64] { [s0, s1, s2, s3] }

    @inlinable
    static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inlinable
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = RandomGenerator.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = RandomGenerator.rotl(s3, 45)
        return result
    }

    /// A child generator for `index` (a layer, a seed, a worker): derived from the current
    /// state without advancing it, independent of the parent's own stream.
    public func child(_ index: UInt64) -> RandomGenerator {
        var sm = s0 ^ RandomGenerator.rotl(s1, 13) ^ RandomGenerator.rotl(s2, 29) ^ RandomGenerator.rotl(s3, 47)
        let base = RandomGenerator.splitMix(&sm)
        return RandomGenerator(seed: base, stream: index)
    }

    // MARK: Distributions

    /// Uniform on [0, 1) with 53 random bits.
    @inlinable
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform on [low, high).
    @inlinable
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// A pair of independent standard normals (Marsaglia polar method).
    @inlinable
    public mutating func normalPair() -> (Double, Double) {
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * deterministicLog(s) / s).squareRoot()
                return (u * f, v * f)
            }
        }
    }

    /// A normal draw with the given mean and standard deviation.
    @inlinable
    public mutating func normal(mean: Double = 0, std: Double = 1) -> Double { mean + std * normalPair().0 }

    /// True with probability p.
    @inlinable
    public mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// Uniform integer in 0..<n (Lemire's multiply-shift with rejection: unbiased).
    @inlinable
    public mutating func integer(below n: Int) -> Int {
        precondition(n > 0, "integer(below:): n must be positive")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// A uniformly random permutation of 0..<n (Fisher-Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }

    /// Shuffles `array` in place (Fisher-Yates), uniformly over all orders.
    public mutating func shuffle<T>(_ array: inout [T]) {
        if array.count < 2 { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, integer(below: i + 1))
        }
    }

    /// `count` indices from 0..<n, with or without replacement; without replacement they
    /// are the first `count` entries of a random permutation (partial Fisher-Yates).
    public mutating func choice(_ n: Int, count: Int, replace: Bool = false) -> [Int] {
        if replace { return (0..<count).map { _ in integer(below: n) } }
        precondition(count <= n, "choice: cannot draw \(count) of \(n) without replacement")
        var p = Array(0..<n)
        for i in 0..<count { p.swapAt(i, i + integer(below: n - i)) }
        return Array(p.prefix(count))
    }

    /// One index drawn with probability proportional to `weights` (non-negative, not all 0).
    public mutating func choice(weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0 && weights.allSatisfy { $0 >= 0 }, "choice(weights:): weights must be non-negative with a positive sum")
        var u = uniform() * total
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.lastIndex { $0 > 0 }!
    }
}

/// Natural logarithm of a positive finite `x` with < 1 ulp error, using only IEEE
/// arithmetic (the fdlibm reduction x = 2^k (1 + f), log(1 + f) = 2 atanh(f / (2 + f))),
/// so random normals are bit-identical across platforms and math libraries.
@inlinable
public func deterministicLog(_ x: Double) -> Double {
    precondition(x > 0 && x.isFinite, "deterministicLog: x must be positive and finite")
    var k = Double(x.exponent)
    var m = x.significand  // [1, 2)
    if m > 1.4142135623730951 {
        m *= 0.5
        k += 1
    }
    let f = m - 1
    let s = f / (2 + f)
    let z = s * s, w = z * z
    let t1 = w * (0.3999999999940941908 + w * (0.2222219843214978396 + w * 0.1531383769920937332))
    let t2 = z * (0.6666666666666735130 + w * (0.2857142874366239149 + w * (0.1818357216161805012 + w * 0.1479819860511658591)))
    let r = t2 + t1
    let hfsq = 0.5 * f * f
    return k * 6.93147180369123816490e-01 - ((hfsq - (s * (hfsq + r) + k * 1.90821492927058770002e-10)) - f)
}

extension Tensor {
    /// I.i.d. normal entries N(mean, std^2).
    public static func randomNormal(_ shape: [Int], mean: Double = 0, std: Double = 1, using rng: inout RandomGenerator) -> Tensor {
        let n = elementCount(shape)
        return Tensor(shape: shape) { out in
            var i = 0
            while i + 1 < n {
                let (a, b) = rng.normalPair()
                out[i] = mean + std * a
                out[i + 1] = mean + std * b
                i += 2
            }
            if i < n { out[i] = mean + std * rng.normalPair().0 }
        }
    }

    /// I.i.d. uniform entries on [low, high).
    public static func randomUniform(_ shape: [Int], low: Double = 0, high: Double = 1, using rng: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape) { out in for i in 0..<out.count { out[i] = rng.uniform(low, high) } }
    }

    /// I.i.d. Bernoulli(p) entries in {0, 1}.
    public static func randomBernoulli(_ shape: [Int], p: Double, using rng: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape) { out in for i in 0..<out.count { out[i] = rng.bernoulli(p) ? 1 : 0 } }
    }
}
