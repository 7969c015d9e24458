import Foundation
import SAMCore

/// Everything that defines a run of `samlab flow`; stored whole in its summary (key `config`).
public struct FlowConfiguration: Codable, Equatable, Sendable {
    public var data: DataSource
    public var depth: Int
    public var parametrization: Parametrization
    public var alpha: [Double]
    public var layerInit: [[Double]]?
    public var loss: Loss
    public var optimizer: Optimizer
    public var rho: Double
    /// End time, in the flow's own time (rescaled time with `rescaled`).
    public var time: Double
    public var rescaled: Bool
    public var logTime: Bool
    public var rtol: Double
    public var atol: Double
    public var record: TimeGrid
    public var blowupNorm: Double
    public var lossTolerance: Double?

    public enum Defaults {
        public static let time = 10.0
        public static let rtol = 1e-10
        public static let atol = 1e-12
        public static let record = TimeGrid.log(200)
        public static let blowupNorm = 1e8
    }

    public init(model: TrainConfiguration = TrainConfiguration(), time: Double = Defaults.time, rescaled: Bool = false,
                logTime: Bool = false, rtol: Double = Defaults.rtol, atol: Double = Defaults.atol,
                record: TimeGrid = Defaults.record, blowupNorm: Double = Defaults.blowupNorm, lossTolerance: Double? = nil) {
        data = model.data
        depth = model.depth
        parametrization = model.parametrization
        alpha = model.alpha
        layerInit = model.layerInit
        loss = model.loss
        optimizer = model.optimizer
        rho = model.rho
        self.time = time
        self.rescaled = rescaled
        self.logTime = logTime
        self.rtol = rtol
        self.atol = atol
        self.record = record
        self.blowupNorm = blowupNorm
        self.lossTolerance = lossTolerance
    }

    /// The model part as a training configuration (for the shared validation and network construction).
    public var model: TrainConfiguration {
        TrainConfiguration(data: data, depth: depth, parametrization: parametrization, alpha: alpha, layerInit: layerInit,
                           loss: loss, optimizer: optimizer, rho: rho)
    }

    enum CodingKeys: String, CodingKey {
        case data, depth, parametrization = "param", alpha, layerInit = "layer_init", loss, optimizer, rho, time
        case rescaled, logTime = "log_time", rtol, atol, record, blowupNorm = "blowup_norm", lossTolerance = "loss_tolerance"
    }

    public func validate() throws(InvalidInput) {
        try model.validate()
        guard time.isFinite, time > 0 else { throw InvalidInput("--time must be positive and finite (got \(time))") }
        guard rtol.isFinite, rtol > 0 else { throw InvalidInput("--rtol must be positive and finite (got \(rtol))") }
        guard atol.isFinite, atol > 0 else { throw InvalidInput("--atol must be positive and finite (got \(atol))") }
        guard rtol >= 1e-14 else { throw InvalidInput("--rtol must be at least 1e-14 (got \(rtol)): below that Float64 cannot deliver it") }
        guard blowupNorm.isFinite, blowupNorm > 0 else { throw InvalidInput("--blowup-norm must be positive and finite (got \(blowupNorm))") }
        if let lossTolerance {
            guard lossTolerance.isFinite, lossTolerance > 0 else { throw InvalidInput("--loss-tol must be positive and finite (got \(lossTolerance))") }
        }
        if rescaled && logTime {
            throw InvalidInput("--log-time is for unrescaled flows: the rescaled flow's time does not need it (drop one of --rescaled, --log-time)")
        }
    }
}

/// The times a flow's trajectory keeps: every dt, about N log-spaced times, or explicit times (t = 0 and the end
/// are always kept).
public enum TimeGrid: Sendable, Equatable {
    case every(Double)
    case log(Int)
    case times([Double])

    public init(parsing text: String, flag: String = "--record") throws(InvalidInput) {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { throw InvalidInput("\(flag) must be every=DT, log=N or times=T1,T2,... (got '\(text)')") }
        switch parts[0] {
        case "every":
            guard let dt = Double(parts[1]), dt.isFinite, dt > 0 else { throw InvalidInput("\(flag) every=DT needs a positive DT (got '\(parts[1])')") }
            self = .every(dt)
        case "log":
            guard let n = Int(parts[1]), n >= 2 else { throw InvalidInput("\(flag) log=N needs an integer N >= 2 (got '\(parts[1])')") }
            self = .log(n)
        case "times":
            var times = [Double]()
            for token in parts[1].split(separator: ",") {
                guard let t = Double(token.trimmingCharacters(in: .whitespaces)), t.isFinite, t > 0 else {
                    throw InvalidInput("\(flag) times= needs positive finite times (got '\(token)')")
                }
                times.append(t)
            }
            guard !times.isEmpty, zip(times, times.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw InvalidInput("\(flag) times= needs increasing times")
            }
            self = .times(times)
        default:
            throw InvalidInput("\(flag) must be every=DT, log=N or times=T1,T2,... (got '\(text)')")
        }
    }

    public var text: String {
        switch self {
        case .every(let dt): "every=\(dt)"
        case .log(let n): "log=\(n)"
        case .times(let t): "times=" + t.map { "\($0)" }.joined(separator: ",")
        }
    }

    /// The requested times in (0, end), ascending.
    public func times(end: Double) -> [Double] {
        switch self {
        case .every(let dt):
            var out = [Double]()
            var k = 1.0
            while k * dt < end * (1 - 1e-12) && out.count < 10_000_000 {
                out.append(k * dt)
                k += 1
            }
            return out
        case .log(let n):
            // From 1e-3 (or end / 10^4 for short runs), so that long log-time runs show their early phase too.
            let first = min(end * 1e-4, 1e-3)
            return (0..<n).map { first * Foundation.pow(end / first, Double($0) / Double(n - 1)) }.filter { $0 < end }
        case .times(let t):
            return t.filter { $0 < end }
        }
    }
}

extension TimeGrid: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try TimeGrid(parsing: text, flag: "record") } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}
