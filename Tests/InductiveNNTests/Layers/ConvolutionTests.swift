import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

/// Direct loop definition of a 2-d cross-correlation with padding, stride and bias.
func referenceConvolution2D(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride: [Int], padding: ConvolutionPadding) -> Tensor {
    let (batch, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    var outH: Int, outW: Int, top = 0, left = 0
    if padding == .valid {
        outH = (h - kh) / stride[0] + 1
        outW = (wd - kw) / stride[1] + 1
    } else {
        outH = (h + stride[0] - 1) / stride[0]
        outW = (wd + stride[1] - 1) / stride[1]
        top = max((outH - 1) * stride[0] + kh - h, 0) / 2
        left = max((outW - 1) * stride[1] + kw - wd, 0) / 2
    }
    var y = Tensor.zeros([batch, cout, outH, outW])
    for n in 0..<batch { for o in 0..<cout { for i in 0..<outH { for j in 0..<outW {
        var s = b[o]
        for c in 0..<cin { for di in 0..<kh { for dj in 0..<kw {
            var r = i * stride[0] + di - top, q = j * stride[1] + dj - left
            if padding == .circular {
                r = ((r % h) + h) % h
                q = ((q % wd) + wd) % wd
            } else if r < 0 || r >= h || q < 0 || q >= wd {
                continue
            }
            s += w[o, c, di, dj] * x[n, c, r, q]
        } } }
        y[n, o, i, j] = s
    } } } }
    return y
}

@Suite struct ConvolutionTests {
    @Test(arguments: [ConvolutionPadding.valid, .same, .circular], [[1, 1], [2, 1], [2, 2]])
    func convolution2DMatchesTheLoopDefinition(padding: ConvolutionPadding, stride: [Int]) {
        var rng = RandomGenerator(seed: 3)
        let conv = Convolution(inputChannels: 2, outputChannels: 3, kernel: [3, 2], strides: stride, padding: padding, using: &rng)
        var layer = conv
        layer.bias = normal([3], seed: 4)
        let x = normal([2, 2, 7, 6], seed: 5)
        let y = layer(x)
        let ref = referenceConvolution2D(x, layer.weight, layer.bias!, stride: stride, padding: padding)
        // 2 x 3 x 2 = 12-term sums plus bias of O(1) products (sum of |terms| <~ 15): each route
        // within ~13 eps/2 * 15 ~ 2e-14; 1e-13 leaves 5x on entries small by cancellation.
        expectClose(y, ref, rtol: 1e-13, atol: 1e-13)
    }

    /// 1-d convolution as the 2-d one with height 1.
    @Test func convolution1DMatchesTheLoopDefinition() {
        var rng = RandomGenerator(seed: 6)
        let conv = Convolution(inputChannels: 2, outputChannels: 2, kernel: [4], padding: .circular, using: &rng)
        let x = normal([3, 2, 9], seed: 7)
        let ref = referenceConvolution2D(x.reshaped([3, 2, 1, 9]), conv.weight.reshaped([2, 2, 1, 4]), conv.bias!, stride: [1, 1], padding: .circular)
        expectClose(conv(x), ref.reshaped([3, 2, 9]), rtol: 1e-13, atol: 1e-13)  // 8-term sums, as above
    }

    /// Circular convolution commutes with cyclic translations exactly (stride 1).
    @Test func circularConvolutionIsTranslationEquivariant() {
        var rng = RandomGenerator(seed: 8)
        let conv = Convolution(inputChannels: 1, outputChannels: 2, kernel: [3, 3], padding: .circular, activation: .tanh, using: &rng)
        let x = normal([1, 1, 6, 6], seed: 9)
        let shifted = conv(x.rolled(2, axis: 2).rolled(-1, axis: 3))
        let expected = conv(x).rolled(2, axis: 2).rolled(-1, axis: 3)
        // Exact only if the product's summation order does not depend on the output position,
        // which BLAS does not promise (edge tiles use other kernels): 9-term sums of |w||x| <~ 10,
        // each within 9 eps/2 * 10 = 1e-14, tanh contracting: two differ by <= 2e-14, so 1e-13
        // (it was 1e-14, at the bound; measured 0 here).
        expectClose(shifted, expected, rtol: 0, atol: 1e-13)
    }

    /// Max pooling with `.same` padding ignores the border (it pads with -infinity).
    @Test func maxPoolingIgnoresThePaddedBorder() {
        let x = -Tensor.arange(1, 6).reshaped([1, 1, 5])  // -1 ... -5
        let y = Pooling(.maximum, window: [2], strides: [2], padding: .same)(x)
        let expected: Tensor = [[[-1, -3, -5]]], expectedGradient: Tensor = [[[1, 0, 1, 0, 1]]]
        #expect(y == expected)
        let g = gradient(at: x) { Pooling(.maximum, window: [2], strides: [2], padding: .same).apply(parameters: [], to: $0).sum() }
        #expect(g == expectedGradient)
    }

    @Test func poolingMatchesTheDefinition() {
        let x = Tensor.arange(16).reshaped([1, 1, 4, 4])
        let maxima: Tensor = [[[[5, 7], [13, 15]]]], means: Tensor = [[[[2.5, 4.5], [10.5, 12.5]]]]
        #expect(Pooling(.maximum, window: [2, 2])(x) == maxima)
        #expect(Pooling(.average, window: [2, 2])(x) == means)
        #expect(GlobalPooling(.average)(x) == Tensor([[7.5]]))
        let sequence: Tensor = [[[1, 3, 2, 5]]], sliding: Tensor = [[[3, 3, 5]]]
        #expect(Pooling(.maximum, window: [2], strides: [1])(sequence) == sliding)
    }
}

@Suite struct ConvolutionPerExampleTests {
    /// A convolution's kernel reaches the loss through a reshape and a product: the structured
    /// per-example path applies, and equals one gradient per example.
    @Test func perExampleGradientsOfAConvolutionTakeTheStructuredPath() {
        var rng = RandomGenerator(seed: 12)
        let conv = Convolution(inputChannels: 2, outputChannels: 3, kernel: [3], activation: .tanh, using: &rng)
        let x = normal([4, 2, 6], seed: 13)
        func losses(_ p: [Variable], _ input: Tensor) -> Variable {
            square(conv.apply(parameters: p, to: Variable(input))).sum(axes: [1, 2])
        }
        let result = perExampleGradients(at: conv.parameters) { losses($0, x) }
        #expect(result.structured)
        for b in 0..<4 {
            let single = gradients(at: conv.parameters) { p in losses(p, x.slice([.range(b..<(b + 1))])).sum() }
            // Kernel-gradient entries sum x dL/dz over 4 positions (|x| < 3, |dL/dz| = |2 y (1 - y^2)|
            // < 0.8; bias: 4 terms): each order within 4 eps/2 * 9.6, two differ by <= 8.5e-15 <
            // 1e-14; measured identical (the same backward operations).
            for k in 0..<2 { expectClose(result.gradients[k].slice([.index(b)]), single[k], rtol: 1e-12, atol: 1e-14) }
        }
    }
}
