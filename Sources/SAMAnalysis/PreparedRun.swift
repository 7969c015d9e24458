import SAMCore
import SAMFlow

/// Something about the data that a run may go on with but a user should hear about.
public enum DataWarning: Equatable, Sendable, CustomStringConvertible {
    /// D_mu with a non-positive entry (the theory assumes mu > 0): the 0-based index and the value.
    case nonPositiveMu(index: Int, value: Double)
    /// A CSV dataset that is not linearly separable through the origin (the theory assumes separable data).
    case notSeparable(origin: DataOrigin, bestMargin: Double)

    /// The warning, naming spec fields and files.
    public var description: String { rendered { $0.description } }

    /// The warning with spec fields and files written by `name` (the command-line tool passes flag names).
    public func rendered(_ name: (DataOrigin) -> String) -> String {
        switch self {
        case .nonPositiveMu(let j, let value):
            "\(name(.field("data.mu"))) has a non-positive entry (mu_\(j + 1) = \(value)); the theory assumes mu > 0"
        case .notSeparable(let origin, let margin):
            "\(name(origin)) is not linearly separable through the origin (best margin with ||b||_inf <= 1 is \(margin)); the theory assumes separable data"
        }
    }
}

/// Why a spec cannot run: the spec itself, or its data.
public enum RunSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The spec is invalid.
    case spec(SpecError)
    /// The data cannot be loaded or used.
    case data(DataError)

    /// The inner error's message.
    public var description: String {
        switch self {
        case .spec(let e): e.description
        case .data(let e): e.description
        }
    }

    /// The one-line message of a library error (a `SpecError`, a `DataError` or a `RunSetupError`) with each spec
    /// field written by `name` and each file by its path; any other error by its description. The command line passes
    /// its flag names (`--lr`), the explorer the spec keys (`lr`).
    public static func message(of error: any Error, naming name: (SpecField) -> String) -> String {
        switch error {
        case let e as SpecError: e.rendered(name)
        case let e as DataError: e.rendered { $0.named(name) }
        case .spec(let e) as RunSetupError: e.rendered(name)
        case .data(let e) as RunSetupError: e.rendered { $0.named(name) }
        default: "\(error)"
        }
    }
}

extension DataOrigin {
    /// The origin as a message names it: a file by its path, a spec field by `name`.
    public func named(_ name: (SpecField) -> String) -> String {
        switch self {
        case .file(let path): path
        case .field(let field): name(field)
        }
    }
}

/// A run specification with its data loaded and checked, the way every entry point loads data (`samlab train`,
/// `flow`, sweeps, the catalog): a small CSV file's examples are embedded in the spec (so that its summary repeats
/// the run), labels must be +1 / -1 unless the loss is a regression loss, a Gaussian draw for a margin loss must be
/// linearly separable through the origin, the recorded states must fit in memory
/// (`checkRecordingSize`), and a non-positive mu or a non-separable CSV file gives a warning.
public struct PreparedRun: Sendable {
    /// The spec, with a small CSV file's examples embedded.
    public var spec: RunSpec
    /// The loaded examples.
    public var dataset: Dataset
    /// What the user should hear about the data.
    public var warnings: [DataWarning]

    /// Validates `spec`, loads its data and checks it (a Gaussian draw must be separable; a non-positive mu or a non-separable CSV file is a warning).
    public init(_ spec: RunSpec, registry: Registry = .standard) throws(RunSetupError) {
        do { try spec.validate(registry: registry) } catch { throw .spec(error) }
        let dataset: Dataset
        let labels = (try? registry.loss(named: spec.loss))?.labels ?? .classes
        do { dataset = try spec.data.load(labels: labels) } catch { throw .data(error) }
        var warnings: [DataWarning] = []
        var prepared = spec
        // Separability is a question about classes: a regression loss's data need none.
        let classifies = labels == .classes
        switch spec.data {
        case .singleExample(let mu):
            if let j = mu.firstIndex(where: { $0 <= 0 }) { warnings.append(.nonPositiveMu(index: j, value: mu[j])) }
        case .csv(let path, nil):
            prepared.data = spec.data.embedding(dataset)
            if classifies, let report = try? Separability.check(points: dataset.points, labels: dataset.labels), !report.separable {
                warnings.append(.notSeparable(origin: .file(path), bestMargin: report.bestMargin))
            }
        case .csv:
            break
        case .gaussian where !classifies:
            break
        case .gaussian(let draw):
            let report: SeparabilityReport
            do {
                report = try Separability.check(points: dataset.points, labels: dataset.labels)
            } catch {
                throw .data(.notSeparable(origin: .field("data.gaussian"), detail: "could not decide separability (\(error))"))
            }
            guard report.separable else {
                throw .data(.notSeparable(origin: .field("data.gaussian"), detail: "the draw with seed \(draw.seed) is not linearly separable through the origin (best margin with ||b||_inf <= 1 is \(report.bestMargin) <= 0); try another seed or a smaller sigma"))
            }
        }
        do { try Self.checkRecordingSize(spec, dimension: dataset.dimension, registry: registry) } catch { throw .spec(error) }
        self.spec = prepared
        self.dataset = dataset
        self.warnings = warnings
    }

    /// The most numbers the states a run keeps may hold in memory: 2.5 x 10^8, 2 GB of Float64.
    public static let maximumRecordedNumbers = 250_000_000

    /// Checks that the states `spec.record` keeps fit in `maximumRecordedNumbers`, before anything runs. A state
    /// of a discrete run holds its observables and, when `recordsBeta` (default: d <= 1000), beta; a state of a
    /// flow holds the weights and beta too. The error names the field `record`.
    public static func checkRecordingSize(_ spec: RunSpec, dimension d: Int, recordsBeta: Bool? = nil,
                                          registry: Registry = .standard) throws(SpecError) {
        let extent = spec.discrete.map { Double($0.steps) } ?? spec.flow?.time ?? 0
        let states = spec.record.stateCount(clock: spec.clock, extent: extent)
        let perState: Double
        switch spec.dynamics {
        case .discrete:
            perState = 8 + ((recordsBeta ?? (d <= 1000)) ? Double(d) : 0)
        case .flow:
            let weights = (try? registry.model(named: spec.model.name).model(spec.model, dimension: d))?.initialWeights.count
                ?? spec.model.depth * d
            perState = 8 + Double(d + weights)
        }
        let total = states * perState
        guard total <= Double(maximumRecordedNumbers) else {
            let gigabytes = (total * 8 / 1e9 * 10).rounded() / 10
            throw .inconsistent(field: "record", detail: "\(spec.record.text(clock: spec.clock)) would keep \(Int(min(states, 1e15))) states of \(Int(perState)) numbers each (about \(gigabytes) GB), more than the limit of \(maximumRecordedNumbers) numbers (2 GB): record fewer states")
        }
    }

    /// Runs it to the end (discrete or flow).
    public func run(registry: Registry = .standard, recordsBeta: Bool? = nil) throws(SpecError) -> RunResult {
        try spec.run(on: dataset, registry: registry, recordsBeta: recordsBeta)
    }
}

extension RunSpec {
    /// Loads and checks the data (`PreparedRun`) and runs the spec to its end: the library's one call for a run.
    public func run(registry: Registry = .standard) throws(RunSetupError) -> RunResult {
        let prepared = try PreparedRun(self, registry: registry)
        do { return try prepared.run(registry: registry) } catch { throw .spec(error) }
    }
}
