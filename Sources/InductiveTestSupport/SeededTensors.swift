import InductiveTensor

// Seeded tensors for tests: each call makes its own generator from `seed`, so a tensor is
// the same in every run and on every platform, and a failing test can be replayed from the
// seed it prints.

/// I.i.d. N(0, std²) entries of the given shape from `RandomGenerator(seed: seed)`.
public func normal(_ shape: [Int], seed: UInt64, std: Double = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.randomNormal(shape, std: std, using: &rng)
}

/// I.i.d. uniform entries on [low, high) of the given shape from `RandomGenerator(seed: seed)`.
public func uniform(_ shape: [Int], seed: UInt64, low: Double = 0, high: Double = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.randomUniform(shape, low: low, high: high, using: &rng)
}
