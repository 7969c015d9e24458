import Foundation
import Testing
@testable import SAMCore

/// What keeps a d = 10^6 `train` run's peak within 3x its data and weights (issue 17 target 3) computes what the
/// dense and copying forms did: the sparse first zero crossings, the one-example kernel's look-ahead and shared
/// weights, and direction.npy written entry by entry.
@Suite struct LargeRunPeakMemoryTests {
    /// Random crossings recorded into both forms (before and after the switch to the dense one at d / 4) answer
    /// every query as a plain [Int] does, and encode to the same JSON.
    @Test func sparseCrossingsAnswerAsTheDenseArray() throws {
        for seed: UInt64 in [1, 2, 3] {
            var rng = SplitMix64(seed: seed)
            let d = 40
            var crossings = FirstZeroCrossings(dimension: d), reference = Array(repeating: -1, count: d)
            for step in 0..<200 {
                let j = Int(rng.next() % UInt64(d))
                crossings.record(coordinate: j, step: step)
                if reference[j] < 0 { reference[j] = step }
                #expect(crossings.steps == reference)
                #expect(crossings.count == reference.filter { $0 >= 0 }.count)
                #expect((0..<d).allSatisfy { crossings[$0] == reference[$0] && crossings.hasCrossed($0) == (reference[$0] >= 0) })
                let used: (Int) -> Bool = { $0 % 3 != 1 }
                let expected: Int? = (0..<d).filter(used).contains { reference[$0] < 0 } ? nil : (0..<d).filter(used).map { reference[$0] }.max()
                #expect(crossings.lastStep(over: used) == expected)
                #expect(crossings.crossings == reference.enumerated().filter { $0.element >= 0 }.map { ZeroCrossing(coordinate: $0.offset + 1, step: $0.element) })
                #expect(try JSONOutput.encode(crossings) == JSONOutput.encode(reference))
                #expect(crossings == FirstZeroCrossings(steps: reference))
            }
            #expect(try JSONDecoder().decode(FirstZeroCrossings.self, from: JSONOutput.encode(reference)) == crossings)
        }
    }

    /// The one-example kernel's `lookAhead` decides what a step decides (leaders, crossings) and leaves the
    /// state bit for bit as a step undone by setting the weights back (the general kernels' way): the weights,
    /// the observation, and the next step. At d = 8 the kernel shares its weights, at d = 7 it pads them.
    @Test(arguments: Optimizer.allCases)
    func lookAheadIsAStepUndone(_ optimizer: Optimizer) throws {
        // Unbalanced layers and negative mu_j: the smaller weight of those coordinates crosses zero.
        for mu in [[0.7, -3.1, 1.9, 0.4, -2.3, 1.2, 0.9, 1.5], [0.7, -3.1, 1.9, 0.4, -2.3, 1.2, 0.9]] {
            let data = try Dataset.singleExample(mu: mu)
            let network = try Fixtures.network(.product, depth: 2, d: mu.count, seed: 7)
            let looking = Fixtures.kernel(network, data, .logistic, optimizer, eta: 1, rho: 0.5)
            let undoing = Fixtures.kernel(network, data, .logistic, optimizer, eta: 1, rho: 0.5)
            #expect(looking is SingleExampleKernel)
            var crossedInALookAhead = false
            for step in 0..<12 {
                var a = GrowthScan(dimension: mu.count), b = GrowthScan(dimension: mu.count)
                a.begin(step: step)
                b.begin(step: step)
                let kept = undoing.weights
                let finite = looking.lookAhead(scan: &a)
                #expect(finite == undoing.step(scan: &b))
                undoing.weights = kept
                guard finite else { break }
                #expect(a.leader == b.leader && a.leaderAbsolute == b.leaderAbsolute && a.zeroCrossings == b.zeroCrossings)
                crossedInALookAhead = crossedInALookAhead || a.zeroCrossings.count > 0
                #expect(looking.weights.map(\.bitPattern) == undoing.weights.map(\.bitPattern))
                #expect(looking.observe(includeBeta: true) == undoing.observe(includeBeta: true))
                var c = GrowthScan(dimension: mu.count), e = GrowthScan(dimension: mu.count)
                #expect(looking.step(scan: &c) == undoing.step(scan: &e))
                #expect(looking.weights.map(\.bitPattern) == undoing.weights.map(\.bitPattern))
            }
            #expect(crossedInALookAhead, "\(optimizer): no look-ahead saw a crossing")
        }
    }

    /// Weights handed out by the kernel (shared at d = 8) stay as they were when the kernel steps on; weights
    /// handed in are not changed by its steps either.
    @Test func sharedWeightsAreCopiedOnWrite() throws {
        let data = try Dataset.singleExample(mu: [0.7, 1.1, 1.9, 0.4, 0.3, 1.2, 0.9, 1.5])
        let kernel = Fixtures.kernel(try Fixtures.network(.product, depth: 2, alpha: [0.5], d: 8), data, .logistic, .l2SAM)
        let before = kernel.weights
        let copy = before.map { $0 }
        var scan = GrowthScan(dimension: 8)
        #expect(kernel.step(scan: &scan))
        #expect(before == copy && kernel.weights != before)
        let handedIn = kernel.weights, kept = handedIn.map { $0 }
        kernel.weights = handedIn
        #expect(kernel.step(scan: &scan))
        #expect(handedIn == kept && kernel.weights != handedIn)
    }

    /// direction.npy, written entry by entry from beta, has the bytes of the direction as an array; a summary's
    /// direction is `RunResult.direction(of:)` of its beta, and stays the old beta's when beta is set.
    @Test func theDirectionFileIsTheDirectionsBytes() throws {
        // d above SummaryVectors.threshold, so that the folder keeps its vectors in NPY files.
        let spec = RunSpec.discrete(data: .singleExample(mu: (0..<1010).map { 0.25 + Double($0 % 13) / 7 }), depth: 3,
                                    optimizer: .linfSAM, steps: 2)
        let runner = try DiscreteRunner(spec: spec, dataset: spec.data.load())
        runner.run()
        let result = runner.result
        let direction = try #require(RunResult.direction(of: result.beta))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samlab-direction-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try RunFolder.write(result, to: folder)
        let written = try Data(contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("direction.npy")))
        #expect(written == NPYArray(vector: direction).data)
        var summary = RunSummary(result)
        #expect(summary.direction.map { $0.map(\.bitPattern) } == direction.map(\.bitPattern))
        summary.beta = [0, 0]
        #expect(summary.direction == direction)
        // The streamed writer's chunks join up at any length.
        for count in [0, 1, NPYDerivedVector.chunkSize, NPYDerivedVector.chunkSize + 3] {
            let path = (FileManager.default.temporaryDirectory.path as NSString).appendingPathComponent("samlab-derived-\(UUID().uuidString).npy")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let vector = NPYDerivedVector(count: count) { Double($0) * 0.25 - 3 }
            try vector.write(to: path)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == NPYArray(vector: vector.values).data)
        }
    }
}
