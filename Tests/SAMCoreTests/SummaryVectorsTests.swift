import Foundation
import Testing
@testable import SAMCore

/// Large runs keep their long vectors in NPY files beside summary.json; small runs' summaries keep their bytes.
@Suite struct SummaryVectorsTests {
    static func temporary() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("samlab-npy-\(UUID().uuidString)").path
    }

    /// mu of dimension d with varied, many-digit entries.
    static func mu(_ d: Int) -> [Double] { (0..<d).map { 0.5 + Double(($0 * 7919) % 1000) / 997 } }

    static func run(_ spec: RunSpec) throws -> RunResult {
        let runner = try DiscreteRunner(spec: spec, dataset: try spec.data.load())
        runner.run()
        return runner.result
    }

    static func json(_ data: Data) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    @Test func aSummaryUpToD1000KeepsItsBytesAndHasNoFiles() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try Self.run(.discrete(data: .singleExample(mu: Self.mu(1000)), optimizer: .l2SAM, steps: 3, record: .every(1)))
        let written = try RunFolder.write(result, to: folder)
        #expect(written == (try JSONOutput.encode(RunSummary(result))))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["summary.json", "trajectory.csv"])
        let object = try Self.json(written)
        #expect((object["beta"] as? [Any])?.count == 1000)
        #expect(object["beta_file"] == nil)
    }

    @Test func aLargeRunsVectorsGoToNPYFilesAndReadBack() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let d = 1001
        let spec = RunSpec.discrete(data: .singleExample(mu: Self.mu(d)), optimizer: .l2SAM, steps: 4, record: .every(1))
        let result = try Self.run(spec)
        let written = try RunFolder.write(result, to: folder)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
                == ["beta.npy", "direction.npy", "mu.npy", "summary.json", "trajectory.csv", "weights.npy"])
        #expect(written == (try Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))))
        #expect(written.count < 4000)
        let object = try Self.json(written)
        #expect(object["beta"] is NSNull && object["direction"] is NSNull && object["weights"] is NSNull)
        #expect(object["beta_file"] as? String == "beta.npy" && object["direction_file"] as? String == "direction.npy")
        #expect(object["weights_file"] as? String == "weights.npy")
        let data = (object["config"] as! [String: Any])["data"] as! [String: Any]
        #expect(data["mu"] is NSNull && data["mu_file"] as? String == "mu.npy")
        // Every other key keeps its value and meaning.
        let inline = try Self.json(try JSONOutput.encode(RunSummary(result)))
        for key in inline.keys where !["beta", "direction", "weights", "config"].contains(key) {
            #expect((object[key] as? NSObject) == (inline[key] as? NSObject), "\(key)")
        }
        // The files: NPY 1.0, <f8, C order, the shapes stated; numpy's header layout (a multiple of 64 bytes).
        let beta = try Data(contentsOf: URL(fileURLWithPath: folder + "/beta.npy"))
        let headerLength = Int(beta[8]) | Int(beta[9]) << 8
        #expect(Array(beta.prefix(8)) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        #expect((10 + headerLength) % 64 == 0 && beta.count == 10 + headerLength + 8 * d)
        #expect(String(decoding: beta[10..<(10 + headerLength)], as: UTF8.self).hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (1001,), }"))
        let betaArray = try NPYArray(data: beta, source: "beta.npy")
        #expect(betaArray.values.map(\.bitPattern) == result.beta.map(\.bitPattern))
        let weights = try NPYArray(data: try Data(contentsOf: URL(fileURLWithPath: folder + "/weights.npy")), source: "weights.npy")
        #expect(weights.shape == [2, d] && weights.values == result.finalWeights)
        // Reading back: the folder, and --config summary.json (mu from mu.npy, against the summary's folder).
        let read = try RunFolder.read(folder)
        #expect(read.beta.map(\.bitPattern) == result.beta.map(\.bitPattern))
        #expect(read.finalWeights == result.finalWeights && read.weightLayers == result.weightLayers)
        #expect(read.direction == result.direction)
        #expect(read.spec == spec)
        #expect(try RunSpec(jsonData: written, clock: .step, baseDirectory: folder) == spec)
        #expect(errorMessage { _ = try RunSpec(jsonData: written, clock: .step, baseDirectory: folder + "/nowhere") }
                == "config.data.mu_file: \(folder)/nowhere/mu.npy: cannot read the file (no such file)")
        // Without its folder, a summary says where beta is.
        #expect(errorMessage { _ = try JSONDecoder().decode(RunSummary.self, from: written) }
                .contains("'beta' is in beta.npy beside the summary"))
        // A later d <= 1000 run replaces the folder whole: no NPY file is left behind.
        try RunFolder.write(try Self.run(.discrete(optimizer: .l2SAM, steps: 3)), to: folder)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["summary.json", "trajectory.csv"])
    }

    @Test func aDenseModelsLayersGoToOneFileEach() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var spec = RunSpec.discrete(data: .singleExample(mu: Self.mu(1500)), alpha: [0.05], optimizer: .l2SAM, steps: 2, record: .every(1))
        spec.model = ModelSpec(name: DenseNetwork.name, depth: 3, alpha: [0.05], width: 2, seed: 3)
        let result = try Self.run(spec)
        let written = try RunFolder.write(result, to: folder)
        let object = try Self.json(written)
        #expect(object["weights"] is NSNull)
        #expect(object["weights_files"] as? [String] == ["weights_1.npy", "weights_2.npy", "weights_3.npy"])
        let shapes = try (1...3).map { try NPYArray(data: try Data(contentsOf: URL(fileURLWithPath: folder + "/weights_\($0).npy")), source: "").shape }
        #expect(shapes == [[2, 1500], [2, 2], [1, 2]])
        let read = try RunFolder.read(folder)
        #expect(read.finalWeights == result.finalWeights)
        #expect(read.weightMatrices == result.weightMatrices)
        #expect(RunFolder.isRunFile("weights_2.npy") && !RunFolder.isRunFile("weights_x.npy") && !RunFolder.isRunFile("other.npy"))
    }

    @Test func npyReadingRefusesWhatItCannotRead() throws {
        let good = NPYArray(shape: [2, 3], values: [1, 2, 3, 4, 5, -0.0]).data
        #expect(try NPYArray(data: good, source: "a.npy").values.map(\.bitPattern) == [1, 2, 3, 4, 5, -0.0].map(\.bitPattern))
        #expect(errorMessage { _ = try NPYArray(data: Data("hello".utf8), source: "a.npy") } == "a.npy: not an .npy file (no \\x93NUMPY magic)")
        let header = NPYArray.header(shape: [2, 3])
        var bigEndian = header
        bigEndian.replaceSubrange(bigEndian.range(of: Data("<f8".utf8))!, with: Data(">f8".utf8))
        #expect(errorMessage { _ = try NPYArray(data: bigEndian + Data(count: 48), source: "a.npy") }
                == "a.npy: the array must be little-endian float64 ('<f8'), found '>f8'")
        var fortran = header
        fortran.replaceSubrange(fortran.range(of: Data("False".utf8))!, with: Data("True ".utf8))
        #expect(errorMessage { _ = try NPYArray(data: fortran + Data(count: 48), source: "a.npy") }
                == "a.npy: the array must be in C order (fortran_order False)")
        #expect(errorMessage { _ = try NPYArray(data: good.dropLast(8), source: "a.npy") }
                == "a.npy: holds 40 bytes of values, expected 48 for shape (2, 3)")
    }

    @Test func vectorFilesReadTextAndNPY() throws {
        let dir = Self.temporary()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func file(_ name: String, _ data: Data) throws -> String {
            let path = dir + "/" + name
            try data.write(to: URL(fileURLWithPath: path))
            return path
        }
        let values = [1.5, -0.0, 2.2250738585072011e-308, 0.1, 3]
        let lines = try file("lines.txt", Data("1.5\n-0\r\n2.2250738585072011e-308\n\n0.1\n3\n".utf8))
        let commas = try file("commas.csv", Data("1.5, -0,2.2250738585072011e-308,0.1 ,3".utf8))
        let npy = try file("mu.npy", NPYArray(vector: values).data)
        let column = try file("column.npy", NPYArray(shape: [5, 1], values: values).data)
        for path in [lines, commas, npy, column] {
            #expect(try VectorFile.read(path, source: "--mu").map(\.bitPattern) == values.map(\.bitPattern), "\(path)")
        }
        let bad = try file("bad.txt", Data("1,2,x3\n".utf8))
        #expect(errorMessage { _ = try VectorFile.read(bad, source: "--mu") } == "--mu: \(bad): entry 3 ('x3') is not a number")
        let infinite = try file("inf.txt", Data("1\ninf\n".utf8))
        #expect(errorMessage { _ = try VectorFile.read(infinite, source: "--mu") } == "--mu: \(infinite): entry 2 ('inf') is not finite")
        let empty = try file("empty.txt", Data(" \n".utf8))
        #expect(errorMessage { _ = try VectorFile.read(empty, source: "--mu") } == "--mu: \(empty): holds no numbers")
        let matrix = try file("matrix.npy", NPYArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]).data)
        #expect(errorMessage { _ = try VectorFile.read(matrix, source: "--mu") } == "--mu: \(matrix): an array of shape 2x3, expected a vector")
        let nanNPY = try file("nan.npy", NPYArray(vector: [1, .nan]).data)
        #expect(errorMessage { _ = try VectorFile.read(nanNPY, source: "--mu") } == "--mu: \(nanNPY): entry 2 (nan) is not finite")
        #expect(errorMessage { _ = try VectorFile.read(dir + "/missing.txt", source: "--mu") } == "--mu: \(dir)/missing.txt: cannot read the file (no such file)")
        #expect(errorMessage { _ = try VectorFile.read(dir, source: "--mu") } == "--mu: \(dir): cannot read the file (it is a directory)")
        let nanText = try file("nan.txt", Data("1\nnan\n".utf8))
        #expect(errorMessage { _ = try VectorFile.read(nanText, source: "--mu") } == "--mu: \(nanText): entry 2 ('nan') is not finite")
        let truncated = try file("short.npy", NPYArray(vector: values).data.dropLast(3))
        #expect(errorMessage { _ = try VectorFile.read(truncated, source: "--mu") } == "--mu: \(truncated): holds 37 bytes of values, expected 40 for shape (5,)")
        // The spec key data.mu_file, against the configuration's folder.
        let spec = try RunSpec(jsonData: Data(#"{"data": {"kind": "single", "mu_file": "lines.txt"}, "lr": 0.1}"#.utf8), clock: .step, baseDirectory: dir)
        #expect(spec.data == .singleExample(mu: values))
        #expect(errorMessage { _ = try RunSpec(jsonData: Data(#"{"data": {"kind": "single", "mu": [1], "mu_file": "lines.txt"}}"#.utf8), clock: .step, baseDirectory: dir) }
                .contains("give mu or mu_file, not both"))
    }
}
