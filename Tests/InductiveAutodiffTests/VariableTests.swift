import InductiveAutodiff
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct VariableTests {
    @Test func operationsOnConstantsRecordNothing() {
        let x = Variable(constant: Tensor([1, 2]))
        let y = exp(x) * 2 + x
        #expect(!y.requiresGrad && y.operationName == "constant")
        let p = Variable.parameter(Tensor([1, 2]))
        let z = exp(p) * 2 + x
        #expect(z.requiresGrad && z.operationName == "add")
        #expect(z.detached.operationName == "constant")
    }

    /// The graph holds inputs, never outputs: once the result is dropped, every node is freed,
    /// including after forward and backward passes (no reference cycles).
    @Test func graphsAreReleasedAfterBackward() {
        weak var weakHidden: Variable?
        weak var weakLoss: Variable?
        let w = Variable.parameter(normal([4, 3], seed: 1))
        do {
            let x = Variable(constant: normal([5, 4], seed: 2))
            let hidden = tanh(matmul(x, w))
            let loss = (hidden * hidden).sum()
            weakHidden = hidden
            weakLoss = loss
            let g = gradients(of: loss, wrt: [w], createGraph: true)[0]
            _ = gradients(of: (g * g).sum(), wrt: [w])
        }
        #expect(weakHidden == nil)
        #expect(weakLoss == nil)
    }

    /// A custom operation defined from its value and backward rule differentiates like a
    /// built-in one (here f(x) = x^3 with a rule written in Variable operations).
    @Test func customOperationWithDifferentiableRule() {
        func cube(_ x: Variable) -> Variable {
            customOperation("cube", inputs: [x], value: x.value * x.value * x.value, differentiableBackward: true) { r in
                [r.gradient * r.input(0) * r.input(0) * 3]
            }
        }
        let x = Tensor([0.5, -2])
        // x = 0.5, -2: every product is an exact binary fraction, so rtol 1e-15 only allows a reordering.
        expectClose(gradient(at: x) { cube($0).sum() }, 3 * x * x, rtol: 1e-15)
        expectClose(hessianVectorProduct(at: x, of: { cube($0).sum() }, vector: Tensor([1, 1])), 6 * x, rtol: 1e-15)
    }

    @Test func firstOrderOnlyOperationGivesFirstDerivatives() {
        let x = Tensor([0.5, -2])
        let g = gradient(at: x) { v in
            customOperation("cubeFirstOrder", inputs: [v], value: v.value * v.value * v.value, differentiableBackward: false) { r in
                [r.gradient * Variable(r.input(0).value * r.input(0).value * 3)]
            }.sum()
        }
        expectClose(g, 3 * x * x, rtol: 1e-15)  // exact binary fractions, as above
    }

    @Test func secondDerivativeThroughAFirstOrderOnlyOperationStops() async {
        await #expect(processExitsWith: .failure) {
            _ = hessianVectorProduct(at: Tensor([1.0]), of: { v in
                customOperation("firstOrderOnly", inputs: [v], value: v.value * v.value, differentiableBackward: false) { r in
                    [r.gradient * Variable(r.input(0).value * 2)]
                }.sum()
            }, vector: Tensor([1.0]))
        }
    }
}
