import Foundation
import Testing
@testable import SAMCore

@Suite struct DataTests {
    @Test func csvReadsAndRejects() throws {
        let ok = try CSVDataset.parse("x1,x2,y\n1,2,1\n-1,-2.5,-1\n\n", origin: .file("f.csv"))
        #expect(ok.points == [[1, 2], [-1, -2.5]])
        #expect(ok.labels == [1, -1])
        let cases: [(String, String)] = [
            ("", "f.csv: the file is empty"),
            ("x1,x2,y\n", "f.csv: no data rows after the header"),
            ("x1,x2,y\n1,2\n", "f.csv:2: expected 3 fields, found 2"),
            ("x1,x2,y\n1,2,0\n", "f.csv:2: label '0' must be +1 or -1 (real-valued labels need the squared loss)"),
            ("x1,x2,y\n1,nan,1\n", "f.csv:2: non-finite value 'nan' in column x2"),
            ("x1,x2,y\n1,inf,1\n", "f.csv:2: non-finite value 'inf' in column x2"),
            ("x1,x2,y\n1,abc,1\n", "f.csv:2: 'abc' in column x2 is not a number"),
            ("a,b,y\n1,2,1\n", "f.csv:1: header column 1 is 'a', expected 'x1' (header x1,...,xd,y)"),
            ("x1,x2,y\n1,2,1\n3,4,5,1\n", "f.csv:3: expected 3 fields, found 4"),
        ]
        for (text, message) in cases {
            #expect(throws: DataError.self) { try CSVDataset.parse(text, origin: .file("f.csv")) }
            #expect(errorMessage { _ = try CSVDataset.parse(text, origin: .file("f.csv")) } == message)
        }
    }

    @Test func gaussianIsSeededAndParsed() throws {
        let spec = try GaussianClusters(parsing: "n=100,mean=1,2,sigma=0.3,seed=7")
        #expect(spec == (try GaussianClusters(count: 100, mean: [1, 2], sigma: 0.3, seed: 7)))
        let a = try spec.generate(), b = try spec.generate()
        #expect(a == b)
        #expect(a.count == 100 && a.dimension == 2)
        #expect(a.labels.filter { $0 == 1 }.count == 50)
        let other = try GaussianClusters(parsing: "n=100,mean=1,2,sigma=0.3,seed=8").generate()
        #expect(other != a)
        // Cluster means are near +-m.
        let positives = zip(a.points, a.labels).filter { $0.1 == 1 }.map(\.0)
        let meanX = positives.map { $0[0] }.reduce(0, +) / 50
        #expect(abs(meanX - 1) < 0.15)
        for bad in ["n=100,mean=1,2,sigma=0.3", "n=1,mean=1,sigma=1,seed=1", "n=10,mean=1,sigma=-1,seed=1",
                    "n=10,mean=1,sigma=1,seed=1,foo=2", "n=10,mean=x,sigma=1,seed=1"] {
            #expect(throws: SpecError.self) { try GaussianClusters(parsing: bad) }
        }
    }

    @Test func normalDrawsHaveUnitVariance() {
        var rng = SplitMix64(seed: 42)
        let draws = (0..<200_000).map { _ in rng.nextNormal() }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.02)
    }

    @Test func recordingSchedules() throws {
        #expect(RecordingSchedule.every(10).steps(total: 25) == [0, 10, 20, 25])
        let log = RecordingSchedule.log(5).steps(total: 10000)
        #expect(log == [0, 1, 10, 100, 1000, 10000])
        #expect(RecordingSchedule.log(200).steps(total: 0) == [0])
        #expect(try RecordingSchedule(parsing: "every=10", clock: .step) == .every(10))
        #expect(try RecordingSchedule(parsing: "log=200", clock: .step) == .log(200))
        for bad in ["every=0", "log=1", "sometimes=3", "every"] {
            #expect(throws: SpecError.self) { try RecordingSchedule(parsing: bad, clock: .step) }
        }
    }

    @Test func networkInitializationChecksDimensions() throws {
        #expect(throws: SpecError.inconsistent(field: "alpha", detail: "has 3 entries but the data has d = 2 (give 1 or 2)")) {
            try ProductNetwork(spec: ModelSpec(depth: 2, alpha: [1, 2, 3]), dimension: 2)
        }
        #expect(throws: SpecError.inconsistent(field: "layer_init", detail: "given 1 times, expected one per layer (depth 2)")) {
            try ProductNetwork(spec: ModelSpec(depth: 2, layerInit: [[1, 2]]), dimension: 2)
        }
        #expect(throws: SpecError.outOfRange(field: "depth", value: "0", requirement: "must be at least 1")) {
            try ProductNetwork(spec: ModelSpec(depth: 0, alpha: [1]), dimension: 2)
        }
        let n = try SignedNetwork(spec: ModelSpec(name: "signed", depth: 3, alpha: [0.5, 1]), dimension: 2)
        #expect(n.initialWeights == [0.5, 1, 0.5, 1])
        #expect(n.beta(of: n.initialWeights) == [0, 0])
    }
}
