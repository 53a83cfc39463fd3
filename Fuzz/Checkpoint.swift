import Foundation
import InductiveNN
import InductiveTensor

// The checkpoint loader (`Trainer.restoreCheckpoint`). First byte even: the rest is a list of
// 3-byte edits (what, which array, which value) applied to a valid checkpoint, so the fuzzer
// reaches the validation behind the NPZ reader; odd: the rest is a whole .npz. A checkpoint
// is either refused, leaving the trainer untouched, or restored and then trains on.

let data = try! Dataset(inputs: Tensor(shape: [6, 2], scalars: [0, 1, 1, 0, 1, 1, 0, 0, 2, 1, 1, 2]), labels: [0, 1, 1, 0, 1, 0])

func freshTrainer() -> Trainer<Sequential> {
    var rng = RandomGenerator(seed: 3)
    let model = try! ModelSpecification.build("dense(3,relu),batchnorm,dense(2)", inputShape: [2], using: &rng).model
    return Trainer(model: model, optimizer: Adam(learningRate: 0.01),
                   configuration: TrainingConfiguration(epochs: 3, batchSize: 4), seed: 4)
}

/// The trainer every input restores into (a value: each run works on its own copy).
let fresh = freshTrainer()

/// A trainer after one epoch and its checkpoint.
let base: (trainer: Trainer<Sequential>, archive: NPZArchive) = {
    var t = freshTrainer()
    t.configuration.epochs = 1
    try! t.fit(data)
    return (t, t.checkpoint())
}()

let specials: [Double] = [.nan, .infinity, -.infinity, 1e300, -1, 0, 0.5, 2, 1e15, Double(Int.max), -0.0, 1]
let integers: [Int] = [Int.max, Int.min, -1, 0, 1, 2, 3, 1 << 53, 1 << 62, 7]

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    writeSeeds([
        ("edits", [0, 1, 3, 4, 0, 9, 1, 2, 2, 5, 7, 1]),
        ("nothing", [0]),
        ("archive", [1] + ((try? NPZ.encode(base.archive, compressed: false)) ?? [])),
    ])
    return 0
}

/// Applies one edit to the archive.
func edit(_ archive: inout NPZArchive, what: UInt8, which: UInt8, value: UInt8) {
    guard !archive.entries.isEmpty else { return }
    let i = Int(which) % archive.entries.count
    let name = archive.entries[i].name
    let shape = archive.entries[i].array.shape
    let count = shape.reduce(1, *)
    switch what % 8 {
    case 0: archive.entries.remove(at: i)
    case 1: // every value special
        archive.entries[i].array = .float(Tensor(shape: shape, scalars: Array(repeating: specials[Int(value) % specials.count], count: count)))
    case 2: // one value special, integers kept integer
        if case .integer(var v, let s) = archive.entries[i].array, !v.isEmpty {
            v[Int(value) % v.count] = integers[Int(value) % integers.count]
            archive.entries[i].array = .integer(v, shape: s)
        } else if count > 0 {
            var t = archive.entries[i].array.tensor.scalars
            t[Int(value) % t.count] = specials[Int(value) % specials.count]
            archive.entries[i].array = .float(Tensor(shape: shape, scalars: t))
        }
    case 3: // another shape
        let newShape = value % 2 == 0 ? shape + [1] : [count + Int(value % 3)]
        archive.entries[i].array = .float(Tensor(shape: newShape, scalars: Array(repeating: 0.5, count: newShape.reduce(1, *))))
    case 4: // an extra array beside this one
        let extras = ["optimizer/m.\(value % 9)", "optimizer/velocity.0", "parameter/extra", "best/" + name, "state/x", name + "2"]
        archive.set(extras[Int(value) % extras.count], archive.entries[i].array)
    case 5: // integers where floats were, or floats where integers were
        let t = archive.entries[i].array
        archive.entries[i].array = t.integers == nil ? .integer(t.tensor.scalars.map { $0.isFinite && abs($0) < 1e15 ? Int($0) : 0 }, shape: shape)
                                                     : .float(t.tensor)
    case 6: // fewer history rows
        if case .float(let h) = archive.entries[i].array, h.rank == 2, h.shape[0] > 0 {
            archive.entries[i].array = .float(h.slice([.range(0..<(h.shape[0] - 1))]))
        }
    default: // swap two arrays' values
        let j = Int(value) % archive.entries.count
        let a = archive.entries[i].array
        archive.entries[i].array = archive.entries[j].array
        archive.entries[j].array = a
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count >= 1 else { return 0 }
    let input = bytes(start, count)
    var archive: NPZArchive
    if input[0] % 2 == 0 {
        archive = base.archive
        var p = 1
        while p + 3 <= input.count {
            edit(&archive, what: input[p], which: input[p + 1], value: input[p + 2])
            p += 3
        }
    } else {
        guard let decoded = input.dropFirst().withUnsafeBytes({ try? NPZ.decode($0, source: "fuzz.npz") }) else { return 0 }
        archive = decoded
    }
    var trainer = fresh
    do {
        try trainer.restoreCheckpoint(archive, source: "fuzz.npz")
    } catch {
        precondition(error is TrainingError, "restore threw \(type(of: error)), not TrainingError: \(error)")
        precondition("\(error)".split(separator: "\n").count == 1, "a multi-line error: \(error)")
        precondition(trainer.model.parameters == fresh.model.parameters && trainer.model.state == fresh.model.state
                     && trainer.epoch == 0 && trainer.history.isEmpty, "a refused checkpoint changed the trainer")
        return 0
    }
    // Accepted: training continues without trapping (it may diverge, a typed error).
    _ = try? trainer.fit(data)
    precondition(trainer.epoch <= trainer.configuration.epochs, "epoch \(trainer.epoch) after fit")
    return 0
}
