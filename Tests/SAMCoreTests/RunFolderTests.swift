import Foundation
import Testing
@testable import SAMCore

/// A run folder appears whole or not at all.
@Suite struct RunFolderTests {
    static func result(steps: Int) throws -> RunResult {
        let spec = RunSpec.discrete(optimizer: .l2SAM, steps: steps, record: .every(10))
        let runner = try DiscreteRunner(spec: spec, dataset: try spec.data.load())
        runner.run()
        return runner.result
    }

    static func temporary() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("samlab-folder-\(UUID().uuidString)").path
    }

    /// A write that fails after the first file leaves no folder (new) or the previous complete run (existing), and no
    /// temporary sibling.
    @Test func aWriteThatFailsPartWayLeavesNothingHalfWritten() throws {
        let parent = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let folder = (parent as NSString).appendingPathComponent("run")
        var written = 0
        let failing: (Data, String) throws(InvalidInput) -> Void = { data, path throws(InvalidInput) in
            written += 1
            guard written < 2 else { throw InvalidInput("\(path): cannot write (No space left on device)") }
            try RunFolder.plainWrite(data, to: path)
        }
        // The error names the file where it would have been, not the temporary sibling it was written into.
        #expect(throws: InvalidInput("\(folder)/summary.json: cannot write (No space left on device)")) {
            try RunFolder.write(try Self.result(steps: 30), to: folder, writeFile: failing)
        }
        #expect(!FileManager.default.fileExists(atPath: folder))
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)

        // Over an existing complete run: the failed write leaves it as it was.
        let first = try Self.result(steps: 30)
        try RunFolder.write(first, to: folder)
        let before = try Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))
        written = 0
        #expect(throws: InvalidInput.self) { try RunFolder.write(try Self.result(steps: 60), to: folder, writeFile: failing) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json")) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["run"])
        // A successful write replaces it whole.
        try RunFolder.write(try Self.result(steps: 60), to: folder)
        #expect(try RunFolder.read(folder).endClock == 60)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["summary.json", "trajectory.csv"])
    }

    /// An unfinished run's folder holds its checkpoint alone; the finished run replaces it.
    @Test func checkpointThenResult() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spec = RunSpec.discrete(optimizer: .l2SAM, steps: 5000)
        let runner = try DiscreteRunner(spec: spec, dataset: try spec.data.load())
        var calls = 0
        let partial = runner.run(shouldStop: { calls += 1; return calls > 2 })
        try RunFolder.saveCheckpoint(RunCheckpoint(config: spec, state: partial), in: folder)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["checkpoint.json"])
        #expect(try RunFolder.loadCheckpoint(in: folder)?.state == partial)
        runner.run()
        try RunFolder.write(runner.result, to: folder)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["summary.json", "trajectory.csv"])
    }

    /// A folder with a user's other files is never replaced.
    @Test func foreignFilesAreNeverReplaced() throws {
        let folder = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        #expect(throws: InvalidInput("\(folder): holds files that are not a run's (notes.txt); choose another folder")) {
            try RunFolder.write(try Self.result(steps: 10), to: folder)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["notes.txt"])
    }
}
