import Foundation
import InductiveKernels
import InductiveSymmetry
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct InvariantKernelTests {
    /// The analytic NTK is jointly invariant under cyclic shifts (orthogonal), so the
    /// one-sided average is invariant in both arguments, symmetric and PSD. Invariance holds
    /// to rounding (permuted sums): 1e-12 relative to the kernel's scale. Per entry: d = 6 term
    /// dot products, ~10 operations per layer for 2 layers and an average of |G| = 6 kernels:
    /// <= ~40 eps/2 ~ 5e-15 of the scale, so 1e-12 leaves 200x (symmetry and PSD alike: the
    /// averaged 7 x 7 matrix's eigenvalues move by <= n max|E| ~ 3e-14).
    @Test func oneSidedAverageOfAnInvariantKernel() throws {
        let length = 6
        let shifts = GroupAction.cyclicShifts(length: length)
        let kg = InfiniteWidthMLP(depth: 2, activation: .relu, weightStd: 1.4, biasStd: 0.2).ntkKernel.groupAveraged(over: shifts)
        let x1 = normal([7, length], seed: 1), x2 = normal([5, length], seed: 2)
        let k = try kg(x1, x2)
        let scale = k.norm(.infinity)
        for g in shifts.elements {
            expectClose(try kg(g(x1), x2), k, rtol: 0, atol: 1e-12 * scale)
            expectClose(try kg(x1, g(x2)), k, rtol: 0, atol: 1e-12 * scale)
        }
        let kxx = try kg(x1, x1)
        #expect(asymmetry(kxx) < 1e-12)
        #expect(try relativeMinimumEigenvalue((kxx + kxx.transposed()) * 0.5) > -1e-12)
    }

    /// The empirical NTK is not jointly invariant: the two-sided average is invariant in each
    /// argument, symmetric and PSD; the one-sided one is not symmetric (shown, so that the
    /// documentation's warning is backed by a number). Same argument as above with P = 97
    /// parameter-term sums: <= P eps/2 ~ 1e-14 of the scale, 1e-12 leaves 100x.
    @Test func twoSidedAverageOfANonInvariantKernel() throws {
        let length = 4
        let group = GroupAction.permutations([[0, 1, 2, 3], [1, 2, 3, 0], [2, 3, 0, 1], [3, 0, 1, 2]])
        let net = mlp([length, 16, 1], activation: .tanh, seed: 3)
        let base = Kernel.empiricalNTK(of: net)
        let two = base.groupAveraged(over: group, mode: .twoSided)
        let x = normal([8, length], seed: 4)
        let k = try two(x, x)
        let scale = k.norm(.infinity)
        for g in group.elements {
            expectClose(try two(g(x), x), k, rtol: 0, atol: 1e-12 * scale)
            expectClose(try two(x, g(x)), k, rtol: 0, atol: 1e-12 * scale)
        }
        #expect(asymmetry(k) < 1e-12)
        #expect(try relativeMinimumEigenvalue(k) > -1e-12)
        let one = try base.groupAveraged(over: group)(x, x)
        #expect(asymmetry(one) > 1e-3)
    }

    /// Sign flips: K_G(x, x') = (K(x, x') + K(x, -x')) / 2 for the NNGP of an erf network
    /// (odd activation, no bias: K(x, -x') = -K(x, x')), so the average vanishes exactly.
    @Test func signFlipOfAnOddKernelVanishes() throws {
        let kg = InfiniteWidthMLP(depth: 1, activation: .erf, weightStd: 1.2, biasStd: 0).nngpKernel.groupAveraged(over: .signFlip)
        let x = normal([5, 3], seed: 5)
        // Exactly 0: -x gives the same gemm shapes, hence the exactly negated dot products, and
        // arcsin is odd in libm; 1e-15 only allows one rounding of an O(1) entry.
        #expect(try kg(x, x).norm(.infinity) < 1e-15)
    }
}
