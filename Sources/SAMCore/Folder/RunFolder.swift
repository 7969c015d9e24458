import Foundation

/// A run's folder: `summary.json` and `trajectory.csv` of a finished run; those two (with status `interrupted` and
/// the trajectory so far) and `checkpoint.json` while a discrete run is unfinished. The library writes and reads
/// it, for the command-line tool, sweeps, the catalog and downstream code alike.
///
/// A folder appears whole or not at all: its files are written into a temporary sibling (`.NAME.tmp-PID`), which
/// then replaces the folder in one rename (an atomic exchange where the system has it). A full disk, a crash or a
/// kill leaves either the previous folder or the new one, never a `trajectory.csv` without its `summary.json`, nor a
/// checkpoint without the summary of the same moment. `--resume` continues from the checkpoint; the finished folder
/// (without a checkpoint) replaces the interrupted one.
public enum RunFolder {
    /// The summary's file name.
    public static let summaryName = "summary.json"
    /// The trajectory's file name.
    public static let trajectoryName = "trajectory.csv"
    /// The checkpoint's file name.
    public static let checkpointName = "checkpoint.json"
    /// The files a run folder may hold (besides the NPY files of a large run's vectors, `SummaryVectors`).
    public static let runFiles: Set<String> = [summaryName, trajectoryName, checkpointName]

    /// Whether a run folder may hold a file of this name: `runFiles`, or a large run's `beta.npy`, `weights.npy`, ...
    public static func isRunFile(_ name: String) -> Bool { runFiles.contains(name) || SummaryVectors.isFolderFile(name) }

    /// Writes the files of a run to `directory`, whole or not at all: `trajectory.csv` and `summary.json`, and with
    /// `checkpoint` (an interrupted discrete run) `checkpoint.json` too, all in the same rename. `includeBeta` chooses
    /// the beta columns of trajectory.csv (default: whenever the rows have beta, for flows only up to d = 1000).
    /// `writeFile` is how each file is written (tests pass one that fails part way). When d > 1000 the summary's long
    /// vectors go to NPY files beside it (`SummaryVectors`), each written by `writeArray` (by default from the
    /// array's values as they are, without making the file's bytes first). Returns the bytes of `summary.json`.
    @discardableResult
    public static func write(_ result: RunResult, to directory: String, version: String = SAMLabVersion.current,
                             includeBeta: Bool? = nil, checkpoint: RunCheckpoint? = nil,
                             writeFile: (Data, String) throws(InvalidInput) -> Void = { data, path throws(InvalidInput) in try plainWrite(data, to: path) },
                             writeArray: (NPYArray, String) throws(InvalidInput) -> Void = { array, path throws(InvalidInput) in try plainWrite(array, to: path) }) throws(InvalidInput) -> Data {
        let vectors = SummaryVectors()
        let summary = try JSONOutput.encode(RunSummary(result, version: version), userInfo: [SummaryVectors.sinkKey: vectors])
        let beta = includeBeta ?? (result.clock == .step || result.dimension <= 1000)
        let csv = TrajectoryCSV.render(result.rows, clock: result.clock, dimension: result.dimension, includeBeta: beta)
        var files: [(String, FileContents)] = [(trajectoryName, .bytes { Data(csv.utf8) }), (summaryName, .bytes { summary })]
        // A large run's NPY files are written from the vectors the summary shares with the result (no copies).
        for (name, array) in vectors.files { files.append((name, .array(array))) }
        for (name, vector) in vectors.derivedFiles { files.append((name, .derived(vector))) }
        if let checkpoint {
            let data = try JSONOutput.encode(checkpoint)
            files.append((checkpointName, .bytes { data }))
        }
        try replace(directory, with: files, writeFile: writeFile, writeArray: writeArray)
        return summary
    }

    /// The run files `directory` already holds (none when it is missing or empty), after checking that a run
    /// could be written there: the path, if it exists, is a directory holding only a run's files, and the
    /// directory (or its nearest existing ancestor) is writable. Nothing is created. A caller that must not replace
    /// a run without being asked (the command-line tool without `--force` or `--resume`) refuses a non-empty answer.
    public static func existingRunFiles(in directory: String) throws(InvalidInput) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            try AtomicFile.checkWritable(directory)
            return []
        }
        guard isDirectory.boolValue else { throw InvalidInput("\(directory): exists and is not a directory") }
        let present = try listing(directory)
        let foreign = present.filter { !isRunFile($0) }.sorted()
        guard foreign.isEmpty else {
            throw InvalidInput("\(directory): holds files that are not a run's (\(foreign.prefix(3).joined(separator: ", "))); choose another folder")
        }
        // The folder is replaced by a sibling: its parent must be writable.
        let parent = URL(fileURLWithPath: directory).standardizedFileURL.deletingLastPathComponent().path
        try AtomicFile.checkWritable(parent)
        return present.sorted()
    }

    /// The names in a directory, or an error naming it with the reason.
    static func listing(_ directory: String) throws(InvalidInput) -> [String] {
        guard let dir = opendir(directory) else {
            throw InvalidInput("\(directory): cannot read the directory (\(InputFile.reason(errno: errno)))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Reads a finished run's folder back as a result (names of rules, losses and models read with `registry`).
    public static func read(_ directory: String, registry: Registry = .standard) throws(InvalidInput) -> RunResult {
        let summaryPath = path(directory, summaryName), csvPath = path(directory, trajectoryName)
        let data = try InputFile.read(summaryPath)
        let summary: RunSummary
        let decoder = registry.decoder
        decoder.userInfo[SummaryVectors.directoryKey] = directory
        do { summary = try decoder.decode(RunSummary.self, from: data) } catch let error as SpecError {
            throw InvalidInput("\(summaryPath): \(error)")
        } catch let error as InvalidInput {
            throw InvalidInput("\(summaryPath): \(error.message)")
        } catch {
            throw InvalidInput("\(summaryPath): not a SAMLab summary (\(JSONOutput.describe(error)))")
        }
        guard let text = String(data: try InputFile.read(csvPath), encoding: .utf8) else { throw InvalidInput("\(csvPath): not UTF-8") }
        let (clock, rows) = try TrajectoryCSV.parse(text, source: csvPath)
        guard clock == summary.clock else { throw InvalidInput("\(csvPath): a \(clock.rawValue) column, but the summary is of a \(summary.clock == .step ? "discrete run" : "flow")") }
        let mu: [Double]? = if case .singleExample(let mu) = summary.config.data { mu } else { nil }
        return RunResult(spec: summary.config, status: summary.status, reason: summary.reason, eventClock: summary.eventClock,
                         endClock: summary.endClock, rows: rows, leaders: summary.leaders, leadersAbsolute: summary.leadersAbsolute,
                         final: StateObservation(logLoss: summary.logLoss, margin: summary.margin, norm: summary.norm, beta: summary.beta,
                                                 mse: summary.mse),
                         finalWeights: summary.weights.flatMap { $0 }, layerCount: summary.weights.count,
                         examples: summary.dataset.n, dimension: summary.beta.count, zeroCrossings: summary.zeroCrossings ?? [],
                         slides: summary.slides ?? [], solver: summary.solver, mu: mu,
                         layerShapes: summary.weightMatrices.map { $0.map { .matrix(rows: $0.count, columns: $0.first?.count ?? 0) } })
    }

    /// Saves an unfinished run's checkpoint in its folder (created if missing), next to whatever the folder holds.
    /// The command-line tool writes an interrupted run's folder whole instead (`write(_:to:checkpoint:)`).
    public static func saveCheckpoint(_ checkpoint: RunCheckpoint, in directory: String) throws(InvalidInput) {
        try AtomicFile.makeDirectory(directory)
        try AtomicFile.write(try JSONOutput.encode(checkpoint), to: path(directory, checkpointName))
    }

    /// The folder's checkpoint, if it has one.
    public static func loadCheckpoint(in directory: String, registry: Registry = .standard) throws(InvalidInput) -> RunCheckpoint? {
        let file = path(directory, checkpointName)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        let data = try InputFile.read(file)
        do { return try registry.decoder.decode(RunCheckpoint.self, from: data) } catch let error as SpecError {
            throw InvalidInput("\(file): \(error)")
        } catch {
            throw InvalidInput("\(file): not a SAMLab checkpoint (\(JSONOutput.describe(error)))")
        }
    }

    static func path(_ directory: String, _ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Writes `data` to `path` directly (the default `writeFile` of `write(_:to:version:includeBeta:writeFile:)`).
    public static func plainWrite(_ data: Data, to path: String) throws(InvalidInput) {
        do { try AtomicFile.writeDirectly(data, to: path) } catch { throw InvalidInput(error.description) }
    }

    /// Writes `array` as an NPY file at `path`, from its values directly (the default `writeArray` of `write`).
    public static func plainWrite(_ array: NPYArray, to path: String) throws(InvalidInput) {
        do { try array.write(to: path) } catch { throw InvalidInput(error.description) }
    }

    /// One file of a folder: bytes made just before they are written, or an NPY array written from its values.
    /// Writes `vector` as an NPY file at `path`, entry by entry (`NPYDerivedVector.write(to:)`).
    static func plainWrite(_ vector: NPYDerivedVector, to path: String) throws(InvalidInput) {
        do { try vector.write(to: path) } catch { throw InvalidInput(error.description) }
    }

    enum FileContents {
        case bytes(() -> Data)
        case array(NPYArray)
        /// Written entry by entry (`NPYDerivedVector.write(to:)`).
        case derived(NPYDerivedVector)
    }

    /// Puts `files` in place of `directory`'s content in one step: written into a temporary sibling, then renamed.
    /// An existing folder may hold only a run's files (so that nothing of a user's is lost when it is replaced).
    /// Each file's bytes are made (`files`' closures) just before it is written.
    static func replace(_ directory: String, with files: [(String, FileContents)],
                        writeFile: (Data, String) throws(InvalidInput) -> Void,
                        writeArray: (NPYArray, String) throws(InvalidInput) -> Void) throws(InvalidInput) {
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = url.deletingLastPathComponent().path, name = url.lastPathComponent
        try AtomicFile.makeDirectory(parent)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        if exists {
            guard isDirectory.boolValue else { throw InvalidInput("\(directory): exists and is not a directory") }
            let present = try listing(url.path)
            let foreign = present.filter { !isRunFile($0) }.sorted()
            guard foreign.isEmpty else {
                throw InvalidInput("\(directory): holds files that are not a run's (\(foreign.prefix(3).joined(separator: ", "))); choose another folder")
            }
        }
        let temporary = (parent as NSString).appendingPathComponent(".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(atPath: temporary)
        guard mkdir(temporary, 0o777) == 0 else {
            throw InvalidInput("\(directory): cannot write (\(InputFile.reason(errno: errno, writing: true)))")
        }
        do {
            for (file, contents) in files {
                let path = (temporary as NSString).appendingPathComponent(file)
                switch contents {
                case .bytes(let data): try writeFile(data(), path)
                case .array(let array): try writeArray(array, path)
                case .derived(let vector): try plainWrite(vector, to: path)
                }
            }
            try syncDirectory(temporary)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            // Errors name the files where they will be, not the temporary sibling.
            throw InvalidInput(error.message.replacingOccurrences(of: temporary, with: directory))
        }
        if !exists {
            guard Foundation.rename(temporary, url.path) == 0 else {
                let reason = InputFile.reason(errno: errno, writing: true)
                try? FileManager.default.removeItem(atPath: temporary)
                throw InvalidInput("\(directory): cannot write (\(reason))")
            }
            return
        }
        if exchange(temporary, url.path) {
            try? FileManager.default.removeItem(atPath: temporary)
            return
        }
        // No atomic exchange here: move the old folder aside, move the new one in, remove the old.
        let old = (parent as NSString).appendingPathComponent(".\(name).old-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(atPath: old)
        guard Foundation.rename(url.path, old) == 0 else {
            let reason = InputFile.reason(errno: errno, writing: true)
            try? FileManager.default.removeItem(atPath: temporary)
            throw InvalidInput("\(directory): cannot replace (\(reason))")
        }
        guard Foundation.rename(temporary, url.path) == 0 else {
            let reason = InputFile.reason(errno: errno, writing: true)
            _ = Foundation.rename(old, url.path)
            try? FileManager.default.removeItem(atPath: temporary)
            throw InvalidInput("\(directory): cannot replace (\(reason))")
        }
        try? FileManager.default.removeItem(atPath: old)
    }

    /// Swaps two paths atomically (Linux renameat2 with RENAME_EXCHANGE); false where the system cannot.
    static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        // glibc has renameat2 since 2.28, but Swift's Glibc module does not import it: look it up by name.
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let atCurrentDirectory: Int32 = -100, renameExchange: UInt32 = 2
        return renameat2(atCurrentDirectory, a, atCurrentDirectory, b, renameExchange) == 0
        #else
        return false
        #endif
    }

    /// fsync the files of a directory and the directory itself, so the rename publishes complete files.
    static func syncDirectory(_ path: String) throws(InvalidInput) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for file in names.map({ (path as NSString).appendingPathComponent($0) }) + [path] {
            let fd = open(file, O_RDONLY)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw InvalidInput("\(file): cannot write (\(InputFile.reason(errno: errno, writing: true)))") }
        }
    }
}
