import ArgumentParser
import Foundation
import Inductive

/// Times `body` `repeats` times after one warm-up and returns the median in seconds.
func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
    body()
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }
    times.sort()
    return times[times.count / 2]
}

/// The benchmark groups of `inductive bench`.
enum BenchGroup: String, ExpressibleByArgument, CaseIterable {
    case tensor, autodiff, ntk, sindy, symmetry
}

/// One measured case of `inductive bench`: a stable name (the Python sides under `bench/`
/// use the same names, so `scripts/bench-compare` pairs them), the median of `repeats` timed
/// runs after one warm-up, in seconds.
struct BenchCase {
    var name: String
    var seconds: Double
    var repeats: Int
}

/// The cases of one `inductive bench` run in the order measured: what `--json` writes.
struct BenchLog {
    private(set) var cases: [BenchCase] = []

    mutating func record(_ name: String, seconds: Double, repeats: Int) {
        cases.append(BenchCase(name: name, seconds: seconds, repeats: repeats))
    }

    /// `{"tool", "group", "inductive", "blas", "openblas_core", "blas_threads", "cases":
    /// [{"name", "implementation", "median", "unit", "repeats"}]}`; the same layout as the
    /// files the Python sides write (`bench/timing.py`).
    func json(group: BenchGroup) -> JSONValue {
        let core = BLASCore.check().running
        return [
            "tool": "inductive bench",
            "group": .string(group.rawValue),
            "inductive": .string(InductiveVersion.string),
            "blas": .string(BLAS.configuration),
            "openblas_core": core.map { .string($0) } ?? .null,
            "blas_threads": BLAS.threadCount.map { .int($0) } ?? .null,
            "cases": .array(cases.map {
                ["name": .string($0.name), "implementation": "inductive", "median": .number($0.seconds), "unit": "s",
                 "repeats": .int($0.repeats)]
            }),
        ]
    }
}

/// `inductive bench`: speed of the numerical core, to compare with NumPy on the same machine
/// (`bench/foundation.py` prints the same lines for NumPy).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the numerical core (matmul GFLOP/s, elementwise throughput).",
        discussion: "scripts/bench-compare runs every group and its Python counterpart (bench/*.py) in one sitting and prints the comparison table; --json writes the cases (name, median seconds, repeats) for it.")

    @Flag(help: "Only the elementwise cases.")
    var elementwiseOnly = false

    @Option(help: "Which benchmark group: tensor, autodiff, ntk, sindy (SINDy on Lorenz; compare with bench/sindy_lorenz.py), or symmetry (group convolutions on 8x8 digits against plain convolutions).")
    var group: BenchGroup = .tensor

    @Option(help: "sindy: a .npy of shape (samples, 3) with Lorenz data at dt 0.002 (default: simulate 50,000 samples).")
    var data: String?

    @Option(parsing: .unconditional, help: "Timed repetitions per case, 1 to 1000 (the median is reported).")
    var repeats: Int = 5

    @Option(help: "Also write the cases (name, median in seconds, repeats) as JSON to this file.")
    var json: String?

    func validate() throws {
        try requireInteger(repeats, "repeats", 1...1000)
    }

    func run() throws {
        try checkOutputs([json])
        var log = BenchLog()
        if group == .sindy {
            try sindy(&log)
        } else {
            print("BLAS: \(BLAS.configuration)")
            switch group {
            case .autodiff: benchAutodiff(&log)
            case .ntk: try benchNTK(&log)
            case .symmetry: benchSymmetry(&log)
            case .tensor, .sindy: benchTensor(&log)
            }
        }
        if let json { try JSONFile.write(log.json(group: group), to: json) }
    }

    /// One SGD step of an MLP 784-512-512-10 (ReLU, softmax cross-entropy, batch 128,
    /// float64): forward, backward, update; and a Hessian-vector product of the same loss.
    func benchAutodiff(_ log: inout BenchLog) {
        var rng = RandomGenerator(seed: 0)
        let sizes = [784, 512, 512, 10]
        var params: [Tensor] = []
        for (fanIn, fanOut) in zip(sizes, sizes.dropFirst()) {
            params.append(Tensor.randomNormal([fanIn, fanOut], std: (2 / Double(fanIn)).squareRoot(), using: &rng))
            params.append(Tensor.zeros([fanOut]))
        }
        let batch = 128
        let x = Tensor.randomNormal([batch, 784], using: &rng)
        var oneHot = Tensor.zeros([batch, 10])
        for i in 0..<batch { oneHot[i, rng.integer(below: 10)] = 1 }
        func loss(_ p: [Variable]) -> Variable {
            var h = Variable(constant: x)
            for layer in 0..<3 {
                h = matmul(h, p[2 * layer]) + p[2 * layer + 1]
                if layer < 2 { h = relu(h) }
            }
            return -(Variable(constant: oneHot) * logSoftmax(h, axis: 1)).sum() * (1 / Double(batch))
        }
        var lastLoss = 0.0
        let tStep = medianSeconds(repeats: repeats * 4) {
            // The graph (and the variables sharing the parameters' storage) ends with the
            // closure, so the update below finds each parameter uniquely referenced and works in
            // place instead of copying 5 MiB of weights first.
            let grads: [Tensor] = {
                let vars = params.map(Variable.parameter)
                let l = loss(vars)
                lastLoss = l.scalar
                return gradientTensors(of: l, wrt: vars)
            }()
            for i in params.indices { params[i].addScaled(grads[i], -0.01) }
        }
        print(String(format: "mlp step 784-512-512-10 batch 128  %8.2f ms  (loss %.4f)", tStep * 1e3, lastLoss))
        log.record("mlp.step", seconds: tStep, repeats: repeats * 4)
        let directions = params.map { Tensor.randomNormal($0.shape, using: &rng) }
        for method in [HessianVectorProductMethod.forwardOverReverse, .reverseOverReverse] {
            // Only the product is timed (as JAX's call, which returns the tangents); the norm
            // printed as a sanity value is taken after.
            var hv: [Tensor] = []
            let tHVP = medianSeconds(repeats: repeats * 2) {
                hv = hessianVectorProduct(at: params, vectors: directions, method: method, of: loss)
            }
            let hvNorm = hv.map { $0.norm() }.reduce(0, +)
            let label = method == .forwardOverReverse ? "mlp hvp  784-512-512-10 batch 128" : "  (reverse over reverse)         "
            print(label + String(format: "  %8.2f ms  (|Hv| %.4f)", tHVP * 1e3, hvNorm))
            log.record(method == .forwardOverReverse ? "mlp.hvp" : "mlp.hvp.reverse-over-reverse",
                       seconds: tHVP, repeats: repeats * 2)
        }
    }

    /// Group convolutions on a batch of 128 8x8 images (forward and gradient), each against the
    /// plain convolution it should cost at most |G| times: a lifting layer 1 → C against a
    /// plain 1 → C convolution (it computes |G| C maps), a group convolution C|G| → C|G|
    /// against a plain C|G| → C convolution (the same inputs, |G| times fewer outputs).
    func benchSymmetry(_ log: inout BenchLog) {
        var rng = RandomGenerator(seed: 0)
        let batch = 128, channels = 8
        func time(_ layer: some Layer, _ x: Tensor) -> Double {
            medianSeconds(repeats: repeats) {
                let params = layer.parameters.map(Variable.parameter)
                let y = layer.apply(parameters: params, to: Variable(constant: x))
                _ = gradientTensors(of: (y * y).sum(), wrt: params)
            }
        }
        let images = Tensor.randomNormal([batch, 1, 8, 8], using: &rng)
        let plainLift = time(Convolution(inputChannels: 1, outputChannels: channels, kernel: [3, 3], activation: .relu, using: &rng), images)
        print(String(format: "plain conv 1->%d 3x3, batch %d of 8x8            %8.3f ms", channels, batch, plainLift * 1e3))
        log.record("conv.plain.1-\(channels)", seconds: plainLift, repeats: repeats)
        for group in [FiniteGroup.rotations, .dihedral] {
            let order = group.order
            let lifting = time(GroupConvolution(group: group, lifting: true, inputChannels: 1, outputChannels: channels, kernel: 3,
                                                activation: .relu, using: &rng), images)
            let sameMaps = time(Convolution(inputChannels: 1, outputChannels: channels * order, kernel: [3, 3], activation: .relu, using: &rng), images)
            print(group.name + String(format: " lifting 1->%dx%d                               %8.3f ms  %5.2f x plain (|G| = %d); plain 1->%d: %.3f ms",
                         channels, order, lifting * 1e3, lifting / plainLift, order, channels * order, sameMaps * 1e3))
            log.record("conv.\(group.name).lifting", seconds: lifting, repeats: repeats)
            log.record("conv.plain.1-\(channels * order)", seconds: sameMaps, repeats: repeats)
            let maps = Tensor.randomNormal([batch, channels, order, 8, 8], using: &rng)
            let flat = maps.reshaped([batch, channels * order, 8, 8])
            let plain = time(Convolution(inputChannels: channels * order, outputChannels: channels, kernel: [3, 3], activation: .relu, using: &rng), flat)
            let groupConv = time(GroupConvolution(group: group, lifting: false, inputChannels: channels, outputChannels: channels, kernel: 3,
                                                  activation: .relu, using: &rng), maps)
            print(group.name + String(format: " group conv %dx%d->%dx%d vs plain %d->%d        %8.3f ms  %5.2f x plain (%.3f ms; |G| = %d)",
                         channels, order, channels, order, channels * order, channels, groupConv * 1e3, groupConv / plain, plain * 1e3, order))
            log.record("conv.\(group.name).group", seconds: groupConv, repeats: repeats)
            log.record("conv.plain.\(channels * order)-\(channels).\(group.name)", seconds: plain, repeats: repeats)
        }
    }

    func benchTensor(_ log: inout BenchLog) {
        var rng = RandomGenerator(seed: 0)
        for n in elementwiseOnly ? [] : [256, 1024, 2048] {
            let a = Tensor.randomNormal([n, n], using: &rng), b = Tensor.randomNormal([n, n], using: &rng)
            var c = Tensor(0)
            let t = medianSeconds(repeats: repeats) { c = matmul(a, b) }
            precondition(c.count == n * n)
            print(String(format: "matmul n=%-5d %8.2f ms  %7.2f GFLOP/s", n, t * 1e3, 2 * pow(Double(n), 3) / t * 1e-9))
            log.record("matmul.\(n)", seconds: t, repeats: repeats)
        }
        let n = 10_000_000
        let x = Tensor.randomNormal([n], using: &rng), y = Tensor.randomNormal([n], using: &rng)
        var z = Tensor(0)
        let tExp = medianSeconds(repeats: repeats) { z = exp(x) }
        print(String(format: "exp   n=1e7    %8.2f ms  %7.3f ns/element", tExp * 1e3, tExp / Double(n) * 1e9))
        log.record("exp.1e7", seconds: tExp, repeats: repeats)
        let tAdd = medianSeconds(repeats: repeats) { z = x + y }
        print(String(format: "add   n=1e7    %8.2f ms  %7.3f ns/element", tAdd * 1e3, tAdd / Double(n) * 1e9))
        log.record("add.1e7", seconds: tAdd, repeats: repeats)
        precondition(z.count == n)
    }

    /// SINDy end to end (finite-difference derivative, degree-2 library, STLSQ with threshold
    /// 0.1 and ridge alpha 0.05, PySINDy's defaults) on Lorenz data sampled at dt = 0.002.
    func sindy(_ log: inout BenchLog) throws {
        let x = try data.map { try NPY.read($0) } ?? (try DiscoveryBenchmark.lorenz(samples: 50_000)).y
        var options = ODEDiscoveryOptions()
        options.threshold = 0.1
        options.alpha = 0.05
        // A first fit reports what is wrong with the user's data; the timed ones cannot fail then.
        var result = try discoverODE(x, dt: 0.002, options: options)
        let t = medianSeconds(repeats: repeats) { result = (try? discoverODE(x, dt: 0.002, options: options)) ?? result }
        print(result)
        print(String(format: "inductive: SINDy fit on %d samples: median %.2f ms (%d runs)", x.shape[0], t * 1e3, repeats))
        log.record("sindy.lorenz", seconds: t, repeats: repeats)
    }
}

extension Bench {
    /// The kernels' cases of the issue, mirrored by `bench/ntk.py` for neural-tangents:
    /// empirical NTK of an MLP 64-512-512-1 ReLU without bias (stax's default Dense) on
    /// 256 x 256 and 1024 x 1024 inputs; analytic NTK + NNGP of a depth-3 ReLU MLP on
    /// 2000 x 2000 inputs of dimension 64; closed-form GD-MSE train and test predictions
    /// (1000 train, 500 test points) at 10 times, eigendecomposition included.
    func benchNTK(_ log: inout BenchLog) throws {
        var rng = RandomGenerator(seed: 0)
        let mlp = InfiniteWidthMLP(depth: 2, activation: .relu, weightStd: 2.0.squareRoot(), biasStd: 0)
        let net = mlp.network(inputSize: 64, width: 512, using: &rng)
        for n in [256, 1024] {
            let x1 = Tensor.randomNormal([n, 64], using: &rng), x2 = Tensor.randomNormal([n, 64], using: &rng)
            var k = Tensor(0)
            let t = medianSeconds(repeats: repeats) { k = try! empiricalNTK(net, x1, x2) }
            precondition(k.shape == [n, n])
            print(String(format: "empirical NTK 64-512-512-1 relu  %4d x %-4d  %8.2f ms", n, n, t * 1e3))
            log.record("ntk.empirical.\(n)", seconds: t, repeats: repeats)
        }
        let deep = InfiniteWidthMLP(depth: 3, activation: .relu, weightStd: 2.0.squareRoot(), biasStd: 0.1)
        let a1 = Tensor.randomNormal([2000, 64], using: &rng), a2 = Tensor.randomNormal([2000, 64], using: &rng)
        var pair = (nngp: Tensor(0), ntk: Tensor(0))
        let tAnalytic = medianSeconds(repeats: repeats) { pair = deep.kernels(a1, a2) }
        precondition(pair.ntk.shape == [2000, 2000])
        print(String(format: "analytic NTK+NNGP depth 3 relu   2000 x 2000  %8.2f ms", tAnalytic * 1e3))
        log.record("ntk.analytic.2000", seconds: tAnalytic, repeats: repeats)
        let xTrain = Tensor.randomNormal([1000, 64], using: &rng), xTest = Tensor.randomNormal([500, 64], using: &rng)
        let kTrain = deep.ntk(xTrain), kTest = deep.ntk(xTest, xTrain)
        let y = Tensor.randomNormal([1000, 1], using: &rng)
        let times = (0..<10).map { Foundation.pow(10, Double($0) - 3) }
        var outputs: [Tensor] = []
        let tGD = medianSeconds(repeats: repeats) {
            let gd = try! GradientDescentMSE(trainKernel: kTrain, targets: y, learningRate: 1, convention: .halfMean)
            outputs = gd.trainOutputs(at: times) + gd.testOutputs(at: times, testTrainKernel: kTest)
        }
        precondition(outputs.count == 20)
        print(String(format: "GD-MSE predictions 1000 train, 500 test, 10 times  %8.2f ms", tGD * 1e3))
        log.record("ntk.gd-mse", seconds: tGD, repeats: repeats)
    }
}
