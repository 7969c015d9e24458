/// The sharpness of one recorded state (THEORY.md §8): the columns `lambda_max` and `hessian_trace` of
/// `trajectory.csv`, and for discrete l2-SAM runs `gd_edge` and `sam_edge`; the summary holds the final state's.
///
/// A value that could not be computed as a finite number is nil (JSON null, an empty CSV cell), and `failure`
/// says why; nothing here is ever NaN.
public struct SharpnessRecord: Codable, Equatable, Sendable {
    /// `lambda_max`: the largest (algebraic) eigenvalue of the Hessian of the training loss over all parameters.
    public var lambdaMax: Double?
    /// `hessian_trace`: the trace of that Hessian, exact.
    public var hessianTrace: Double?
    /// Whether the run has stability edges (a discrete l2-SAM run): then `gd_edge` and `sam_edge` are written.
    public var hasEdges: Bool
    /// `gd_edge` = 2/eta.
    public var gdEdge: Double?
    /// `sam_edge`: the lambda with eta lambda (1 + rho lambda / ||g||_2) = 2 (`StabilityEdges.sam(learningRate:rho:logGradientNorm:)`).
    public var samEdge: Double?
    /// Why a value is nil, in words (not written to CSV; kept in checkpoints).
    public var failure: String?

    /// A record from its values.
    public init(lambdaMax: Double?, hessianTrace: Double?, hasEdges: Bool = false, gdEdge: Double? = nil, samEdge: Double? = nil,
                failure: String? = nil) {
        self.lambdaMax = lambdaMax
        self.hessianTrace = hessianTrace
        self.hasEdges = hasEdges
        self.gdEdge = gdEdge
        self.samEdge = samEdge
        self.failure = failure
    }

    enum CodingKeys: String, CodingKey {
        case lambdaMax = "lambda_max", hessianTrace = "hessian_trace", gdEdge = "gd_edge", samEdge = "sam_edge", failure
    }

    /// Reads the keys `encode(to:)` writes; the edges are there when `gd_edge` is.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lambdaMax = try c.decodeIfPresent(Double.self, forKey: .lambdaMax)
        hessianTrace = try c.decodeIfPresent(Double.self, forKey: .hessianTrace)
        hasEdges = c.contains(.gdEdge)
        gdEdge = try c.decodeIfPresent(Double.self, forKey: .gdEdge)
        samEdge = try c.decodeIfPresent(Double.self, forKey: .samEdge)
        failure = try c.decodeIfPresent(String.self, forKey: .failure)
    }

    /// `lambda_max` and `hessian_trace` (null when nil), `gd_edge` and `sam_edge` when the run has edges, and
    /// `failure` when there is one.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lambdaMax, forKey: .lambdaMax)
        try c.encode(hessianTrace, forKey: .hessianTrace)
        if hasEdges {
            try c.encode(gdEdge, forKey: .gdEdge)
            try c.encode(samEdge, forKey: .samEdge)
        }
        try c.encodeIfPresent(failure, forKey: .failure)
    }

    /// The CSV columns of a trajectory with sharpness: `lambda_max,hessian_trace`, then `gd_edge,sam_edge` with edges.
    public static func columns(edges: Bool) -> [String] {
        ["lambda_max", "hessian_trace"] + (edges ? ["gd_edge", "sam_edge"] : [])
    }

    /// This record's CSV cells, in the order of `columns(edges:)` (an empty cell for nil).
    public func cells(edges: Bool) -> [String] {
        ([lambdaMax, hessianTrace] + (edges ? [gdEdge, samEdge] : [])).map { $0.map { "\($0)" } ?? "" }
    }
}
