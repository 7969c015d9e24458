import Foundation
import Testing
@testable import SAMCore

/// Files and folders that cannot be read or written are told in words with their path (never Foundation's own
/// sentence); CSV with CRLF line endings is read; requests too large to fit are refused with the field named.
@Suite struct FileFaultTests {
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("samlab-faults-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// No message may carry Foundation's wording.
    static func expectInWords(_ message: String) {
        for foundation in ["operation could not be completed", "NSCocoaErrorDomain", "You don’t have permission", "There isn’t enough space"] {
            #expect(!message.contains(foundation), "\(message)")
        }
    }

    @Test func readingADirectoryAMissingFileAndADevice() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases = [(dir, "\(dir): cannot read the file (it is a directory)"),
                     (dir + "/missing.csv", "\(dir)/missing.csv: cannot read the file (no such file)"),
                     ("/dev/null", "/dev/null: cannot read the file (a device, not a regular file)"),
                     (dir + "/missing/x.csv", "\(dir)/missing/x.csv: cannot read the file (no such file)"),
                     ("", ": cannot read the file (the path is empty)")]
        for (path, message) in cases {
            let error = #expect(throws: FileError.self) { try InputFile.contents(path) }
            #expect(error?.description == message)
            Self.expectInWords(error?.description ?? "")
        }
        let file = dir + "/plain.txt"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: FileError.self) { try InputFile.contents(file + "/below") }
        #expect(error?.reason == "a part of the path is not a directory")
        #expect(try InputFile.contents(file) == Data("x".utf8))
    }

    /// A pipe (process substitution, /dev/stdin) is read to its end.
    @Test func aPipeIsReadToItsEnd() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let payload = Data((0..<300_000).map { UInt8($0 % 251) })
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: fifo)
            handle?.write(payload)
            try? handle?.close()
        }
        writer.start()
        #expect(try InputFile.contents(fifo) == payload)
    }

    @Test func errnoAndFoundationErrorsInWords() {
        #expect(InputFile.reason(errno: ENOSPC) == "no space left on the device")
        #expect(InputFile.reason(errno: EROFS) == "read-only file system")
        #expect(InputFile.reason(errno: EACCES) == "permission denied")
        #expect(InputFile.reason(errno: ENOTDIR) == "a part of the path is not a directory")
        #expect(InputFile.reason(errno: EISDIR) == "it is a directory")
        #expect(InputFile.reason(errno: ENOENT) == "no such file")
        #expect(InputFile.reason(errno: ENOENT, writing: true) == "the directory does not exist")
        #expect(InputFile.reason(CocoaError(.fileWriteOutOfSpace)) == "no space left on the device")
        #expect(InputFile.reason(CocoaError(.fileWriteVolumeReadOnly)) == "read-only file system")
        #expect(InputFile.reason(CocoaError(.fileReadNoPermission)) == "permission denied")
        #expect(InputFile.reason(NSError(domain: NSCocoaErrorDomain, code: NSFileReadUnknownError)) == "an unknown read error")
        #expect(InputFile.reason(NSError(domain: NSCocoaErrorDomain, code: NSFileWriteUnknownError,
                                         userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EROFS))])) == "read-only file system")
        Self.expectInWords(InputFile.reason(NSError(domain: NSCocoaErrorDomain, code: 4242)))
    }

    /// /dev/full fails every write with ENOSPC: the message says so, with the path.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func aFullDeviceIsNamed() throws {
        let error = #expect(throws: InvalidInput.self) { try RunFolder.plainWrite(Data(repeating: 1, count: 100_000), to: "/dev/full") }
        #expect(error?.message == "/dev/full: cannot write (no space left on the device)")
    }

    @Test func writingWhereItCannotBe() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = #expect(throws: InvalidInput.self) { try AtomicFile.write("x", to: dir + "/no/such/dir/file.json") }
        #expect(missing?.message == "\(dir)/no/such/dir/file.json: cannot write (the directory does not exist)")
        let file = dir + "/plain"
        try AtomicFile.write("x", to: file)
        let underFile = #expect(throws: InvalidInput.self) { try AtomicFile.makeDirectory(file + "/a/b") }
        #expect(underFile?.message == "\(file): exists and is not a directory")
        let checked = #expect(throws: InvalidInput.self) { try AtomicFile.checkWritable(file + "/a/b") }
        #expect(checked?.message == "\(file): exists and is not a directory")
        #expect(throws: Never.self) { try AtomicFile.checkWritable(dir + "/new/deeper") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/new"), "checking creates nothing")
        try AtomicFile.makeDirectory(dir + "/made/deeper")
        #expect(FileManager.default.fileExists(atPath: dir + "/made/deeper"))
        // No temporary file is left by a failed write.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["made", "plain"])
    }

    /// An interrupted run's folder holds its checkpoint, its summary and its trajectory, written together.
    @Test func anInterruptedFolderIsWrittenWhole() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = dir + "/run"
        #expect(try RunFolder.existingRunFiles(in: folder).isEmpty)
        let spec = RunSpec.discrete(optimizer: .l2SAM, steps: 5000, record: .every(100))
        let runner = try DiscreteRunner(spec: spec, dataset: try spec.data.load())
        var asked = 0
        let state = runner.run(shouldStop: { asked += 1; return asked > 2 })
        #expect(state.status == .interrupted)
        try RunFolder.write(runner.result, to: folder, checkpoint: RunCheckpoint(config: spec, state: state))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["run"])
        #expect(try RunFolder.existingRunFiles(in: folder) == ["checkpoint.json", "summary.json", "trajectory.csv"])
        let read = try RunFolder.read(folder)
        #expect(read.status == .interrupted && read.endClock == Double(state.step) && read.rows == state.rows)
        #expect(try RunFolder.loadCheckpoint(in: folder)?.state == state)
        // Finishing replaces it with the two files of a finished run.
        runner.run()
        try RunFolder.write(runner.result, to: folder)
        #expect(try RunFolder.existingRunFiles(in: folder) == ["summary.json", "trajectory.csv"])
        try Data().write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        let foreign = #expect(throws: InvalidInput.self) { try RunFolder.existingRunFiles(in: folder) }
        #expect(foreign?.message.contains("holds files that are not a run's (notes.txt)") == true)
    }

    @Test func crlfAndCRLinesAreRead() throws {
        let lf = try CSVDataset.parse("x1,x2,y\n1,2,1\n-1,-3,-1\n", origin: .file("a.csv"))
        for text in ["x1,x2,y\r\n1,2,1\r\n-1,-3,-1\r\n", "x1,x2,y\r1,2,1\r-1,-3,-1", "\u{FEFF}x1,x2,y\r\n1,2,1\r\n\r\n-1,-3,-1"] {
            #expect(try CSVDataset.parse(text, origin: .file("a.csv")) == lf, "\(text.debugDescription)")
        }
        let error = #expect(throws: DataError.self) { try CSVDataset.parse("x1,x2,y\r\n1,2,1\r\n1,2,3\r\n", origin: .file("a.csv")) }
        #expect(error?.description == "a.csv:3: label '3' must be +1 or -1 (real-valued labels need the squared loss)")
    }

    /// The bound on recorded states matches what the runs keep, and a schedule over the limit is refused.
    @Test func recordedStatesAreCountedAndBounded() throws {
        for (schedule, total) in [(RecordingSchedule.every(50), 300), (.every(7), 20), (.every(1), 0), (.log(40), 3000), (.log(200), 10)] {
            #expect(schedule.stateCount(clock: .step, extent: Double(total)) >= Double(schedule.steps(total: total).count))
        }
        #expect(RecordingSchedule.every(50).stateCount(clock: .step, extent: 300) == 7)
        #expect(RecordingSchedule.every(7).stateCount(clock: .step, extent: 20) == 4)
        for (schedule, end) in [(RecordingSchedule.every(0.5), 20.0), (.every(0.3), 1.0), (.times([0.5, 1, 2]), 3.0)] {
            #expect(schedule.stateCount(clock: .time, extent: end) >= Double(schedule.times(end: end).count + 2))
        }
        var spec = RunSpec(dynamics: .flow(FlowSettings(time: 10)), record: .every(1e-9))
        let error = #expect(throws: SpecError.self) { try spec.validate() }
        #expect(error?.field == "record")
        #expect(error?.description.contains("would keep 10000000001 states") == true, "\(error?.description ?? "")")
        spec.record = .every(1e-5)
        #expect(throws: Never.self) { try spec.validate() }
        let steps = RunSpec(dynamics: .discrete(DiscreteSettings(steps: 100_000_000)), record: .every(1))
        #expect(throws: SpecError.self) { try steps.validate() }
    }

    @Test func gaussianDrawsThatCannotFitAreRefused() throws {
        let n = #expect(throws: SpecError.self) { try GaussianClusters(count: 100_000_000, mean: [1, 2], sigma: 0.3, seed: 1) }
        #expect(n?.field == "data.n")
        #expect(n?.description == "data.n must be at most 10000000 (got 100000000): larger draws do not fit in memory")
        let values = #expect(throws: SpecError.self) {
            try GaussianClusters(count: 1_000_000, mean: [Double](repeating: 1, count: 101), sigma: 0.3, seed: 1)
        }
        #expect(values?.field == "data.n")
        #expect(throws: SpecError.self) { try GaussianClusters(parsing: "n=100000000,mean=1,sigma=1,seed=1") }
        #expect(throws: Never.self) { try GaussianClusters(count: 10_000_000, mean: [1], sigma: 0.3, seed: 1) }
    }
}
