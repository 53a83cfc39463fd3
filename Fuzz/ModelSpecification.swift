import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveTensor

// The model-specification parser and builder: any text either builds a model or throws a
// ModelSpecificationError; a model it builds runs one example and gives the output shape it
// promised. The first byte picks the input shape; the limits are lowered so runs stay fast.

let inputShapes: [(shape: [Int], image: [Int]?)] = [([4], nil), ([64], [1, 8, 8]), ([2, 10], nil), ([3, 5, 6], nil)]

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    writeSeeds([
        ("dense", [0] + Array("dense(8,relu,ntk),dropout(0.1),dense(2)".utf8)),
        ("conv", [1] + Array("conv(4,3,relu,stride=2,padding=valid),maxpool(2),flatten,dense(10)".utf8)),
        ("conv1d", [2] + Array("conv(3,5,padding=circular),avgpool(2,1),globalmaxpool,layernorm,tanh".utf8)),
        ("fourier", [0] + Array("fourier(16,1.5),batchnorm,dense(3,gelu)".utf8)),
    ])
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count >= 1 else { return 0 }
    let input = bytes(start, count)
    let (shape, image) = inputShapes[Int(input[0]) % inputShapes.count]
    let text = String(decoding: input.dropFirst(), as: UTF8.self)
    var rng = RandomGenerator(seed: 1)
    let limits = ModelSpecification.Limits(maximumParameters: 20_000, maximumValuesPerExample: 20_000)
    guard let (model, outputShape) = try? ModelSpecification.build(text, inputShape: shape, imageShape: image,
                                                                     limits: limits, using: &rng) else { return 0 }
    precondition(model.parameterCount <= limits.maximumParameters, "the limit let \(model.parameterCount) parameters through")
    let x = Tensor(shape: [2] + shape, scalars: (0..<(2 * shape.reduce(1, *))).map { Double($0 % 7) - 3 })
    let y = model.apply(parameters: model.parameters.map { Variable(constant: $0) }, to: Variable(constant: x))
    precondition(y.shape == [2] + outputShape, "'\(text)': output \(y.shape), promised [2] + \(outputShape)")
    return 0
}
