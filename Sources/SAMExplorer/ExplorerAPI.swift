import Foundation
import SAMAnalysis
import SAMCore
import SAMFlow

/// The explorer's JSON API over the library's run specification, independent of any HTTP server (`samlab-serve`
/// puts it on a socket; the tests call it directly).
///
/// - `POST /api/run`: the body is a run specification, exactly what `samlab train --config` or `samlab flow --config`
///   reads (a discrete run has `lr` / `steps`, a flow `time`); the answer is
///   `{"summary": S, "trajectory_csv": T, "weights": W}` where S is, byte for byte, the `summary.json` that
///   `samlab train --json` (or `flow --json`) prints for that spec, T the text of its `trajectory.csv`, and W all
///   the weights (layer-major, as the summary's `weights` flattened) at each row of T, one list per row (the page's
///   weights plane; the CLI writes no weights per row), or null when rows x weights exceeds
///   `ExplorerLimits.maximumWeightCells`. `?part=summary` answers S alone and `?part=trajectory` T
///   alone (text/csv).
/// - `GET /api/registry`: the rules (with their parameters' defaults and bounds), losses and models a spec can
///   name (`RegistryListing`).
/// - `POST /api/regime`: `{"mu": [...], "rho": r, "alpha": a?, "param"?, "lr"?, "measure"?, "tolerance"?, "time"?}`,
///   answered with `samlab regime --json`'s report (c_i, alpha_c, alpha*, and the regime of alpha).
/// - `POST /api/maxmargin`: `{"data": DATA, "norm": "l1" | "l2"}` (DATA as in a run spec), answered with
///   `samlab maxmargin --json`'s report.
///
/// Bad input is HTTP 400 with `{"error": line}`, the line the command-line tool prints for the same input in a
/// `--config` file without the file's name in front (unknown keys are errors, as everywhere). Data is given inline
/// (mu, Gaussian clusters, or embedded examples): the explorer reads no files of the machine it runs on. A run over
/// `limits` is HTTP 413 with a message saying which limit and how to stay under it.
public struct ExplorerAPI: Sendable {
    /// What one request may cost.
    public var limits: ExplorerLimits
    /// The version written into summaries (the CLI's, so that summaries agree byte for byte).
    public var version: String

    /// An API with the given limits and summary version.
    public init(limits: ExplorerLimits = ExplorerLimits(), version: String = SAMLabVersion.current) {
        self.limits = limits
        self.version = version
    }

    /// The API's paths that take POST with a JSON body.
    public static let endpoints = ["/api/run", "/api/regime", "/api/maxmargin"]
    /// The API's paths that take GET.
    public static let readEndpoints = ["/api/registry"]
    /// The registry whose names the API lists (`/api/registry`) and runs.
    public static let registry = Registry.standard

    /// The answer to `method path?query` with `body`.
    public func handle(method: String, path: String, query: [String: String] = [:], body: Data) -> ExplorerResponse {
        if Self.readEndpoints.contains(path) {
            guard method == "GET" else { return .error(405, "\(path) takes GET") }
            return listing()
        }
        let routes: [String: (Data, [String: String]) -> ExplorerResponse] = [
            "/api/run": run, "/api/regime": { b, _ in regime(b) }, "/api/maxmargin": { b, _ in maxMargin(b) },
        ]
        guard let route = routes[path] else { return .error(404, "no such endpoint: \(path)") }
        guard method == "POST" else { return .error(405, "\(path) takes POST with a JSON body") }
        return route(body, query)
    }

    /// `GET /api/registry`: the rules, losses and models of `registry`.
    func listing() -> ExplorerResponse {
        do { return .json(try JSONOutput.encode(RegistryListing(Self.registry))) } catch { return .error(500, "\(error)") }
    }

    // MARK: - /api/run

    /// Runs a spec within the limits.
    func run(_ body: Data, query: [String: String]) -> ExplorerResponse {
        let part = query["part"]
        if let part, part != "summary", part != "trajectory" {
            return .error(400, "part must be summary or trajectory (got '\(part)')")
        }
        let spec: RunSpec
        do { spec = try RunSpec(jsonData: body, clock: nil) } catch { return .error(400, "\(error)") }
        if case .csv(_, nil) = spec.data {
            return .error(400, "data: the explorer reads no files; give the examples inline (data.kind single with mu, gaussian, or csv with embedded examples)")
        }
        do { try spec.validate() } catch { return .error(400, Self.message(error)) }
        let prepared: PreparedRun
        do { prepared = try PreparedRun(spec) } catch { return .error(400, Self.message(error)) }
        // (One switch over the dynamics, bound to locals: Swift 6.3.1's release optimizer crashed on
        // `spec.discrete.map { ... } ?? spec.flow?.time` once FlowSettings held a String, CopyPropagation's ownership
        // check in this function.)
        let steps: Int, extent: Double
        switch spec.dynamics {
        case .discrete(let settings): (steps, extent) = (settings.steps, Double(settings.steps))
        case .flow(let settings): (steps, extent) = (0, settings.time)
        }
        let rows = spec.record.stateCount(clock: spec.clock, extent: extent)
        guard rows <= Double(limits.maximumRows) else {
            return .error(413, "record: \(spec.record.text(clock: spec.clock)) would keep \(Int(rows)) states, more than the explorer's \(limits.maximumRows): record less often (log=N or a larger every=)")
        }
        // The weights at each row, for the whole answer only, and only while they stay small (the page asks for d = 2).
        let parameters = (try? spec.components(dimension: prepared.dataset.dimension))?.model.initialWeights.count ?? .max
        let recordsWeights = part == nil && rows * Double(parameters) <= Double(limits.maximumWeightCells)
        let deadline = Date().addingTimeInterval(limits.maximumSeconds)
        let result: RunResult
        do {
            if spec.clock == .step {
                let runner = try DiscreteRunner(spec: prepared.spec, dataset: prepared.dataset, recordsWeights: recordsWeights)
                let work = Self.work(steps: extent, examples: prepared.dataset.count, parameters: runner.model.initialWeights.count,
                                     rule: spec.rule.name)
                guard work <= limits.maximumWork else {
                    return .error(413, "steps: \(steps) steps on \(prepared.dataset.count) example(s) and \(runner.model.initialWeights.count) weights are about \(String(format: "%.2g", work)) operations, more than the explorer's \(String(format: "%.2g", limits.maximumWork)) (a few seconds): use fewer steps, a smaller d, or samlab train")
                }
                let state = runner.run(shouldStop: { Date() >= deadline })
                guard state.status != .interrupted else { return Self.tooLong(limits) }
                result = runner.result
            } else {
                let runner = try FlowRunner(spec: prepared.spec, dataset: prepared.dataset, recordsWeights: recordsWeights)
                result = runner.run(shouldStop: { Date() >= deadline })
                guard result.status != .interrupted else { return Self.tooLong(limits) }
            }
        } catch {
            return .error(400, Self.message(error))
        }
        do {
            let summary = try JSONOutput.encode(RunSummary(result, version: version))
            let beta = result.clock == .step || result.dimension <= 1000
            let csv = TrajectoryCSV.render(result.rows, clock: result.clock, dimension: result.dimension, includeBeta: beta)
            switch part {
            case "summary": return .json(summary)
            case "trajectory": return ExplorerResponse(status: 200, contentType: "text/csv", body: Data(csv.utf8))
            default:
                var body = Data(#"{"summary":"#.utf8)
                body.append(summary)
                body.append(Data(#","trajectory_csv":"#.utf8))
                body.append(try JSONEncoder().encode(csv))
                body.append(Data(#","weights":"#.utf8))
                body.append(recordsWeights ? try JSONEncoder().encode(result.rows.map { $0.weights ?? [] }) : Data("null".utf8))
                body.append(Data("}\n".utf8))
                return .json(body)
            }
        } catch {
            return .error(500, "\(error)")
        }
    }

    /// The estimated multiply-adds of a discrete run: steps x n x parameters x gradient passes (one for gd, up to
    /// three for the SAM rules: the ascent, the descent and GSAM's or m-sharpness's extra work).
    static func work(steps: Double, examples: Int, parameters: Int, rule: String) -> Double {
        let passes = rule == GradientDescent.name ? 1.0 : 3.0
        return steps * Double(examples) * Double(max(parameters, 1)) * passes
    }

    static func tooLong(_ limits: ExplorerLimits) -> ExplorerResponse {
        .error(413, "the run took longer than the explorer's \(limits.maximumSeconds) s and was stopped: use fewer steps, a shorter time, looser rtol, or samlab train / samlab flow")
    }

    /// A library error in the words of a `--config` file's fields (without the file's name).
    static func message(_ error: any Error) -> String {
        RunSetupError.message(of: error) { $0.description }
    }

    // MARK: - /api/regime and /api/maxmargin

    /// The regime report of a JSON object of mu, rho and the optional settings.
    func regime(_ body: Data) -> ExplorerResponse {
        do {
            let object = try Self.object(body, known: ["mu", "rho", "alpha", "param", "lr", "measure", "tolerance", "time"])
            guard let mu = try object.doubles("mu") else { return .error(400, "mu is missing (the example, e.g. [1, 2])") }
            guard let rho = try object.double("rho") else { return .error(400, "rho is missing") }
            let measureName = try object.string("measure") ?? L2Theory.Measure.relative.rawValue
            guard let measure = L2Theory.Measure(rawValue: measureName) else {
                return .error(400, "measure must be one of \(L2Theory.Measure.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(measureName)')")
            }
            let report = try RegimeReport(mu: mu, rho: rho, alpha: try object.double("alpha"),
                                          param: try object.string("param") ?? ProductNetwork.name, learningRate: try object.double("lr"),
                                          measure: measure, tolerance: try object.double("tolerance"), time: try object.double("time") ?? 20)
            return .json(try JSONOutput.encode(report))
        } catch {
            return .error(400, Self.message(error))
        }
    }

    /// The max-margin report of a JSON object of data and norm.
    func maxMargin(_ body: Data) -> ExplorerResponse {
        do {
            let object = try Self.object(body, known: ["data", "norm"])
            guard let normName = try object.string("norm"), let norm = MarginNorm(rawValue: normName) else {
                return .error(400, "norm must be l1 or l2")
            }
            guard let dataObject = try object.object("data") else { return .error(400, "data is missing") }
            let source = try DataSource(spec: dataObject)
            if case .csv(_, nil) = source { return .error(400, "data: the explorer reads no files; give the examples inline") }
            let dataset = try source.load()
            return .json(try JSONOutput.encode(try MaxMarginReport(dataset: dataset, norm: norm)))
        } catch {
            return .error(400, Self.message(error))
        }
    }

    /// A strict JSON object with only `known` keys.
    static func object(_ body: Data, known: [String]) throws -> SpecObject {
        let object = try SpecObject(try JSONValue(parsingStrictly: body), path: "")
        try object.requireOnly(known)
        return object
    }
}
