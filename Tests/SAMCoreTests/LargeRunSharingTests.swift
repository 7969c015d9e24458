import Foundation
import Testing
@testable import SAMCore

/// A large run holds each long vector once (issue 17 target 3): the kernel pads the weights straight into its
/// buffers, the runner does not keep the model's initial weights, and the summary shares the result's weights. None
/// of it changes a number.
@Suite struct LargeRunSharingTests {
    /// Layer-major weights with distinct, many-digit entries (and a -0.0, whose sign must survive).
    static func weights(layers: Int, d: Int) -> [Double] {
        (0..<layers * d).map { (i: Int) -> Double in
            if i == 1 { return -0.0 }
            let k = Double((i * 7919) % 1009)
            return k / 101 - 4.3
        }
    }

    /// `pad` writes the storage `PaddedLayers(weights:)` builds, pad lanes zero, and `unpad` reads back its weights,
    /// for dimensions that fill the last block and those that do not.
    @Test(arguments: [(1, 1), (1, 4), (2, 5), (3, 7), (2, 8)])
    func paddingInPlaceIsThePaddedArray(_ layers: Int, _ d: Int) {
        let w = Self.weights(layers: layers, d: d)
        let reference = PaddedLayers(weights: w, dimension: d, layers: layers)
        let count = reference.storage.count
        let buffer = UnsafeMutablePointer<Lanes>.allocate(capacity: count)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: Lanes(repeating: .nan), count: count)
        PaddedLayers.pad(w, dimension: d, layers: layers, into: buffer)
        let written = Array(UnsafeBufferPointer(start: buffer, count: count))
        let bits: ([Lanes]) -> [UInt64] = { lanes in lanes.flatMap { (v: Lanes) -> [UInt64] in (0..<4).map { v[$0].bitPattern } } }
        #expect(bits(written) == bits(reference.storage))
        let back = PaddedLayers.unpad(buffer, dimension: d, layers: layers)
        #expect(back.map(\.bitPattern) == w.map(\.bitPattern))
        #expect(back.map(\.bitPattern) == reference.weights.map(\.bitPattern))
    }

    /// The one-example kernel reads out the weights it was given and those it is set to, bit for bit, and its beta
    /// has exactly d entries.
    @Test func theKernelsWeightsAndBetaHaveTheirSizes() throws {
        let spec = RunSpec.discrete(data: .singleExample(mu: [0.7, 1.1, 1.9, 0.4, 2.5]), depth: 3, optimizer: .l2SAM, steps: 3)
        let runner = try DiscreteRunner(spec: spec, dataset: try spec.data.load())
        #expect(runner.kernel is SingleExampleKernel)
        #expect(runner.kernel.weights.map(\.bitPattern) == runner.model.initialWeights.map(\.bitPattern))
        let w = Self.weights(layers: 3, d: 5)
        runner.kernel.weights = w
        #expect(runner.kernel.weights.map(\.bitPattern) == w.map(\.bitPattern))
        let o = runner.kernel.observe(includeBeta: true)
        #expect(o.beta?.count == 5)
        #expect(runner.kernel.observe(includeBeta: false).norm.bitPattern == o.norm.bitPattern)
    }

    /// The runner builds its model again when asked: the same model as the spec's, though it keeps no weights.
    @Test func theRunnersModelIsTheSpecsModel() throws {
        let spec = RunSpec.discrete(data: .singleExample(mu: [1, 2, 3]), depth: 2, optimizer: .l2SAM, steps: 2)
        let runner = try DiscreteRunner(spec: spec, dataset: try spec.data.load())
        let built = try spec.components(dimension: 3).model
        #expect(runner.model.initialWeights == built.initialWeights && runner.model.layerCount == built.layerCount)
        #expect(runner.weightCount == built.initialWeights.count && runner.layerShapes == nil)
    }

    /// direction(of:) is u / ||u||_2 with u = beta / max|beta_j|, mapped twice as the formula reads: the same bits
    /// for mixed signs, tiny and huge entries, zeros, a NaN or infinity (nil), and an empty beta (nil).
    @Test func directionIsTheFormulaMappedTwice() {
        func formula(_ beta: [Double]) -> [Double]? {
            let scale = beta.map(abs).max() ?? 0
            guard scale > 0, scale.isFinite else { return nil }
            let scaled = beta.map { $0 / scale }
            let norm = scaled.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return scaled.map { $0 / norm }
        }
        let cases: [[Double]] = [[3, -4], [1e-300, 2e-300, -3e-300], [1e300, -1e300, 5], Self.weights(layers: 1, d: 999),
                                 [0, 0], [], [.nan, 1], [1, .nan], [.infinity, 1], [-0.0, 2]]
        for beta in cases {
            #expect(RunResult.direction(of: beta)?.map(\.bitPattern) == formula(beta)?.map(\.bitPattern), "\(beta.prefix(3))")
        }
    }

    /// A summary of vector layers shares the result's weights: its lists are the result's layers, and weights.npy
    /// holds the layer-major weights as they are.
    @Test func theSummarySharesTheResultsWeights() throws {
        let d = 1003
        let mu = (0..<d).map { (j: Int) -> Double in 0.5 + Double((j * 31) % 97) / 61 }
        let spec = RunSpec.discrete(data: .singleExample(mu: mu), depth: 2, optimizer: .l2SAM, steps: 3)
        let runner = try DiscreteRunner(spec: spec, dataset: try spec.data.load())
        runner.run()
        let result = runner.result
        let summary = RunSummary(result)
        #expect(summary.weights == result.weightLayers)
        let vectors = SummaryVectors()
        _ = try JSONOutput.encode(summary, userInfo: [SummaryVectors.sinkKey: vectors])
        let file = try #require(vectors.files.first { $0.name == "weights.npy" }?.array)
        #expect(file.shape == [2, d] && file.values.map(\.bitPattern) == result.finalWeights.map(\.bitPattern))
        // Setting the lists replaces the shared array.
        var edited = summary
        edited.weights = [[1, 2], [3, 4]]
        #expect(edited.weights == [[1, 2], [3, 4]] && edited.layerMajorWeights == nil)
    }

    /// An NPY file written from its values (`write(to:)`, what a run folder uses) has the bytes of `data`.
    @Test func anArrayIsWrittenAsItsBytes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("samlab-npy-\(UUID().uuidString).npy").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let arrays = [NPYArray(vector: Self.weights(layers: 1, d: 1001)), NPYArray(shape: [2, 3], values: [1, 2, 3, 4, 5, -0.0]),
                      NPYArray(vector: [])]
        for array in arrays {
            try array.write(to: path)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == array.data)
        }
    }
}
